package api

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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

// The critical-supplier report is the table of Query.knockouts for one item:
// one row per single firm or country whose removal makes it infeasible,
// served as GET /reports/critical-suppliers.json and .csv and printed by
// `chipgraph report critical-suppliers`, stamped like the chokepoint report.

// CriticalParams are the parameters of the critical-supplier report, with
// the meaning of the arguments of Query.knockouts of the same names.
type CriticalParams struct {
	Of             graph.ID   // required
	For            graph.ID   // "": the default holder
	AsOf           graph.Date // zero: today (UTC)
	Threshold      *float64   // nil: analysis.DefaultKnockoutThreshold
	IgnoreControls bool

	given url.Values
}

// criticalParamNames are the query parameters of the report, in stamp order.
var criticalParamNames = []string{"of", "for", "asOf", "threshold", "ignoreControls"}

// criticalDefaults says what leaving each parameter out means.
var criticalDefaults = map[string]string{
	"of":             "", // required
	"for":            "the item's maker, operator or the firm itself",
	"asOf":           "today (UTC)",
	"threshold":      "10 percent",
	"ignoreControls": "false",
}

// ParseCriticalParams checks the query parameters of the critical-supplier
// report: of (a node ID, required), for (a node ID), asOf (YYYY-MM-DD),
// threshold (a percentage, 0 to 100) and ignoreControls (true or false).
// Unknown or repeated parameters are errors; the error is a *ParamError
// naming the parameter. IDs are checked against the snapshot by
// NewCriticalReport.
func ParseCriticalParams(q url.Values) (CriticalParams, error) {
	p := CriticalParams{given: url.Values{}}
	if err := checkParams(q, criticalDefaults, "the parameters are of, for, asOf, threshold and ignoreControls"); err != nil {
		return CriticalParams{}, err
	}
	id := func(name string) (graph.ID, error) {
		v := q.Get(name)
		if v == "" {
			return "", nil
		}
		x, err := graph.ParseID(v)
		if err != nil {
			return "", badParam(name, "%v", err)
		}
		p.given.Set(name, string(x))
		return x, nil
	}
	var err error
	if p.Of, err = id("of"); err != nil {
		return CriticalParams{}, err
	}
	if p.Of == "" {
		return CriticalParams{}, badParam("of", "required: the product, input, fab or firm whose critical suppliers to list")
	}
	if p.For, err = id("for"); err != nil {
		return CriticalParams{}, err
	}
	if v := q.Get("asOf"); v != "" {
		d, err := graph.ParseDate(v)
		if err != nil {
			return CriticalParams{}, badParam("asOf", "%v", err)
		}
		p.AsOf = d
		p.given.Set("asOf", d.String())
	}
	if v := q.Get("threshold"); v != "" {
		t, err := strconv.ParseFloat(v, 64)
		if err != nil || !(t >= 0 && t <= 100) {
			return CriticalParams{}, badParam("threshold", "%q is not a percentage from 0 to 100", v)
		}
		p.Threshold = &t
		p.given.Set("threshold", strconv.FormatFloat(t, 'f', -1, 64))
	}
	if v := q.Get("ignoreControls"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return CriticalParams{}, badParam("ignoreControls", "%q: want true or false", v)
		}
		p.IgnoreControls = b
		p.given.Set("ignoreControls", strconv.FormatBool(b))
	}
	return p, nil
}

