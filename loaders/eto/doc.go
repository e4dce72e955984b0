// Package eto loads the ETO Advanced Semiconductor Supply Chain Dataset
// (the data behind ETO's Supply Chain Explorer) into a loaders.Builder:
// Load is the loaders.SourceLoader for specs of kind "eto"
// (`chipgraph validate eto:DIR`, `serve --data eto:DIR`).
//
// It imports graph and loaders, never a store. The repository never holds
// ETO data (CC BY-NC 4.0: the project ships the loader, not the data). The
// tests read the folder named by CHIPGRAPH_ETO_DIR (default
// ../shared/datasets/eto, a folder beside the repository in the project's
// workspace, never part of a clone) and skip with a message when it is
// absent (they fail instead when CHIPGRAPH_REQUIRE_ETO=1); the fixtures
// under testdata/ are invented rows in ETO's format.
//
// # Getting the data, licence, citation
//
// The dataset is published by the Emerging Technology Observatory (ETO) of
// Georgetown University's Center for Security and Emerging Technology
// (CSET) as CSV files in the data/ folder of
// https://github.com/georgetown-cset/eto-chip-explorer (formerly
// eto-supply-chain); documentation: https://eto.tech/dataset-docs/chipexplorer.
// Point the loader at a folder holding inputs.csv, providers.csv,
// provision.csv, sequence.csv and stages.csv:
//
//	git clone https://github.com/georgetown-cset/eto-chip-explorer
//	chipgraph validate eto:eto-chip-explorer/data
//
// The 2022 release is that folder at an earlier commit (c6a1815, the last
// before the 2025 TechInsights update; its provision.csv is the one of the
// September 2022 release): `git -C eto-chip-explorer worktree add ../eto-2022
// c6a1815`, then `eto:eto-2022/data`.
//
// Licence: Creative Commons Attribution-NonCommercial 4.0 International
// (CC BY-NC 4.0), and ETO's general terms of use. Non-commercial use only;
// redistributing it (inside a binary, an image or a dump of a graph holding
// it) must keep the attribution and the licence. Cite it as ETO asks:
// "Emerging Technology Observatory Advanced Semiconductor Supply Chain
// Dataset (2022 release)" — for the current files, name the update instead.
// Most of its figures come from Saif M. Khan, "The Semiconductor Supply
// Chain: Assessing National Competitiveness" (CSET, January 2021); the
// current release's equipment shares are "CSET analysis of TechInsights
// data". Each loaded fact cites the release as a Source node
// (source:eto-2022, or source:eto-<latest share year> such as
// source:eto-2025 for the current files) with title, publisher, URL and
// licence, plus the source ETO names for the row (source:eto-ref-...).
//
// # Releases
//
// The release is told from provision.csv's columns. The current release has
// year and source columns (and providers.alias); the 2022 release has
// neither but a negligible_market_share column, writes shares as "91%",
// starts some files with a UTF-8 byte-order mark and uses CRLF line ends.
// Its shares are the 2019 figures of the CSET report, so its SUPPLIES edges
// get Year 2019; loading both releases gives a time series (2019 and 2025
// shares on the same nodes; the current release also repeats some 2019
// rows, which then carry both releases as sources). Columns the loader does
// not read are ignored, so a new release with extra columns still loads.
//
// # Mapping
//
//   - inputs.csv: one Input node per row, type process, tool_resource ->
//     tool, material_resource -> material, design_resource -> design,
//     ultimate_output -> output; description kept, market size in the note.
//   - stages.csv: the three stages (Design, Fabrication, ATP) become Input
//     nodes of type process, because ETO gives them market shares of their
//     own (provision rows with provided_id S1-S3). A process input's
//     stage_id becomes the edge process TYPE_OF stage ("Photolithography is
//     a fabrication process").
//   - sequence.csv: "A goes_into B" means B needs A's output, so it becomes
//     B REQUIRES A (AND semantics: a node needs all its requirements; ETO
//     expresses alternatives through its taxonomy, e.g. EUV and ArF
//     immersion tools are each TYPE_OF "Lithography tools", which
//     Photolithography requires). "A is_type_of B" becomes A TYPE_OF B.
//   - providers.csv: countries and organizations share one ID space.
//     Organizations become Firm nodes with HEADQUARTERED_IN their country;
//     countries become Country nodes (country:<ISO-3>). The current release
//     repeats a provider once per alias; such rows are merged. The 2022
//     release's non-ISO "MAL" is Malaysia (country:MYS).
//   - Aggregate providers: "Various countries" (2022: "Various") is
//     country:XVA (a user-assigned ISO 3166 code), ETO's region "EUR" is
//     country:EUR, and organizations named "Various ..."/"Other(s)" (the
//     current release's "Various companies") are Firm nodes without
//     headquarters. Their SUPPLIES edges have Basis "aggregate", so analysis
//     never reads them as one supplier. EUR counts as an aggregate because it
//     stands for several jurisdictions.
//   - provision.csv: one SUPPLIES edge per row with Share in percent (blank:
//     NaN), Year (column, or 2019 for the 2022 release) and Basis firm-hq for
//     firms, country-hq for countries, capacity for a stage whose chart
//     caption says the shares are by site (the current release's fabrication
//     and ATP stages), aggregate as above. A negligible flag becomes the
//     note "negligible market share" with the share left NaN. Each edge
//     cites the release and the row's source text (2022 release: the
//     input's chart source) as a Source node. provider_name and
//     provided_name are ignored: the IDs decide, and ETO renames firms
//     between releases.
//
// # Crosswalk
//
// A node another source already added with the same ETO ID (a curated
// eto_id, or the other ETO release) is used as it is: its sources are
// united with the release's, so curated and ETO facts land on one node.
// Otherwise the ID is made from the name (input:euv-lithography-tools,
// firm:asml). Names never merge nodes silently: if that ID is already
// taken by a node not linked to the ETO ID, the ETO node is kept apart as
// <id>-eto-<etoid> with a warning, and a new ETO firm or input whose
// normalised name or alias (graph.NormalizeName) matches an earlier node is
// reported as a warning that says which eto_id to set. A headquarters
// country that contradicts an earlier source is reported and not added.
//
// Load the curated data first and the current release before the 2022 one:
// the crosswalk and the name checks see what was loaded before, and nodes
// that are not crosswalked take their IDs and names from the first release
// that names them.
//
// # Problems
//
// Every problem is reported with file, line and column, and nothing is
// returned for writing while one remains (loaders.Builder.Finish):
// merge-conflict markers, malformed rows and encodings (loaders.ReadCSV),
// malformed or duplicate IDs, providers with the same ID but different
// names, provision rows naming unknown providers or inputs, shares that are
// not numbers or lie outside 0-100, bad years, unknown types and sequence
// rows pointing nowhere. Exact duplicate rows are warnings.
package eto
