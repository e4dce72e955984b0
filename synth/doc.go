// Package synth generates synthetic semiconductor supply-chain graphs for
// benchmarks and load tests (graph/analysis benchmarks, `chipgraph gen`,
// `chipgraph bench`). The graphs are deterministic for a seed, valid
// graph.Datasets (unique IDs, every edge endpoint present, dates and shares
// in range), and shaped like the curated data at scale:
//
//   - a requirement DAG over inputs twelve levels deep (level 0: materials
//     and tools; 3–7: processes; 8–11: components and designs) with
//     OR-groups of alternatives and a TYPE_OF taxonomy within each level;
//   - products, each an INSTANCE_OF an input of level 6–11, made by a firm,
//     with a few requirements of their own and, for some, FABRICATED_AT fabs;
//   - firms headquartered in 28 countries (Russia and Iran appear only as
//     destinations of controls), some subsidiaries of others, with
//     power-law (Zipf) supplier degrees: a few firms supply very many
//     inputs; every input has suppliers in at least two countries, one of
//     them outside China, and no random input has a supplier above 85 %;
//   - market shares as a time series (2019 rows, many with a 2025 row),
//     some unknown (NaN), some held by an aggregate provider, and for some
//     inputs country rows;
//   - fabs with an installed base (EQUIPPED_WITH tool inputs since a date);
//   - dated control events shaped like the real ones, with hq or fdp reach:
//     rules on tools and products for China (some for Russia and Iran),
//     entity listings of Chinese firms, servicing bans, Chinese
//     counter-controls on materials for the USA, expiries, exemptions and
//     rescissions.
//
// Planted chokepoints, whose answers are known: input:planted-chokepoint-1
// ... input:planted-chokepoint-5 are level-0 inputs, each supplied only by
// firm:planted-monopolist-1 ... -5 (100 % in 2019 and 2025) and required,
// with no alternative, by about 8 % of the inputs of every level above 0
// (at least 3). event:planted-control (issuer USA, reach hq, effective
// 2022-10-07) covers planted chokepoints 1–3 and targets country:CHN. From
// that date, planted chokepoints 1–3 are the top three of Chokepoints; all
// five have an HHI of 10,000 and nearly all their dependents exposed (a
// few reach them only through an OR-group). Random inputs never have a
// supplier above 85 %, so no other input is a monopoly.
//
// synth imports only graph and the standard library. It lives beside
// loaders, outside graph/, because like them it is a source of datasets
// (made from a seed instead of files), not part of the domain.
package synth