// CriticalReport is the critical-supplier report: a stamp, the item and
// holder, and one row per knock-out. Its JSON form is the body of
// /reports/critical-suppliers.json.
type CriticalReport struct {
	Report         string             `json:"report"`         // "critical-suppliers"
	DatasetVersion string             `json:"datasetVersion"` // the snapshot's content fingerprint
	AsOf           string             `json:"asOf"`           // YYYY-MM-DD
	Parameters     map[string]*string `json:"parameters"`     // as given; null when left to the default
	DataCurrentTo  string             `json:"dataCurrentTo"`  // the latest event date up to the report day (analysis.Engine.CurrentTo)
	GeneratedAt    string             `json:"generatedAt"`    // RFC 3339, UTC
	Generator      string             `json:"generator"`      // "chipgraph VERSION"
	Rule           string             `json:"rule"`           // analysis.KnockoutRule
	Item           string             `json:"item"`
	Holder         *string            `json:"holder"`    // null: the unrestricted buyer
	Threshold      float64            `json:"threshold"` // percent
	Feasible       bool               `json:"feasible"`  // at baseline; false: nothing to knock out
	Count          int                `json:"count"`     // len(Suppliers)
	Suppliers      []CriticalRow      `json:"suppliers"`
}

// CriticalRow is one single knock-out: the fields of Knockout in GraphQL,
// with IDs for nodes. Firms come first, then countries, each in the order of
// Query.knockouts.
type CriticalRow struct {
	Rank                     int      `json:"rank"`
	Supplier                 string   `json:"supplier"`
	Name                     string   `json:"name"`
	Kind                     string   `json:"kind"` // firm or country
	Share                    *float64 `json:"share"`
	ShareOf                  *string  `json:"shareOf"`
	TakesDown                []string `json:"takesDown"`
	AlternativeAlsoDominated bool     `json:"alternativeAlsoDominated"`
	DominatedAlternatives    []string `json:"dominatedAlternatives"`
	Path                     []string `json:"path"` // node IDs from the item to the supplier; empty if none
}

// NewCriticalReport computes the report from a view's engine. An unknown ID
// is a *ParamError with code NOT_FOUND, an ID of the wrong kind one with
// BAD_USER_INPUT.
func NewCriticalReport(ctx context.Context, v *View, p CriticalParams, generator string, now time.Time) (*CriticalReport, error) {
	forArg := (*string)(nil)
	if p.For != "" {
		s := string(p.For)
		forArg = &s
	}
	f := false
	item, opts, err := knockoutArgs(v.Snap, string(p.Of), forArg, p.Threshold, &f, &p.IgnoreControls, nil)
	if err != nil {
		return nil, paramErrorOf(err)
	}
	res, err := v.Engine.Knockouts(ctx, item, asOfArg(&p.AsOf), opts)
	if err != nil {
		return nil, err
	}
	r := &CriticalReport{
		Report: "critical-suppliers", DatasetVersion: v.Snap.Version(), AsOf: res.AsOf.String(),
		Parameters: map[string]*string{}, GeneratedAt: now.UTC().Format(time.RFC3339), Generator: generator,
		DataCurrentTo: currentTo(v.Engine, now),
		Rule:          analysis.KnockoutRule, Item: string(res.Item), Threshold: res.Threshold, Feasible: res.Feasible,
	}
	for _, name := range criticalParamNames {
		r.Parameters[name] = nil
		if s := p.given.Get(name); s != "" {
			r.Parameters[name] = &s
		}
	}
	if res.Holder != "" {
		h := string(res.Holder)
		r.Holder = &h
	}
	for _, k := range append(slices.Clip(res.Firms), res.Countries...) {
		id := k.Removed[0]
		n, _ := v.Snap.Lookup(id)
		row := CriticalRow{Rank: len(r.Suppliers) + 1, Supplier: string(id), Name: n.Name, Kind: string(n.Kind),
			Share: roundPtr(k.Share, 2), TakesDown: idStrings(k.TakesDown), AlternativeAlsoDominated: k.AlternativeAlsoDominated,
			DominatedAlternatives: idStrings(k.DominatedAlternatives), Path: []string{}}
		if k.ShareOf != "" {
			s := string(k.ShareOf)
			row.ShareOf = &s
		}
		if k.Path != nil {
			row.Path = idStrings(k.Path.Nodes)
		}
		r.Suppliers = append(r.Suppliers, row)
	}
	r.Count = len(r.Suppliers)
	if r.Suppliers == nil {
		r.Suppliers = []CriticalRow{}
	}
	return r, nil
}

