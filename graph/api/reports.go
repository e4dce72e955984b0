package api

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/chipgraph/chipgraph/graph"
	"github.com/chipgraph/chipgraph/graph/analysis"
)

// The chokepoint report is the table of Query.chokepoints for dashboards
// and spreadsheets, served as GET /reports/chokepoints.json and .csv and
// printed by `chipgraph report chokepoints`. Both go through
// ParseReportParams, NewChokepointReport and WriteReport, so the two cannot
// drift. Every report is stamped with what reproduces it: the dataset version
// (the snapshot's content fingerprint), the as-of date, the parameters as
// given, the software, and when it was generated.

// Report formats.
const (
	FormatJSON = "json"
	FormatCSV  = "csv"
)

// ReportParams are the parameters of the chokepoint report, with the same
// meaning as the arguments of Query.chokepoints.
type ReportParams struct {
	AsOf  graph.Date // the day shares and controls are read at; zero: today (UTC)
	Of    graph.ID   // rank only the inputs upstream of this node; "": every input
	First int        // the top First rows; 0: every ranked input

	given url.Values // the parameters as given, for the stamp
}

// reportDefaults says what leaving a parameter out gives.
var reportDefaults = map[string]string{
	"asOf":  "today (UTC)",
	"of":    "the whole graph",
	"first": "every ranked input",
}

// checkParams checks what every report's parameters share, in name order:
// each is known (a key of defaults), given once, and not empty — an empty
// asOf= must not silently mean today. defaults says what leaving one out
// means ("" for a required one); known lists the parameters for the
// message.
func checkParams(q url.Values, defaults map[string]string, known string) error {
	for _, name := range slices.Sorted(maps.Keys(q)) {
		def, ok := defaults[name]
		switch {
		case !ok:
			return badParam(name, "unknown parameter; %s", known)
		case len(q[name]) > 1:
			return badParam(name, "given %d times; give it once", len(q[name]))
		case strings.TrimSpace(q.Get(name)) == "" && def == "":
			return badParam(name, "empty; it is required")
		case strings.TrimSpace(q.Get(name)) == "":
			return badParam(name, "empty; give a value or leave the parameter out for %s", def)
		}
	}
	return nil
}

// ParamError is a bad report parameter. Code is BAD_USER_INPUT (malformed)
// or NOT_FOUND (an ID the graph does not hold).
type ParamError struct {
	Param   string // the parameter's name: asOf, of or first
	Code    string
	Message string // says what is wrong, without the parameter's name
}

func (e *ParamError) Error() string { return e.Param + ": " + e.Message }

func badParam(param, format string, args ...any) *ParamError {
	return &ParamError{Param: param, Code: CodeBadUserInput, Message: fmt.Sprintf(format, args...)}
}

// ParseReportParams checks the query parameters of a report: asOf
// (YYYY-MM-DD), of (a node ID) and first (a positive integer). Unknown,
// repeated or empty parameters are errors, so that a typo such as as_of, or
// a dashboard template that left asOf= blank, cannot silently give today's
// figures; leave a parameter out for its default. The error is a
// *ParamError naming the parameter. Whether `of` exists is checked against
// the snapshot by NewChokepointReport.
func ParseReportParams(q url.Values) (ReportParams, error) {
	p := ReportParams{given: url.Values{}}
	if err := checkParams(q, reportDefaults,
		"the parameters are asOf (YYYY-MM-DD), of (a node ID) and first (a positive integer)"); err != nil {
		return ReportParams{}, err
	}
	if v := q.Get("asOf"); v != "" {
		d, err := graph.ParseDate(v)
		if err != nil {
			return ReportParams{}, badParam("asOf", "%v", err)
		}
		p.AsOf = d
		p.given.Set("asOf", d.String())
	}
	if v := q.Get("of"); v != "" {
		id, err := graph.ParseID(v)
		if err != nil {
			return ReportParams{}, badParam("of", "%v", err)
		}
		p.Of = id
		p.given.Set("of", string(id))
	}
	if v := q.Get("first"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return ReportParams{}, badParam("first", "%q is not a positive integer; leave it out for every ranked input", v)
		}
		p.First = n
		p.given.Set("first", strconv.Itoa(n))
	}
	return p, nil
}

