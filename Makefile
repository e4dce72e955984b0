# Common tasks. Each target is one command a developer could type; others add
# their own targets below (keep them .PHONY, with a "# " comment right above
# the target: `make help` prints it, and a test checks every target has one).
# `make` alone runs `make help`.

GO ?= go

.PHONY: help test vet staticcheck run validate

# List the targets with what each does (the comment above each target).
help:
	@awk '/^# / { doc = doc (doc == "" ? "" : " ") substr($$0, 3); next } \
	/^[a-zA-Z][a-zA-Z0-9_-]*:/ { t = $$0; sub(/:.*/, "", t); printf "  %-16s %s\n", t, doc } \
	{ doc = "" }' $(MAKEFILE_LIST)

# The whole test suite, with the race detector: go test -race ./..., with
# the skipped tests of each package, and why, on its ok line (tools/testsummary).
test:
	GO=$(GO) $(GO) run ./tools/testsummary -race ./...

# gofmt (lists unformatted files and fails) and go vet.
vet:
	@unformatted=$$(gofmt -l $$(git ls-files --cached --others --exclude-standard '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...

# staticcheck, the version pinned in go.mod (go get -tool ...@VERSION to move it).
staticcheck:
	$(GO) tool staticcheck ./...

# The API on http://127.0.0.1:8080 with the embedded data.
run:
	$(GO) run ./cmd/chipgraph serve

# Check the curated CSV files in data/ as they are on disk.
validate:
	$(GO) run ./cmd/chipgraph validate curated:data

.PHONY: generate check-generated

# Regenerate generated code (gqlgen: graph/api/generated.go and
# graph/api/model/models_gen.go from schema/*.graphqls and graph/api/gqlgen.yml).
generate:
	$(GO) generate ./...

# Fail if `make generate` would change any file under a folder holding a
# //go:generate directive: generated code is build output and must match the
# schema and config it was generated from.
check-generated:
	@tmp=$$(mktemp -d); \
	dirs=$$(git grep --untracked -l '^//go:generate' -- '*.go' | xargs -n1 dirname | sort -u); \
	git ls-files --cached --others --exclude-standard -z -- $$dirs | xargs -0 sha256sum > $$tmp/before; \
	$(GO) generate ./... || { rm -rf $$tmp; exit 1; }; \
	git ls-files --cached --others --exclude-standard -z -- $$dirs | xargs -0 sha256sum > $$tmp/after; \
	if ! cmp -s $$tmp/before $$tmp/after; then \
		echo "generated code is stale; run make generate and commit the result:"; \
		diff $$tmp/before $$tmp/after | grep '^[<>]' | awk '{print $$3}' | sort -u; \
		rm -rf $$tmp; exit 1; \
	fi; \
	rm -rf $$tmp; echo "generated code is up to date"

.PHONY: vendor-web check-vendor-web

# Re-create the pages' third-party files (graph/api/web/vendor) from the npm
# tarballs pinned, with their integrity, in graph/api/web/vendor/PINS.
vendor-web:
	scripts/vendor-web

# Fail if the committed vendor files differ from what the pinned tarballs give.
check-vendor-web:
	scripts/vendor-web --check

.PHONY: fuzz

# A short run is a count of executions per target, a few seconds each on a
# 2-core machine (measured 2026-12-07: ParseID 54k/s, ParseDate 45k/s,
# Curated 14k/s, CSL 706/s, ETO 182/s, GraphQL 2.9k/s). A duration
# (-fuzztime 10s) can fail at its end with "context deadline exceeded" and
# no failing input: a race in Go's fuzzing coordinator (go.dev/issue/75804,
# fixed in Go 1.27); a count never meets that deadline. Run longer with
# make fuzz FUZZTIME=5m (every target for that time).
FUZZTIME ?=
# Minimising a new interesting input may otherwise take up to a minute.
FUZZMINIMIZETIME ?= 2s
fuzzfor = $(if $(FUZZTIME),$(FUZZTIME),$(1))
fuzz1 = $(GO) test $(1) -run '^$$' -fuzz '^$(2)$$' -fuzztime $(call fuzzfor,$(3)) -fuzzminimizetime $(FUZZMINIMIZETIME)

# Each fuzz target (see FUZZTIME): the parsers (IDs, dates, curated CSV, ETO, CSL) and the GraphQL handler; CI runs it.
fuzz:
	$(call fuzz1,./graph,FuzzParseID,300000x)
	$(call fuzz1,./graph,FuzzParseDate,250000x)
	$(call fuzz1,./loaders,FuzzCurated,70000x)
	$(call fuzz1,./loaders/csl,FuzzCSL,4000x)
	$(call fuzz1,./loaders/eto,FuzzETO,1000x)
	$(call fuzz1,./graph/api,FuzzGraphQL,15000x)
