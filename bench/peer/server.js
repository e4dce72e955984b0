// The peer of `chipgraph bench`: the four benchmark questions (Q1-Q4)
// answered by the Neo4j GraphQL Library (@neo4j/graphql) through @cypher
// fields, on the same Neo4j and data as chipgraph.
//
// The Cypher of each field is not written here: the bench passes the very
// statements it runs as the raw-Cypher floor, in a JSON file named by
// PEER_CYPHER ({"upstream": "...", "dependencyPaths": "...",
// "chokepoints": "...", "feasibility": "..."}), so that the peer, the floor
// and chipgraph answer the same question. Each statement returns one column,
// "row", holding a map shaped like the field's type.
//
// Environment:
//   NEO4J_URI       bolt://127.0.0.1:7687 by default
//   NEO4J_DATABASE  neo4j by default
//   NEO4J_USER, NEO4J_PASSWORD  basic authentication; none if NEO4J_USER is unset
//   PEER_CYPHER     the JSON file of statements (required)
//   PORT            port on 127.0.0.1 to listen on; 0 (default) picks one
//
// It prints "listening http://127.0.0.1:PORT/graphql" once ready and serves
// POST /graphql (JSON body {query, variables}) until SIGTERM or SIGINT.
// Parsed and validated documents are cached by query text, as gqlgen's
// query cache does on the chipgraph side.
"use strict";

const fs = require("node:fs");
const http = require("node:http");
const neo4j = require("neo4j-driver");
const { Neo4jGraphQL } = require("@neo4j/graphql");
const { parse, validate, execute } = require("graphql");

function typeDefs(cypher) {
    for (const field of ["upstream", "dependencyPaths", "chokepoints", "feasibility"]) {
        if (typeof cypher[field] !== "string" || cypher[field].includes('"""')) {
            throw new Error(`PEER_CYPHER: missing or unusable statement for ${field}`);
        }
    }
    return `
type Product @node {
    id: ID!
    name: String
}

type UpstreamItem {
    id: ID!
    tier: Int!
}

type DependencyPath {
    nodes: [ID!]!
    length: Int!
}

type Chokepoint {
    input: ID!
    hhi: Float
    topShare: Float
    supplierCount: Int!
    dependents: Int!
    score: Float!
}

type Feasibility {
    feasible: Boolean!
    blockedBy: [ID!]!
}

type Query {
    upstream(of: ID!, maxDepth: Int!, asOf: String!): [UpstreamItem!]!
        @cypher(statement: """${cypher.upstream}""", columnName: "row")
    dependencyPaths(from: ID!, to: ID!, maxDepth: Int!, first: Int!, asOf: String!): [DependencyPath!]!
        @cypher(statement: """${cypher.dependencyPaths}""", columnName: "row")
    chokepoints(of: ID!, first: Int!, asOf: String!): [Chokepoint!]!
        @cypher(statement: """${cypher.chokepoints}""", columnName: "row")
    feasibility(item: ID!, for: ID!, asOf: String!): Feasibility
        @cypher(statement: """${cypher.feasibility}""", columnName: "row")
}
`;
}

async function main() {
    const file = process.env.PEER_CYPHER;
    if (!file) {
        throw new Error("PEER_CYPHER is not set: the bench passes the statements in a JSON file");
    }
    const cypher = JSON.parse(fs.readFileSync(file, "utf8"));
    const uri = process.env.NEO4J_URI || "bolt://127.0.0.1:7687";
    const database = process.env.NEO4J_DATABASE || "neo4j";
    const auth = process.env.NEO4J_USER ? neo4j.auth.basic(process.env.NEO4J_USER, process.env.NEO4J_PASSWORD || "") : undefined;
    const driver = neo4j.driver(uri, auth, { userAgent: "chipgraph-bench-peer" });
    await driver.verifyConnectivity({ database });
    const schema = await new Neo4jGraphQL({ typeDefs: typeDefs(cypher), driver }).getSchema();

    const documents = new Map(); // query text -> parsed, validated document
    function documentOf(query) {
        let doc = documents.get(query);
        if (doc === undefined) {
            doc = parse(query);
            const errors = validate(schema, doc);
            if (errors.length > 0) {
                return { errors };
            }
            if (documents.size < 1000) {
                documents.set(query, doc);
            }
        }
        return { doc };
    }

    const server = http.createServer((req, res) => {
        const reply = (status, body) => {
            const text = JSON.stringify(body);
            res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
            res.end(text);
        };
        if (req.method !== "POST" || req.url !== "/graphql") {
            reply(404, { errors: [{ message: "POST /graphql" }] });
            return;
        }
        const chunks = [];
        req.on("data", (c) => chunks.push(c));
        req.on("end", async () => {
            try {
                const { query, variables } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
                const { doc, errors } = documentOf(query);
                if (errors) {
                    reply(400, { errors: errors.map((e) => ({ message: e.message })) });
                    return;
                }
                const result = await execute({
                    schema,
                    document: doc,
                    variableValues: variables,
                    contextValue: { sessionConfig: { database } },
                });
                reply(200, {
                    data: result.data,
                    ...(result.errors ? { errors: result.errors.map((e) => ({ message: e.message })) } : {}),
                });
            } catch (e) {
                reply(400, { errors: [{ message: String(e && e.message ? e.message : e) }] });
            }
        });
    });
    server.keepAliveTimeout = 120000;
    const port = Number(process.env.PORT || 0);
    server.listen(port, "127.0.0.1", () => {
        console.log(`listening http://127.0.0.1:${server.address().port}/graphql`);
    });
    const stop = () => {
        server.close();
        driver.close().finally(() => process.exit(0));
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
}

main().catch((e) => {
    console.error(`peer: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
});