// ChokepointReport is the chokepoint report: a stamp and the ranked rows.
// Its JSON form is the body of /reports/chokepoints.json.
type ChokepointReport struct {
	Report         string           `json:"report"`         // "chokepoints"
	DatasetVersion string           `json:"datasetVersion"` // the snapshot's content fingerprint (graph.Snapshot.Version)
	DataCurrentTo  string           `json:"dataCurrentTo"`  // the latest event date up to the report day (analysis.Engine.CurrentTo); "" if none
	AsOf           string           `json:"asOf"`           // the day the figures are read at, YYYY-MM-DD
	Parameters     ReportParameters `json:"parameters"`     // as given; null when left to the default
	GeneratedAt    string           `json:"generatedAt"`    // RFC 3339, UTC
	Generator      string           `json:"generator"`      // "chipgraph VERSION"
	ScoreFormula   string           `json:"scoreFormula"`   // analysis.ScoreFormula
	Count          int              `json:"count"`          // len(Chokepoints)
	Chokepoints    []ChokepointRow  `json:"chokepoints"`
}

// ReportParameters are the parameters a report was asked for.
type ReportParameters struct {
	AsOf  *string `json:"asOf"`
	Of    *string `json:"of"`
	First *int    `json:"first"`
}

// ChokepointRow is one input of the report. The fields mean what the
// Chokepoint fields of the GraphQL schema of the same names mean; lists are
// IDs. Numbers are rounded as in GraphQL (HHIs and shares to 2 decimal
// places, scores to 4).
type ChokepointRow struct {
	Rank             int      `json:"rank"` // 1-based position in this report
	Input            string   `json:"input"`
	Name             string   `json:"name"`
	Type             string   `json:"type"`
	Score            float64  `json:"score"`
	FirmHHI          *float64 `json:"firmHHI"`
	CountryHHI       *float64 `json:"countryHHI"`
	CountryDerived   bool     `json:"countryDerived"`
	TopSupplier      *string  `json:"topSupplier"`
	TopSupplierName  *string  `json:"topSupplierName"`
	TopShare         *float64 `json:"topShare"`
	TopCountry       *string  `json:"topCountry"`
	TopCountryShare  *float64 `json:"topCountryShare"`
	LowerBound       bool     `json:"lowerBound"`
	LowerBoundReason *string  `json:"lowerBoundReason"`
	SupplierCount    int      `json:"supplierCount"`
	Dependents       int      `json:"dependents"`
	Exposed          int      `json:"exposed"`
	Alternatives     int      `json:"alternatives"`
	HasAlternatives  bool     `json:"hasAlternatives"`
	Controls         []string `json:"controls"`
	ShareYear        *int     `json:"shareYear"`
	ShareSources     []string `json:"shareSources"`
	// Concentration (rounded to 4 places), ConcentrationEstimated and
	// SharedSupply are the chokepoint score's inputs added with knock-outs.
	Concentration          float64  `json:"concentration"`
	ConcentrationEstimated bool     `json:"concentrationEstimated"`
	SharedSupply           []string `json:"sharedSupply"`
}

// NewChokepointReport computes the report from a view's engine (whose
// whole-graph table is cached per snapshot). now is the generation time and
// generator names the software (e.g. "chipgraph v1.2.0"). An unknown `of`
// is a *ParamError with code NOT_FOUND.
func NewChokepointReport(ctx context.Context, v *View, p ReportParams, generator string, now time.Time) (*ChokepointReport, error) {
	snap := v.Snap
	if p.Of != "" {
		if _, ok := snap.Index(p.Of); !ok {
			return nil, &ParamError{Param: "of", Code: CodeNotFound, Message: "no node " + string(p.Of)}
		}
	}
	asOf := asOfArg(&p.AsOf)
	cps, err := v.Engine.Chokepoints(ctx, p.Of, asOf, p.First)
	if err != nil {
		return nil, err
	}
	r := &ChokepointReport{
		Report:         "chokepoints",
		DatasetVersion: snap.Version(),
		AsOf:           asOf.String(),
		DataCurrentTo:  currentTo(v.Engine, now),
		GeneratedAt:    now.UTC().Format(time.RFC3339),
		Generator:      generator,
		ScoreFormula:   analysis.ScoreFormula,
		Count:          len(cps),
		Chokepoints:    make([]ChokepointRow, len(cps)),
	}
	if s := p.given.Get("asOf"); s != "" {
		r.Parameters.AsOf = &s
	}
	if s := p.given.Get("of"); s != "" {
		r.Parameters.Of = &s
	}
	if p.First > 0 {
		n := p.First
		r.Parameters.First = &n
	}
	for i, c := range cps {
		n, _ := snap.Lookup(c.Input)
		row := ChokepointRow{
			Rank:                   i + 1,
			Input:                  string(c.Input),
			Name:                   n.Name,
			Type:                   n.Type,
			Score:                  round(c.Score, 4),
			FirmHHI:                roundPtr(c.HHI, 2),
			CountryHHI:             roundPtr(c.CountryHHI, 2),
			CountryDerived:         c.CountryDerived,
			TopShare:               roundPtr(c.TopShare, 2),
			TopCountryShare:        roundPtr(c.TopCountryShare, 2),
			LowerBound:             c.LowerBound,
			SupplierCount:          c.SupplierCount,
			Dependents:             c.Dependents,
			Exposed:                c.Exposed,
			Alternatives:           c.Alternatives,
			HasAlternatives:        c.HasAlternative,
			Controls:               idStrings(c.Controls),
			ShareSources:           idStrings(c.Sources),
			Concentration:          round(c.Concentration, 4),
			ConcentrationEstimated: c.Estimated,
			SharedSupply:           idStrings(c.SharedSupply),
		}
		if c.TopSupplier != "" {
			id := string(c.TopSupplier)
			row.TopSupplier = &id
			if sn, err := snap.Lookup(c.TopSupplier); err == nil {
				row.TopSupplierName = &sn.Name
			}
		}
		if c.TopCountry != "" {
			id := string(c.TopCountry)
			row.TopCountry = &id
		}
		if c.LowerBound {
			row.LowerBoundReason = optString(c.Reason)
		}
		if c.Year != 0 {
			y := c.Year
			row.ShareYear = &y
		}
		r.Chokepoints[i] = row
	}
	return r, nil
}

