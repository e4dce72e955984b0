// Neo4j schema for chipgraph: uniqueness constraints and indexes.
//
// graph/neo4jstore applies every statement in schema/*.cypher, in file-name
// order, before each load. Statements end with ";" and must be idempotent
// (IF NOT EXISTS / MERGE), since they run on every load.

// One node per ID and label. The constraint also gives MERGE an index to
// find the node by, instead of scanning the label for every row.
CREATE CONSTRAINT firm_id IF NOT EXISTS FOR (n:Firm) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT country_id IF NOT EXISTS FOR (n:Country) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT input_id IF NOT EXISTS FOR (n:Input) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT product_id IF NOT EXISTS FOR (n:Product) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT fab_id IF NOT EXISTS FOR (n:Fab) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT control_event_id IF NOT EXISTS FOR (n:ControlEvent) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT source_id IF NOT EXISTS FOR (n:Source) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT observation_id IF NOT EXISTS FOR (n:Observation) REQUIRE n.id IS UNIQUE;

// The store's bookkeeping: one meta node holding the data version.
CREATE CONSTRAINT chipgraph_meta_id IF NOT EXISTS FOR (n:ChipgraphMeta) REQUIRE n.id IS UNIQUE;

// Lookups researchers make when querying in Cypher directly.
CREATE INDEX firm_name IF NOT EXISTS FOR (n:Firm) ON (n.name);
CREATE INDEX country_name IF NOT EXISTS FOR (n:Country) ON (n.name);
CREATE INDEX input_name IF NOT EXISTS FOR (n:Input) ON (n.name);
CREATE INDEX product_name IF NOT EXISTS FOR (n:Product) ON (n.name);
CREATE INDEX fab_name IF NOT EXISTS FOR (n:Fab) ON (n.name);
CREATE INDEX control_event_name IF NOT EXISTS FOR (n:ControlEvent) ON (n.name);
CREATE INDEX control_event_date IF NOT EXISTS FOR (n:ControlEvent) ON (n.date);
CREATE INDEX source_name IF NOT EXISTS FOR (n:Source) ON (n.name);

// Crosswalk to the ETO dataset's provider and input IDs.
CREATE INDEX firm_eto_id IF NOT EXISTS FOR (n:Firm) ON (n.etoId);
CREATE INDEX input_eto_id IF NOT EXISTS FOR (n:Input) ON (n.etoId);

// Prior versions kept while a load runs, looked up by the committed load
// they belong to (see graph/neo4jstore/doc.go).
CREATE INDEX chipgraph_undo_saved_for IF NOT EXISTS FOR (n:ChipgraphUndo) ON (n.savedFor);
