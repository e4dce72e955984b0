package loaders

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"unicode/utf8"
)

// CSVOptions says how ReadCSV should read a file and what its header must hold.
type CSVOptions struct {
	// Name is how problems name the file, e.g. "data/firms.csv"; the path
	// within the file system if empty.
	Name string
	// Required columns must appear in the header; Optional ones may. Columns
	// may come in any order.
	Required, Optional []string
	// AllowUnknown accepts header columns named in neither list (third-party
	// formats grow columns) instead of reporting each as a problem.
	// Record.Get reads them either way.
	AllowUnknown bool
}

// Record is one row of a CSV file, read by column name. It is only valid
// during the callback that receives it (ReadCSV reuses it); the strings it
// returns may be kept.
type Record struct {
	// Line is the 1-based line on which the row starts.
	Line int

	file   string
	header []string
	index  map[string]int
	cells  []string
}

// Get returns the cell of the named column with surrounding white space
// trimmed, or "" if the header has no such column.
func (r *Record) Get(col string) string {
	i, ok := r.index[col]
	if !ok {
		return ""
	}
	return strings.TrimSpace(r.cells[i])
}

// Has reports whether the header has the named column.
func (r *Record) Has(col string) bool {
	_, ok := r.index[col]
	return ok
}

// Columns returns the header's column names in file order. The slice must
// not be modified.
func (r *Record) Columns() []string { return r.header }

// Pos returns the file and line of the row.
func (r *Record) Pos() Pos { return Pos{File: r.file, Line: r.Line} }

// Problemf returns a problem about column col of this row.
func (r *Record) Problemf(col, format string, args ...any) Problem {
	return Problem{Pos: r.Pos(), Column: col, Message: fmt.Sprintf(format, args...)}
}

var (
	utf8BOM  = []byte("\xEF\xBB\xBF")
	utf16LE  = []byte("\xFF\xFE")
	utf16BE  = []byte("\xFE\xFF")
	conflict = []string{"<<<<<<<", "|||||||", "=======", ">>>>>>>"}
)

// ReadCSV reads the CSV file at path in fsys (UTF-8, comma-separated, the
// first row a header) and calls each for every well-formed row in file
// order. Everything wrong with the file is sent to report as a Problem with
// the file's name, the line and, where it applies, the column, and reading
// goes on so that one run shows every problem:
//
//   - a UTF-8 byte-order mark (spreadsheets write one) is skipped; a UTF-16
//     file is a problem and is not read;
//   - merge-conflict markers (<<<<<<<, =======, >>>>>>>, and diff3's
//     |||||||) are problems, one per marker line, and the file is not read:
//     neither side of the conflict can be trusted;
//   - invalid UTF-8 in a cell is a problem, and the bad bytes are replaced
//     by U+FFFD in what each sees;
//   - a header column that is unknown (unless opt.AllowUnknown) is a problem;
//     a required column that is missing, or a column that appears twice,
//     is a problem and no row is read;
//   - a row whose number of cells differs from the header's, or whose
//     quoting is malformed, is a problem and is skipped;
//   - a row whose cells are all blank is skipped silently.
//
// The file is read into memory whole (the formats it serves are a few
// megabytes at most), so that conflict markers are found before any row is
// delivered.
//
// ReadCSV returns an error only if the file cannot be read at all
// (errors.Is(err, fs.ErrNotExist) when it does not exist) or if each
// returns one, which stops the reading.
func ReadCSV(fsys fs.FS, path string, opt CSVOptions, report func(Problem), each func(*Record) error) error {
	raw, err := fs.ReadFile(fsys, path)
	if err != nil {
		return err
	}
	name := cmp.Or(opt.Name, path)
	problem := func(line int, col, format string, args ...any) {
		report(Problem{Pos: Pos{File: name, Line: line}, Column: col, Message: fmt.Sprintf(format, args...)})
	}
	if bytes.HasPrefix(raw, utf16LE) || bytes.HasPrefix(raw, utf16BE) {
		problem(0, "", "file is UTF-16 encoded: save it as UTF-8")
		return nil
	}
	raw = bytes.TrimPrefix(raw, utf8BOM)
	if markers := conflictMarkers(raw); len(markers) > 0 {
		for _, m := range markers {
			problem(m.line, "", "merge-conflict marker %q: resolve the conflict (file not read)", m.marker)
		}
		return nil
	}

	cr := csv.NewReader(bytes.NewReader(raw))
	cr.FieldsPerRecord = -1 // counted here, so that every bad row is reported
	cr.ReuseRecord = true
	cr.LazyQuotes = false

	rec, err := cr.Read()
	switch {
	case err == io.EOF:
		problem(0, "", "empty file: want a header row")
		return nil
	case err != nil:
		// A malformed header cannot be trusted to name the columns.
		problem(parseErrorLine(err), "", "malformed CSV header: %s", parseErrorText(err))
		return nil
	}
	headerLine, _ := cr.FieldPos(0)
	header := make([]string, len(rec))
	for i, c := range rec {
		header[i] = strings.TrimSpace(validUTF8(c, func(string) {
			problem(headerLine, "", "invalid UTF-8 in header: save the file as UTF-8")
		}))
	}
	if !checkHeader(header, opt, func(col, format string, args ...any) { problem(headerLine, col, format, args...) }) {
		return nil
	}

	r := &Record{file: name, header: header, index: make(map[string]int, len(header))}
	for i, c := range header {
		r.index[c] = i
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return err
			}
			problem(parseErrorLine(err), "", "malformed CSV: %s", parseErrorText(err))
			continue
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		if len(rec) != len(header) {
			problem(line, "", "row has %s, header has %d", plural(len(rec), "cell"), len(header))
			continue
		}
		for i := range rec {
			rec[i] = validUTF8(rec[i], func(bad string) {
				start, _ := cr.FieldPos(i)
				problem(start+strings.Count(bad, "\n"), header[i], "invalid UTF-8 in %s: save the file as UTF-8", quoteCell(rec[i]))
			})
		}
		r.Line, r.cells = line, rec
		if err := each(r); err != nil {
			return err
		}
	}
}