func idStrings(ids []graph.ID) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = string(id)
	}
	return out
}

// WriteReport writes r in format (FormatJSON or FormatCSV).
func WriteReport(w io.Writer, r *ChokepointReport, format string) error {
	switch format {
	case FormatJSON:
		return r.WriteJSON(w)
	case FormatCSV:
		return r.WriteCSV(w)
	}
	return fmt.Errorf("unknown report format %q; want json or csv", format)
}

// WriteJSON writes the report as one indented JSON object.
func (r *ChokepointReport) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// csvHeader is the header row of the CSV report: the row fields, then the
// stamp repeated on every row.
var csvHeader = []string{
	"rank", "input", "name", "type", "score", "firmHHI", "countryHHI", "countryDerived",
	"topSupplier", "topSupplierName", "topShare", "topCountry", "topCountryShare",
	"lowerBound", "lowerBoundReason", "supplierCount", "dependents", "exposed", "alternatives",
	"hasAlternatives", "controls", "shareYear", "shareSources",
	"concentration", "concentrationEstimated", "sharedSupply",
	"datasetVersion", "asOf", "of", "first", "dataCurrentTo", "generatedAt",
}

// currentTo is Engine.CurrentTo as of the day of now, as text.
func currentTo(e *analysis.Engine, now time.Time) string {
	day, _ := e.CurrentTo(graph.DateOf(now.UTC()))
	return day.String()
}

