package csl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/chipgraph/chipgraph/loaders"
)

// entry is one row of the screening list, whichever format it came in.
type entry struct {
	id            string // _id (CSV) or id (JSON): the key; entity_number is not unique across lists
	list          string // source: "Entity List (EL) - Bureau of Industry and Security", ...
	typ           string // Entity, Individual, Vessel, Aircraft; blank on BIS lists
	name          string
	altNames      []string
	countries     []string // ISO 3166-1 alpha-2 codes of the addresses, in order
	frNotice      string
	startDate     string
	endDate       string
	licenseReq    string
	licensePolicy string
	listURL       string
	infoURL       string
	pos           loaders.Pos
}

// csvColumns are the 29 columns of the CSL bulk CSV, in order. The loader
// needs the ones in csvRequired; a file with other columns still loads.
var (
	csvColumns = []string{"_id", "source", "entity_number", "type", "programs", "name", "title", "addresses",
		"federal_register_notice", "start_date", "end_date", "standard_order", "license_requirement", "license_policy",
		"call_sign", "vessel_type", "gross_tonnage", "gross_registered_tonnage", "vessel_flag", "vessel_owner", "remarks",
		"source_list_url", "alt_names", "citizenships", "dates_of_birth", "nationalities", "places_of_birth",
		"source_information_url", "ids"}
	csvRequired = []string{"_id", "source", "type", "name", "addresses", "federal_register_notice", "start_date",
		"end_date", "license_requirement", "license_policy", "alt_names"}
)

// readFile reads a CSL file in the CSV or JSON format, told by its
// extension (.csv, .json) or else by its first byte. Problems in the data
// are reported; the error is for a file that cannot be read at all.
func readFile(path string, report func(loaders.Problem)) (entries []entry, isJSON bool, err error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			report(loaders.Problem{Pos: loaders.Pos{File: path}, Message: "no such file: want the Consolidated Screening List as .csv or .json (see loaders/csl docs for where to get it)"})
			return nil, false, nil
		}
		return nil, false, err
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		entries, err = readCSV(path, report)
		return entries, false, err
	case ".json":
		return readJSON(path, raw, report), true, nil
	}
	if t := bytes.TrimLeft(bytes.TrimPrefix(raw, []byte("\xEF\xBB\xBF")), " \t\r\n"); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return readJSON(path, raw, report), true, nil
	}
	entries, err = readCSV(path, report)
	return entries, false, err
}

func readCSV(path string, report func(loaders.Problem)) ([]entry, error) {
	var out []entry
	err := loaders.ReadCSV(os.DirFS(filepath.Dir(path)), filepath.Base(path), loaders.CSVOptions{Name: path, Required: csvRequired, Optional: csvColumns, AllowUnknown: true},
		report, func(r *loaders.Record) error {
			e := entry{
				id: r.Get("_id"), list: r.Get("source"), typ: r.Get("type"), name: r.Get("name"),
				altNames:  splitList(r.Get("alt_names")),
				frNotice:  r.Get("federal_register_notice"),
				startDate: r.Get("start_date"), endDate: r.Get("end_date"),
				licenseReq: r.Get("license_requirement"), licensePolicy: r.Get("license_policy"),
				listURL: r.Get("source_list_url"), infoURL: r.Get("source_information_url"),
				pos: r.Pos(),
			}
			for _, a := range splitList(r.Get("addresses")) {
				// "street, city, state, postal code, CC": the country is last.
				parts := strings.Split(a, ",")
				e.countries = append(e.countries, strings.TrimSpace(parts[len(parts)-1]))
			}
			out = append(out, e)
			return nil
		})
	return out, err
}

// jsonEntry is a record of the CSL JSON (bulk file or search API results).
type jsonEntry struct {
	ID            string   `json:"id"`
	Source        string   `json:"source"`
	Type          string   `json:"type"`
	Name          string   `json:"name"`
	AltNames      []string `json:"alt_names"`
	FRNotice      string   `json:"federal_register_notice"`
	StartDate     string   `json:"start_date"`
	EndDate       string   `json:"end_date"`
	LicenseReq    string   `json:"license_requirement"`
	LicensePolicy string   `json:"license_policy"`
	ListURL       string   `json:"source_list_url"`
	InfoURL       string   `json:"source_information_url"`
	Addresses     []struct {
		Country string `json:"country"`
	} `json:"addresses"`
}