// paramErrorOf turns a coded argument error ("for: no node ...") into a
// *ParamError naming the parameter.
func paramErrorOf(err error) error {
	var ge *gqlerror.Error
	if !errors.As(err, &ge) {
		return err
	}
	code, _ := ge.Extensions["code"].(string)
	param, msg, ok := strings.Cut(ge.Message, ": ")
	if !ok {
		return err
	}
	return &ParamError{Param: param, Code: code, Message: msg}
}

// WriteCriticalReport writes r in format (FormatJSON or FormatCSV).
func WriteCriticalReport(w io.Writer, r *CriticalReport, format string) error {
	switch format {
	case FormatJSON:
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(r)
	case FormatCSV:
		return r.writeCSV(w)
	}
	return fmt.Errorf("unknown report format %q; want json or csv", format)
}

// criticalCSVHeader is the header row of the CSV report: the row fields,
// then the stamp repeated on every row.
var criticalCSVHeader = []string{
	"rank", "supplier", "name", "kind", "share", "shareOf", "takesDown", "alternativeAlsoDominated",
	"dominatedAlternatives", "path", "item", "holder", "threshold", "feasible",
	"datasetVersion", "asOf", "ignoreControls", "dataCurrentTo", "generatedAt",
}

// writeCSV writes RFC 4180 CSV: a header row, then one row per knock-out;
// lists are IDs separated by ";" (the path in order). The last nine
// columns stamp every row, so that rows stay attributable after filtering.
// An item with no knock-out gives the header alone.
func (r *CriticalReport) writeCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180, as the chokepoint report
	if err := cw.Write(criticalCSVHeader); err != nil {
		return err
	}
	ic := ""
	if s := r.Parameters["ignoreControls"]; s != nil {
		ic = *s
	}
	stamp := []string{r.Item, deref(r.Holder), strconv.FormatFloat(r.Threshold, 'f', -1, 64), strconv.FormatBool(r.Feasible),
		r.DatasetVersion, r.AsOf, ic, r.DataCurrentTo, r.GeneratedAt}
	for _, c := range r.Suppliers {
		rec := []string{strconv.Itoa(c.Rank), c.Supplier, c.Name, c.Kind, fmtFloat(c.Share), deref(c.ShareOf),
			strings.Join(c.TakesDown, ";"), strconv.FormatBool(c.AlternativeAlsoDominated),
			strings.Join(c.DominatedAlternatives, ";"), strings.Join(c.Path, ";")}
		if err := cw.Write(append(rec, stamp...)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// criticalHandler serves the critical-supplier report in format, with the
// status codes, headers and metrics of the chokepoint report (operation
// "critical-suppliers.json" or ".csv").
func (s *Server) criticalHandler(format string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.reportStart(w, r, "critical-suppliers."+format) {
			return
		}
		p, err := ParseCriticalParams(r.URL.Query())
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
		rep, err := NewCriticalReport(ctx, v, p, "chipgraph "+s.cfg.BuildVersion, time.Now())
		if err != nil {
			s.reportError(w, r, err)
			return
		}
		h := w.Header()
		h.Set("X-Chipgraph-Dataset-Version", rep.DatasetVersion)
		h.Set("X-Chipgraph-As-Of", rep.AsOf)
		if format == FormatCSV {
			h.Set("Content-Type", "text/csv; charset=utf-8; header=present")
			h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="critical-suppliers-%s-%s.csv"`, rep.AsOf, rep.DatasetVersion))
		} else {
			h.Set("Content-Type", "application/json")
		}
		if err := WriteCriticalReport(w, rep, format); err != nil {
			s.log.Warn("writing report", "request_id", requestIDOf(r.Context()), "err", err)
		}
	})
}
