package eto

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/chipgraph/chipgraph/loaders"
)

// The files of one release and the columns this loader reads. Other
// columns (the ETO data grows them between releases) are accepted and
// ignored, so that a new release loads without a code change where its
// meaning has not changed.
const (
	inputsFile    = "inputs.csv"
	stagesFile    = "stages.csv"
	providersFile = "providers.csv"
	provisionFile = "provision.csv"
	sequenceFile  = "sequence.csv"
)

var (
	inputCols     = []string{"input_id", "input_name", "type"}
	inputOpt      = []string{"stage_id", "stage_name", "description", "year", "market_share_chart_global_market_size_info", "market_share_chart_caption", "market_share_chart_source"}
	stageCols     = []string{"stage_id", "stage_name"}
	stageOpt      = []string{"description", "market_share_chart_global_market_size_info", "market_share_chart_caption", "market_share_chart_source"}
	providerCols  = []string{"provider_name", "provider_id", "provider_type", "country"}
	providerOpt   = []string{"alias"}
	provisionCols = []string{"provider_id", "provided_id", "share_provided"}
	provisionOpt  = []string{"provider_name", "provided_name", "year", "source", "negligible_market_share"}
	sequenceCols  = []string{"input_id", "goes_into_id", "is_type_of_id"}
	sequenceOpt   = []string{"input_name", "goes_into_name", "is_type_of_name"}
)

// release describes which ETO release a directory holds. The releases
// differ in columns: the current one has provision.year and
// provision.source and providers.alias; the 2022 release has none of them
// but a negligible_market_share column, writes shares as "91%", and its
// shares are the 2019 figures of the CSET report.
type release struct {
	v2022 bool
	year  int // share year when provision.csv has no year column (2019 for the 2022 release)
}

// item is an ETO input or stage.
type item struct {
	etoID       string
	name        string
	typ         string // graph input type
	stage       string // ETO stage ID of a process input
	description string
	marketSize  string
	caption     string
	chartSource string
	isStage     bool
	invalid     bool // a problem was reported: references to it resolve, but it is not added
	pos         loaders.Pos
}

// provider is an ETO provider: a country or an organization.
type provider struct {
	etoID     string
	name      string
	aliases   []string
	country   bool   // provider_type country
	code      string // ISO-3 code of a country provider, or of an organization's HQ
	aggregate bool   // "Various countries", "Various companies", the EUR region
	invalid   bool   // a problem was reported: references to it resolve, but it is not added
	pos       loaders.Pos
}

type provision struct {
	provider, provided string
	share              float64
	year               int
	source             string
	negligible         bool
	pos                loaders.Pos
}

type sequence struct {
	input, goesInto, typeOf string
	pos                     loaders.Pos
}

// files is one release read from disk.
type files struct {
	dir       string
	rel       release
	items     map[string]*item // inputs and stages by ETO ID
	itemOrder []string
	providers map[string]*provider
	provOrder []string
	provision []provision
	sequence  []sequence
}

var (
	etoInputID    = regexp.MustCompile(`^N[0-9]+$`)
	etoStageID    = regexp.MustCompile(`^S[0-9]+$`)
	etoProviderID = regexp.MustCompile(`^P[0-9]+$`)
)

