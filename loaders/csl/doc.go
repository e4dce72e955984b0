// Package csl loads the U.S. Consolidated Screening List (CSL) into a
// loaders.Builder: Load is the loaders.SourceLoader for specs of kind "csl"
// (`chipgraph validate csl:consolidated.csv`, `serve --data csl:FILE`).
// Entity List designations become control events that target firms.
//
// It imports graph and loaders, never a store. Its tests use small
// fixtures written for this project in the CSL's formats (testdata/): the
// Huawei, HiSilicon, SMIC, YMTC, Cambricon and SMEE rows carry the dates and
// Federal Register citations of their designations, their other text is
// paraphrased, and the "Example ..." rows are invented.
//
// # Getting the list, licence, citation
//
// The CSL is published by the International Trade Administration (U.S.
// Department of Commerce) at https://www.trade.gov/consolidated-screening-list
// and rebuilt from the source lists regularly. Bulk files:
//
//	https://api.trade.gov/static/consolidated_screening_list/consolidated.csv
//	https://api.trade.gov/static/consolidated_screening_list/consolidated.json
//
// (newer distribution: https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.json).
// Both formats load; the format is told by the extension (.csv, .json) or
// else the first byte. As a work of the U.S. government it is in the public
// domain. Cite it as "Consolidated Screening List, International Trade
// Administration, U.S. Department of Commerce", with the date you
// downloaded it; for a designation, cite the Federal Register notice the
// event carries (Citation, e.g. "84 FR 22961"). The loaded facts cite the
// Source node source:csl.
//
// # Formats
//
// CSV: the 29 columns of the bulk file (_id, source, entity_number, type,
// programs, name, title, addresses, federal_register_notice, start_date,
// end_date, standard_order, license_requirement, license_policy, ...,
// alt_names, ..., source_information_url, ids), multi-valued cells separated
// by "; " (a leading "and " is dropped, as in "...; and CETC 13"); an
// address's country is its last comma-separated part (ISO 3166-1 alpha-2).
// Extra columns are accepted. JSON: {"results": [...]} (the bulk file and
// the search API's envelope) or a bare array of records with the same
// fields (id instead of _id, alt_names as an array, addresses as objects
// with a country field). Problems in JSON are reported at the line where
// the record starts (a field's type: at the field).
//
// # Mapping
//
// Rows are keyed by _id / id (entity_number is not unique across lists).
//
//   - Entity List (EL) rows become ControlEvent nodes of kind
//     "entity-listing": ID event:us-bis-<start_date>-el-<slug of name>,
//     issuer country:USA, authority BIS, date and effective date the
//     start_date, citation the federal_register_notice, URL the
//     source_information_url, note the licence requirement and review
//     policy. Reach is "fdp" when the licence requirement cites a
//     foreign-direct-product footnote (§ 734.9, e.g. Huawei's footnote 1 and
//     the AI-chip entities' footnote 4), else "hq"; covers_all is set when it
//     applies to "all items subject to the EAR". An end_date gives Expires
//     (the day after it). The license_policy text gives LicencePolicy:
//     "presumption of denial" (also when a mixed text adds case-by-case
//     review for other items: the strictest it states), "case-by-case", or
//     "presumption of approval"; anything else leaves it blank.
//   - Unverified List (UVL) and Military End User (MEU) rows become events of
//     kind "unverified-listing" and "military-end-user-listing" without
//     reach: they record the listing (YMTC was on the UVL before the Entity
//     List) but block no flow in the feasibility analysis (the MEU licence
//     requirement covers only the items of Supplement No. 2 to Part 744,
//     which the graph does not model).
//   - Every other list (Denied Persons, the State Department's, OFAC's SDN,
//     CMIC, SSI, ...) is skipped: one warning per list gives the number of
//     rows skipped, and a skipped row whose name matches a firm in the graph
//     is named in a warning of its own (e.g. SMIC on the CMIC list).
//     Individuals, vessels and aircraft on the loaded lists are skipped with
//     a counted warning too: the graph models organisations.
//   - A row without start_date keeps its listed party (below) but gets no
//     event (a warning says so).
//
// Each event TARGETS the firm the row designates, found in this order:
//
//  1. explicit crosswalk: a firm whose name or alias is exactly the listed
//     name — curators link a firm by adding the name as it appears on the
//     list to its aliases;
//  2. normalised names: graph.NormalizeName of the listed name, each
//     alt_name, the name without its parenthesised part and that part
//     ("Semiconductor Manufacturing International Corporation (SMIC)")
//     against the normalised names and aliases of the firms loaded before.
//
// When an event loaded before (the curated data's) already records the
// designation — the same kind of listing, targeting the same firm, with a
// Federal Register notice or the start date in common — the row adds
// source:csl to that event and its TARGETS edge instead of making a twin.
//
// A name matching several firms links none (warning). A row that matches
// no firm is never dropped: it becomes a Firm node with role "listed-party"
// (ID firm:<slug of name>, its alt_names as aliases, HEADQUARTERED_IN the
// country of its first address), which search finds; later rows with the
// same names target it too. Load curated data (and ETO) first, so that
// matching sees their firms; loaders.Load does.
//
// # Problems
//
// Every problem is reported with file, line and column and nothing is
// returned for writing while one remains: merge-conflict markers, rows
// with the wrong number of cells, malformed quoting or JSON, truncated
// files, invalid UTF-8 (a Latin-1 byte), missing or duplicate IDs, missing
// names or list names, impossible dates, unknown country codes, and JSON
// fields of the wrong type.
package csl