// readJSON reads {"results": [...]} (the bulk file and the search API's
// envelope) or a bare array of records, reporting each record's problems at
// the line where the record starts.
func readJSON(path string, raw []byte, report func(loaders.Problem)) []entry {
	raw = bytes.TrimPrefix(raw, []byte("\xEF\xBB\xBF"))
	lineAt := func(off int64) int { return 1 + bytes.Count(raw[:min(int(off), len(raw))], []byte("\n")) }
	problem := func(line int, col, format string, args ...any) {
		report(loaders.Problem{Pos: loaders.Pos{File: path, Line: line}, Column: col, Message: fmt.Sprintf(format, args...)})
	}
	if loaders.ReportConflictMarkers(raw, path, report) {
		return nil
	}
	if !utf8.Valid(raw) {
		for off := 0; off < len(raw); {
			r, size := utf8.DecodeRune(raw[off:])
			if r == utf8.RuneError && size == 1 {
				problem(lineAt(int64(off)), "", "invalid UTF-8 (byte 0x%02X): save the file as UTF-8", raw[off])
				// One report per line is enough.
				if nl := bytes.IndexByte(raw[off:], '\n'); nl >= 0 {
					off += nl
					continue
				}
				break
			}
			off += size
		}
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	syntax := func(err error) {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			problem(lineAt(se.Offset), "", "malformed JSON: %v", se)
		case errors.Is(err, io.ErrUnexpectedEOF):
			problem(lineAt(int64(len(raw))), "", "malformed JSON: the file ends in the middle of a value (truncated?)")
		default:
			problem(lineAt(dec.InputOffset()), "", "malformed JSON: %v", err)
		}
	}
	tok, err := dec.Token()
	if err != nil {
		syntax(err)
		return nil
	}
	if tok == json.Delim('{') {
		found := false
		for dec.More() {
			key, err := dec.Token()
			if err != nil {
				syntax(err)
				return nil
			}
			if key == "results" {
				found = true
				break
			}
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				syntax(err)
				return nil
			}
		}
		if !found {
			problem(1, "results", "no results array: want the CSL JSON ({\"results\": [...]}) or an array of records")
			return nil
		}
		if tok, err = dec.Token(); err != nil {
			syntax(err)
			return nil
		}
	}
	if tok != json.Delim('[') {
		problem(lineAt(dec.InputOffset()), "results", "want an array of records")
		return nil
	}
	var out []entry
	for dec.More() {
		start := dec.InputOffset()
		var je jsonEntry
		if err := dec.Decode(&je); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				// te.Offset counts from the start of the record.
				problem(lineAt(start+te.Offset), te.Field, "want a JSON %s, not %s", te.Type, te.Value)
				continue
			}
			syntax(err)
			return out
		}
		// The record starts at the first non-space byte after start.
		line := lineAt(start + int64(len(raw[start:])-len(bytes.TrimLeft(raw[start:], " \t\r\n,"))))
		e := entry{id: je.ID, list: je.Source, typ: je.Type, name: strings.TrimSpace(je.Name), frNotice: je.FRNotice,
			startDate: je.StartDate, endDate: je.EndDate, licenseReq: je.LicenseReq, licensePolicy: je.LicensePolicy,
			listURL: je.ListURL, infoURL: je.InfoURL, pos: loaders.Pos{File: path, Line: line}}
		for _, a := range je.AltNames {
			e.altNames = append(e.altNames, splitList(a)...)
		}
		for _, a := range je.Addresses {
			e.countries = append(e.countries, strings.TrimSpace(a.Country))
		}
		out = append(out, e)
	}
	return out
}

// splitList splits a multi-valued cell ("a; b; and c") into its values.
func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ";") {
		v = strings.TrimSpace(v)
		v = strings.TrimSpace(strings.TrimPrefix(v, "and "))
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}