// read parses the five files of the release in dir, reporting every
// problem in them. It returns nil files if the directory does not exist
// (reported as a problem), and an error if a file exists but cannot be
// read.
func read(dir string, report func(loaders.Problem)) (*files, error) {
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() {
		msg := "not a directory: want the folder holding the ETO csv files (inputs.csv, providers.csv, provision.csv, sequence.csv, stages.csv)"
		if errors.Is(err, fs.ErrNotExist) {
			msg = "no such directory: want the folder holding the ETO csv files (see loaders/eto docs for where to get them)"
		}
		report(loaders.Problem{Pos: loaders.Pos{File: dir}, Message: msg})
		return nil, nil
	}
	f := &files{dir: dir, items: map[string]*item{}, providers: map[string]*provider{}}
	fsys := os.DirFS(dir)
	var readErr error
	// readFile reads one file; it reports whether it went without problems.
	readFile := func(name string, req, opt []string, each func(*loaders.Record)) bool {
		ok := true
		path := filepath.Join(dir, name)
		err := loaders.ReadCSV(fsys, name, loaders.CSVOptions{Name: path, Required: req, Optional: opt, AllowUnknown: true},
			func(p loaders.Problem) { ok = ok && p.Warning; report(p) }, func(r *loaders.Record) error { each(r); return nil })
		switch {
		case errors.Is(err, fs.ErrNotExist):
			report(loaders.Problem{Pos: loaders.Pos{File: path}, Message: "missing file: an ETO release holds " +
				strings.Join([]string{inputsFile, stagesFile, providersFile, provisionFile, sequenceFile}, ", ")})
			ok = false
		case err != nil && readErr == nil:
			readErr = fmt.Errorf("read %s: %w", path, err)
			ok = false
		}
		return ok
	}

	// The release is told by provision.csv's header.
	detected := false
	clean := readFile(provisionFile, provisionCols, provisionOpt, func(r *loaders.Record) {
		if !detected {
			detected = true
			switch {
			case r.Has("year"):
				f.rel = release{}
			case r.Has("negligible_market_share"):
				f.rel = release{v2022: true, year: 2019}
			default:
				report(loaders.Problem{Pos: loaders.Pos{File: r.Pos().File, Line: 1}, Column: "year",
					Message: "unknown ETO release: provision.csv has neither a year column (current release) nor negligible_market_share (2022 release)"})
				f.rel = release{}
			}
		}
		f.readProvision(r, report)
	})
	if !detected && clean {
		report(loaders.Problem{Pos: loaders.Pos{File: filepath.Join(dir, provisionFile)}, Message: "no provision rows: an ETO release has market-share rows"})
	}
	readFile(stagesFile, stageCols, stageOpt, func(r *loaders.Record) { f.readItem(r, true, report) })
	readFile(inputsFile, inputCols, inputOpt, func(r *loaders.Record) { f.readItem(r, false, report) })
	readFile(providersFile, providerCols, providerOpt, func(r *loaders.Record) { f.readProvider(r, report) })
	readFile(sequenceFile, sequenceCols, sequenceOpt, func(r *loaders.Record) { f.readSequence(r, report) })
	return f, readErr
}

var inputTypes = map[string]string{
	"process":           "process",
	"tool_resource":     "tool",
	"material_resource": "material",
	"design_resource":   "design",
	"ultimate_output":   "output",
}

func (f *files) readItem(r *loaders.Record, stage bool, report func(loaders.Problem)) {
	it := &item{isStage: stage, pos: r.Pos(),
		description: r.Get("description"),
		marketSize:  r.Get("market_share_chart_global_market_size_info"),
		caption:     r.Get("market_share_chart_caption"),
		chartSource: r.Get("market_share_chart_source"),
	}
	idCol, nameCol := "input_id", "input_name"
	if stage {
		idCol, nameCol = "stage_id", "stage_name"
		it.typ = "process"
	}
	it.etoID, it.name = r.Get(idCol), r.Get(nameCol)
	pattern, want := etoInputID, "N<number>"
	if stage {
		pattern, want = etoStageID, "S<number>"
	}
	ok := true
	if !pattern.MatchString(it.etoID) {
		report(r.Problemf(idCol, "malformed ETO ID %q: want %s", it.etoID, want))
		ok = false
	}
	if it.name == "" {
		report(r.Problemf(nameCol, "missing name"))
		ok = false
	}
	if !stage {
		t := r.Get("type")
		it.typ = inputTypes[t]
		if it.typ == "" {
			report(r.Problemf("type", "unknown input type %q (want process, tool_resource, material_resource, design_resource or ultimate_output)", t))
			ok = false
		}
		it.stage = r.Get("stage_id")
		if it.stage != "" && !etoStageID.MatchString(it.stage) {
			report(r.Problemf("stage_id", "malformed stage ID %q: want S<number>", it.stage))
			it.stage = ""
		}
		if y := r.Get("year"); y != "" && it.marketSize != "" && !strings.Contains(it.marketSize, y) {
			it.marketSize += " (" + y + ")"
		}
	}
	if !pattern.MatchString(it.etoID) {
		return
	}
	it.invalid = !ok
	if old, dup := f.items[it.etoID]; dup {
		report(r.Problemf(idCol, "duplicate ETO ID %s (first at %s)", it.etoID, old.pos))
		return
	}
	f.items[it.etoID] = it
	f.itemOrder = append(f.itemOrder, it.etoID)
}

