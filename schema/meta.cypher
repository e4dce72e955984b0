// The meta node: the data version readers poll. A load bumps version and
// committed only after everything it wrote has been written; see
// graph/neo4jstore/doc.go for the meaning of each property.
MERGE (m:ChipgraphMeta {id: 'meta'})
  ON CREATE SET m.version = 0, m.committed = 0, m.nextLoad = 0;