// checkHeader reports unknown, duplicate and missing columns; it returns
// false if the rows cannot be read by column name.
func checkHeader(header []string, opt CSVOptions, problem func(col, format string, args ...any)) bool {
	ok := true
	known := slices.Concat(opt.Required, opt.Optional)
	for i, c := range header {
		first := slices.Index(header, c)
		switch {
		case c == "":
			problem("", "column %d of the header has no name", i+1)
			ok = false
		case first < i:
			if first+1+slices.Index(header[first+1:], c) == i { // report once, at the second occurrence
				problem(c, "column appears twice")
			}
			ok = false
		case !opt.AllowUnknown && !slices.Contains(known, c):
			problem(c, "unknown column (want %s)", strings.Join(known, ", "))
		}
	}
	for _, c := range opt.Required {
		if !slices.Contains(header, c) {
			problem(c, "missing required column")
			ok = false
		}
	}
	return ok
}

type conflictMarker struct {
	line   int
	marker string
}

// conflictMarkers finds the lines that git writes around a merge conflict.
func conflictMarkers(raw []byte) []conflictMarker {
	var found []conflictMarker
	for i, line := range bytes.Split(raw, []byte("\n")) {
		line = bytes.TrimRight(line, " \t\r")
		for _, m := range conflict {
			if bytes.HasPrefix(line, []byte(m)) && (len(line) == len(m) || line[len(m)] == ' ') {
				found = append(found, conflictMarker{line: i + 1, marker: m})
			}
		}
	}
	return found
}

// validUTF8 returns s with invalid bytes replaced by U+FFFD; if there are
// any, it first calls bad with the prefix of s up to the first of them.
func validUTF8(s string, bad func(prefix string)) string {
	if utf8.ValidString(s) {
		return s
	}
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				bad(s[:i])
				break
			}
		}
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// quoteCell quotes a cell for a message, shortened if long.
func quoteCell(s string) string {
	const max = 60
	if len(s) > max {
		s = s[:max] + "..."
	}
	return fmt.Sprintf("%q", s)
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func plural(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// parseErrorLine returns the line on which the record holding a CSV syntax
// error starts (where a curator should look), or 0.
func parseErrorLine(err error) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.StartLine
	}
	return 0
}

// parseErrorText explains a CSV syntax error with a hint at the fix.
func parseErrorText(err error) string {
	var pe *csv.ParseError
	if !errors.As(err, &pe) {
		return err.Error()
	}
	switch {
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return pe.Err.Error() + ` (put the cell in double quotes and double any " inside it)`
	case errors.Is(pe.Err, csv.ErrQuote):
		return pe.Err.Error() + ` (a quoted cell must end with " followed by a comma or the end of the line)`
	}
	return pe.Err.Error()
}