func (f *files) readProvider(r *loaders.Record, report func(loaders.Problem)) {
	p := &provider{etoID: r.Get("provider_id"), name: r.Get("provider_name"), pos: r.Pos()}
	ok := true
	if !etoProviderID.MatchString(p.etoID) {
		report(r.Problemf("provider_id", "malformed ETO provider ID %q: want P<number>", p.etoID))
		ok = false
	}
	if p.name == "" {
		report(r.Problemf("provider_name", "missing name"))
		ok = false
	}
	if a := r.Get("alias"); a != "" {
		p.aliases = []string{a}
	}
	switch t := r.Get("provider_type"); t {
	case "country":
		p.country = true
		code, aggregate, err := countryCode(p.name)
		if err != nil {
			report(r.Problemf("provider_name", "%v", err))
			ok = false
		}
		p.code, p.aggregate = code, aggregate
	case "organization":
		p.aggregate = isAggregateName(p.name)
		if c := r.Get("country"); c != "" {
			code, aggregate, err := countryCode(c)
			switch {
			case err != nil:
				report(r.Problemf("country", "%v", err))
				ok = false
			case aggregate:
				// "Various countries": no single headquarters.
			default:
				p.code = code
			}
		}
	default:
		report(r.Problemf("provider_type", "unknown provider type %q (want country or organization)", t))
		ok = false
	}
	if !etoProviderID.MatchString(p.etoID) {
		return
	}
	p.invalid = !ok
	if old, dup := f.providers[p.etoID]; dup {
		// The current release repeats a provider once per alias; the rows
		// must agree on everything else.
		if old.name != p.name || old.country != p.country || old.code != p.code {
			report(r.Problemf("provider_id", "duplicate ETO ID %s: %q here but %q at %s", p.etoID, p.name, old.name, old.pos))
			return
		}
		for _, a := range p.aliases {
			if !slices.Contains(old.aliases, a) {
				old.aliases = append(old.aliases, a)
			}
		}
		return
	}
	f.providers[p.etoID] = p
	f.provOrder = append(f.provOrder, p.etoID)
}

func (f *files) readProvision(r *loaders.Record, report func(loaders.Problem)) {
	p := provision{provider: r.Get("provider_id"), provided: r.Get("provided_id"), pos: r.Pos(), source: r.Get("source"), year: f.rel.year}
	ok := true
	if !etoProviderID.MatchString(p.provider) {
		report(r.Problemf("provider_id", "malformed ETO provider ID %q: want P<number>", p.provider))
		ok = false
	}
	if !etoInputID.MatchString(p.provided) && !etoStageID.MatchString(p.provided) {
		report(r.Problemf("provided_id", "malformed ETO input ID %q: want N<number> or S<number>", p.provided))
		ok = false
	}
	share, err := parseShare(r.Get("share_provided"))
	if err != nil {
		report(r.Problemf("share_provided", "%v", err))
		ok = false
	}
	p.share = share
	if r.Has("year") {
		y := r.Get("year")
		n, err := strconv.Atoi(y)
		switch {
		case y == "":
			report(r.Problemf("year", "missing year"))
			ok = false
		case err != nil || n < 1990 || n > 2100:
			report(r.Problemf("year", "bad year %q: want a year such as 2025", y))
			ok = false
		default:
			p.year = n
		}
	}
	switch n := r.Get("negligible_market_share"); strings.ToLower(n) {
	case "":
	case "negligible":
		p.negligible = true
	default:
		report(r.Problemf("negligible_market_share", "unknown value %q (want blank or negligible)", n))
		ok = false
	}
	if ok {
		f.provision = append(f.provision, p)
	}
}

func (f *files) readSequence(r *loaders.Record, report func(loaders.Problem)) {
	s := sequence{input: r.Get("input_id"), goesInto: r.Get("goes_into_id"), typeOf: r.Get("is_type_of_id"), pos: r.Pos()}
	ok := true
	for _, c := range []struct{ col, id string }{{"input_id", s.input}, {"goes_into_id", s.goesInto}, {"is_type_of_id", s.typeOf}} {
		if c.id != "" && !etoInputID.MatchString(c.id) && !etoStageID.MatchString(c.id) {
			report(r.Problemf(c.col, "malformed ETO input ID %q: want N<number>", c.id))
			ok = false
		}
	}
	if s.input == "" {
		report(r.Problemf("input_id", "missing input ID"))
		ok = false
	}
	if s.goesInto == "" && s.typeOf == "" {
		report(r.Problemf("goes_into_id", "row says nothing: want goes_into_id or is_type_of_id"))
		ok = false
	}
	if ok {
		f.sequence = append(f.sequence, s)
	}
}

// parseShare reads a market share in percent: "99.3", "91%", or blank
// (unknown: NaN).
func parseShare(s string) (float64, error) {
	if s == "" {
		return math.NaN(), nil
	}
	num := strings.TrimSpace(strings.TrimSuffix(s, "%"))
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("bad share %q: want a percentage such as 99.3 or 91%%", s)
	}
	if v < 0 || v > 100 {
		return 0, fmt.Errorf("impossible share %q: want 0 to 100 (percent)", s)
	}
	return v, nil
}