// WriteCSV writes the report as RFC 4180 CSV (UTF-8 without a BOM, lines ending in CRLF): one
// header row, then one row per input. The stamp is carried by the last six
// columns of every row (datasetVersion, asOf, of, first, dataCurrentTo,
// generatedAt; of and first empty when not given), so that each row stays attributable after it
// is filtered, sorted or appended to other reports. Empty cells are nulls;
// lists (controls, shareSources, sharedSupply) are IDs separated by ";".
func (r *ChokepointReport) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180, section 2
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	stamp := []string{r.DatasetVersion, r.AsOf, deref(r.Parameters.Of), "", r.DataCurrentTo, r.GeneratedAt}
	if r.Parameters.First != nil {
		stamp[3] = strconv.Itoa(*r.Parameters.First)
	}
	for _, c := range r.Chokepoints {
		rec := []string{
			strconv.Itoa(c.Rank), c.Input, c.Name, c.Type, fmtFloat(&c.Score), fmtFloat(c.FirmHHI), fmtFloat(c.CountryHHI),
			strconv.FormatBool(c.CountryDerived), deref(c.TopSupplier), deref(c.TopSupplierName), fmtFloat(c.TopShare),
			deref(c.TopCountry), fmtFloat(c.TopCountryShare), strconv.FormatBool(c.LowerBound), deref(c.LowerBoundReason),
			strconv.Itoa(c.SupplierCount), strconv.Itoa(c.Dependents), strconv.Itoa(c.Exposed), strconv.Itoa(c.Alternatives),
			strconv.FormatBool(c.HasAlternatives), strings.Join(c.Controls, ";"), fmtInt(c.ShareYear),
			strings.Join(c.ShareSources, ";"), fmtFloat(&c.Concentration), strconv.FormatBool(c.ConcentrationEstimated),
			strings.Join(c.SharedSupply, ";"),
		}
		if err := cw.Write(append(rec, stamp...)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func fmtFloat(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', -1, 64)
}

func fmtInt(v *int) string {
	if v == nil {
		return ""
	}
	return strconv.Itoa(*v)
}

// handleReports adds the report routes:
//
//	GET /reports/chokepoints.json   the chokepoint report as JSON
//	GET /reports/chokepoints.csv    the same as CSV
//	GET /reports/critical-suppliers.json, .csv   the knock-outs of one item (see ParseCriticalParams)
//
// with the query parameters asOf, of and first (see ParseReportParams).
func (s *Server) handleReports() {
	s.Handle("/reports/chokepoints.json", "report", s.reportHandler(FormatJSON))
	s.Handle("/reports/chokepoints.csv", "report", s.reportHandler(FormatCSV))
	s.Handle("/reports/critical-suppliers.json", "report", s.criticalHandler(FormatJSON))
	s.Handle("/reports/critical-suppliers.csv", "report", s.criticalHandler(FormatCSV))
}

// reportHandler serves the chokepoint report in format. The stamp is also
// sent as the headers X-Chipgraph-Dataset-Version and X-Chipgraph-As-Of.
// Errors are JSON in the shape of GraphQL errors, with the parameter named in
// extensions.parameter: 400 BAD_USER_INPUT for a malformed, unknown or
// repeated parameter, 404 NOT_FOUND for an `of` the graph does not hold, 405
// for a method other than GET or HEAD, 503 UNAVAILABLE before data is loaded.
// Metrics count report requests under handler "report", operation
// "chokepoints.json" or "chokepoints.csv".
func (s *Server) reportHandler(format string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.reportStart(w, r, "chokepoints."+format) {
			return
		}
		p, err := ParseReportParams(r.URL.Query())
		if err != nil {
			s.reportError(w, r, err)
			return
		}
		v := s.reportView(w)
		if v == nil {
			return
		}
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.Timeout)
		defer cancel()
		rep, err := NewChokepointReport(ctx, v, p, "chipgraph "+s.cfg.BuildVersion, time.Now())
		if err != nil {
			s.reportError(w, r, err)
			return
		}
		h := w.Header()
		h.Set("X-Chipgraph-Dataset-Version", rep.DatasetVersion)
		h.Set("X-Chipgraph-As-Of", rep.AsOf)
		switch format {
		case FormatCSV:
			h.Set("Content-Type", "text/csv; charset=utf-8; header=present")
			h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="chokepoints-%s-%s.csv"`, rep.AsOf, rep.DatasetVersion))
		default:
			h.Set("Content-Type", "application/json")
		}
		if err := WriteReport(w, rep, format); err != nil {
			s.log.Warn("writing report", "request_id", requestIDOf(r.Context()), "err", err)
		}
	})
}

// reportError answers a report request that failed: a parameter error with
// its status and code, anything else as an internal error with its details
// logged.
func (s *Server) reportError(w http.ResponseWriter, r *http.Request, err error) {
	var pe *ParamError
	if errors.Is(err, context.DeadlineExceeded) {
		s.log.Warn("report stopped at the request timeout", "request_id", requestIDOf(r.Context()), "timeout", s.cfg.Timeout)
		w.Header().Set("Retry-After", "5")
		writeGraphQLError(w, http.StatusServiceUnavailable, CodeUnavailable,
			"the report took longer than the limit of %s; retry later, when it may be cached, or ask for less", s.cfg.Timeout)
		return
	}
	if !errors.As(err, &pe) {
		s.log.Error("report failed", "request_id", requestIDOf(r.Context()), "err", err)
		writeGraphQLError(w, http.StatusInternalServerError, CodeInternal, "%s", internalMessage(r.Context()))
		return
	}
	status := http.StatusBadRequest
	if pe.Code == CodeNotFound {
		status = http.StatusNotFound
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(requestErrorBody{Errors: gqlerror.List{{
		Message:    pe.Error(),
		Extensions: map[string]any{"code": pe.Code, "parameter": pe.Param},
	}}})
}

// reportStart names a report request's operation for the metrics and
// answers any method but GET and HEAD; it returns false when it answered.
func (s *Server) reportStart(w http.ResponseWriter, r *http.Request, operation string) bool {
	if ri, ok := r.Context().Value(requestInfoKey{}).(*requestInfo); ok {
		ri.mu.Lock()
		ri.operation = operation
		ri.mu.Unlock()
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeGraphQLError(w, http.StatusMethodNotAllowed, CodeBadUserInput, "use GET")
		return false
	}
	return true
}

// reportView returns the view in service, or answers 503 and returns nil
// before any data is loaded.
func (s *Server) reportView(w http.ResponseWriter) *View {
	v := s.holder.View()
	if v == nil {
		writeGraphQLError(w, http.StatusServiceUnavailable, CodeUnavailable, "no data loaded yet; retry shortly")
	}
	return v
}
