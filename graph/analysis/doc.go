// Package analysis holds chipgraph's algorithms over an immutable
// graph.Snapshot: dependency paths, upstream closures, chokepoint scores,
// feasibility under export controls, and scenarios with hypothetical controls.
//
// It is pure computation: no I/O, no logging, no clock except graph.Today for
// a zero asOf. It imports only graph and the standard library, never a store,
// a driver or gqlgen. graph/api calls it and decides what clients see.
//
// # Engine
//
// Every algorithm is a method of Engine: DependencyPaths, Upstream,
// Chokepoints, Feasibility, Scenario, and the lookups ControlsOn and
// ControlsCovering. NewEngine indexes a snapshot once (in-edges by kind,
// dependency adjacency). An Engine caches what requests share, per as-of
// "epoch" (a span of days over which nothing the computation reads
// changes): the whole-graph chokepoint table, and the settled results of
// feasibility evaluations without hypothetical controls. Both caches are
// bounded and safe for concurrent use, so a server keeps one Engine per
// snapshot. The package-level functions build a throw-away Engine and are
// meant for tools and tests.
//
// # Files
//
// engine.go (Engine, indexes, caches), funcs.go (the package-level
// functions), deps.go (dependency steps), paths.go, upstream.go,
// chokepoints.go with dependents.go (structural criticality), and for
// feasibility:
// controls.go (Control, and when a recorded event is an active control),
// world.go (the graph on one day: holders, groups, fabs, installed base,
// the ways to buy an item, requirements as AND/OR clauses), reach.go
// (which controls cover an item, bind a holder and reach a supplier,
// foreign-direct-product taint, installed base under servicing bans),
// licensing.go (licence levels, grants, suspensions, ownership rules,
// buyer-side measures), feasibility.go and feascache.go (the evaluation
// and its settled results), explain.go (explanations and paths),
// observed.go (observed facts beside the law), active.go (ControlsOn,
// ControlsCovering), scenario.go.
//
// # Dependency edges
//
// "X depends on Y" is read along these edges, in these directions:
//
//	REQUIRES       forward   item -> what it requires
//	INSTANCE_OF    forward   product -> its input category
//	TYPE_OF        forward   input -> the broader input (it inherits its requirements)
//	FABRICATED_AT  forward   product -> fab
//	EQUIPPED_WITH  forward   fab -> tool category it holds
//	MAKES          backward  item -> the firm that makes it
//	SUPPLIES       backward  item -> its supplier (firm or country)
//
// From a firm (the start of a query, or a firm of its group reached through
// a subsidiary) three more steps apply: to what it MAKES, to the fabs it
// operates (OPERATED_BY backward) and to its subsidiaries (SUBSIDIARY_OF
// backward). A supplier reached along a path is not expanded that way, so the
// closure of a chip does not wander into everything its suppliers sell.
//
// At asOf, edges outside their validity [ValidFrom, ValidTo) are invisible.
// Several SUPPLIES rows of one supplier and item (a share time series) are
// one step, explained by the row whose share counts at asOf (the latest year
// on or before asOf's year, else the earliest row): a named supplier is a
// supplier whatever year its share was measured; the validity bounds, not the
// year, say when it entered or left the market.
//
// # Time
//
// A control is active on a day if it is effective on or before it, has not
// expired (Expires is exclusive), no event that RESCINDS it is effective on
// or before that day, and it is not suspended that day (a SUSPENDS edge
// holds; see docs/DESIGN.md §6). Market shares at asOf: each supplier's latest share from
// a year on or before asOf's year.
package analysis
