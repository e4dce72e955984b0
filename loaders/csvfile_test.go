package loaders

import (
	"errors"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// readAll runs ReadCSV over content and returns the records it delivered
// ("line: col=value ...") and the problems it reported.
func readAll(t *testing.T, content string, opt CSVOptions) (records, problems []string) {
	t.Helper()
	fsys := fstest.MapFS{"f.csv": {Data: []byte(content)}}
	err := ReadCSV(fsys, "f.csv", opt, func(p Problem) { problems = append(problems, p.String()) },
		func(r *Record) error {
			var b strings.Builder
			b.WriteString(strconv.Itoa(r.Line) + ":")
			for _, c := range r.Columns() {
				b.WriteString(" " + c + "=" + r.Get(c))
			}
			records = append(records, b.String())
			return nil
		})
	if err != nil {
		t.Fatalf("ReadCSV: %v", err)
	}
	return records, problems
}

func TestReadCSV(t *testing.T) {
	ab := CSVOptions{Required: []string{"a"}, Optional: []string{"b"}}
	tests := []struct {
		name         string
		content      string
		opt          CSVOptions
		wantRecords  []string
		wantProblems []string
	}{
		{
			name:        "plain",
			content:     "a,b\n1,2\n3,4\n",
			opt:         ab,
			wantRecords: []string{"2: a=1 b=2", "3: a=3 b=4"},
		},
		{
			name:        "columns in any order, optional column absent, cells trimmed",
			content:     "a\n 1 \n",
			opt:         ab,
			wantRecords: []string{"2: a=1"},
		},
		{
			name:        "BOM is stripped",
			content:     "\uFEFFa,b\n1,2\n",
			opt:         ab,
			wantRecords: []string{"2: a=1 b=2"},
		},
		{
			name:        "CRLF line endings",
			content:     "a,b\r\n1,2\r\n",
			opt:         ab,
			wantRecords: []string{"2: a=1 b=2"},
		},
		{
			name:        "quoted cell spanning lines keeps line numbers",
			content:     "a,b\n\"x\ny\",2\n3,4\n",
			opt:         ab,
			wantRecords: []string{"2: a=x\ny b=2", "4: a=3 b=4"},
		},
		{
			name:        "blank rows are skipped",
			content:     "a,b\n\n,\n1,2\n",
			opt:         ab,
			wantRecords: []string{"4: a=1 b=2"},
		},
		{
			name:        "every row with the wrong number of cells is reported",
			content:     "a,b\n1\n2,3\n4,5,6\n7,8\n",
			opt:         ab,
			wantRecords: []string{"3: a=2 b=3", "5: a=7 b=8"},
			wantProblems: []string{
				"f.csv:2: row has 1 cell, header has 2",
				"f.csv:4: row has 3 cells, header has 2",
			},
		},
		{
			name:        "unknown columns are reported, rows still read",
			content:     "a,c,d\n1,2,3\n",
			opt:         ab,
			wantRecords: []string{"2: a=1 c=2 d=3"},
			wantProblems: []string{
				"f.csv:1: c: unknown column (want a, b)",
				"f.csv:1: d: unknown column (want a, b)",
			},
		},
		{
			name:        "unknown columns allowed",
			content:     "a,c\n1,2\n",
			opt:         CSVOptions{Required: []string{"a"}, AllowUnknown: true},
			wantRecords: []string{"2: a=1 c=2"},
		},
		{
			name:         "missing required column: rows not read",
			content:      "b\n1\n",
			opt:          ab,
			wantProblems: []string{"f.csv:1: a: missing required column"},
		},
		{
			name:         "duplicate column: rows not read",
			content:      "a,b,a\n1,2,3\n",
			opt:          ab,
			wantProblems: []string{"f.csv:1: a: column appears twice"},
		},
		{
			name:         "unnamed column: rows not read",
			content:      "a,,b\n1,2,3\n",
			opt:          ab,
			wantProblems: []string{"f.csv:1: column 2 of the header has no name"},
		},
		{
			name:    "malformed header: file not read",
			content: "a,\"b\n1,2\n",
			opt:     ab,
			wantProblems: []string{
				`f.csv:1: malformed CSV header: extraneous or missing " in quoted-field (a quoted cell must end with " followed by a comma or the end of the line)`,
			},
		},
		{
			name:        "invalid UTF-8 in header",
			content:     "a,b\xff\n1,2\n",
			opt:         ab,
			wantRecords: []string{"2: a=1 b\uFFFD=2"},
			wantProblems: []string{
				"f.csv:1: invalid UTF-8 in header: save the file as UTF-8",
				"f.csv:1: b\uFFFD: unknown column (want a, b)",
			},
		},
		{
			name:         "empty file",
			content:      "",
			opt:          ab,
			wantProblems: []string{"f.csv: empty file: want a header row"},
		},
		{
			name:         "BOM only",
			content:      "\uFEFF",
			opt:          ab,
			wantProblems: []string{"f.csv: empty file: want a header row"},
		},
		{
			name:        "invalid UTF-8 is reported with line and column, and replaced",
			content:     "a,b\n1,x\xffy\n\"p\nq\xfe\",3\n",
			opt:         ab,
			wantRecords: []string{"2: a=1 b=x\uFFFDy", "3: a=p\nq\uFFFD b=3"},
			wantProblems: []string{
				`f.csv:2: b: invalid UTF-8 in "x\xffy": save the file as UTF-8`,
				`f.csv:4: a: invalid UTF-8 in "p\nq\xfe": save the file as UTF-8`,
			},
		},
		{
			name:         "UTF-16",
			content:      "\xff\xfea\x00",
			opt:          ab,
			wantProblems: []string{"f.csv: file is UTF-16 encoded: save it as UTF-8"},
		},
		{
			name:    "merge-conflict markers: file not read",
			content: "a,b\n<<<<<<< HEAD\n1,2\n=======\n1,3\n>>>>>>> branch\n",
			opt:     ab,
			wantProblems: []string{
				`f.csv:2: merge-conflict marker "<<<<<<<": resolve the conflict (file not read)`,
				`f.csv:4: merge-conflict marker "=======": resolve the conflict (file not read)`,
				`f.csv:6: merge-conflict marker ">>>>>>>": resolve the conflict (file not read)`,
			},
		},
		{
			name:        "malformed quoting is reported and reading goes on",
			content:     "a,b\n1,x\"y\n2,3\n",
			opt:         ab,
			wantRecords: []string{"3: a=2 b=3"},
			wantProblems: []string{
				`f.csv:2: malformed CSV: bare " in non-quoted-field (put the cell in double quotes and double any " inside it)`,
			},
		},
		{
			name:         "file name used in problems",
			content:      "a,b\n1\n",
			opt:          CSVOptions{Name: "data/x.csv", Required: []string{"a", "b"}},
			wantProblems: []string{"data/x.csv:2: row has 1 cell, header has 2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			records, problems := readAll(t, tt.content, tt.opt)
			if !slices.Equal(records, tt.wantRecords) {
				t.Errorf("records:\n got %q\nwant %q", records, tt.wantRecords)
			}
			if !slices.Equal(problems, tt.wantProblems) {
				t.Errorf("problems:\n got %q\nwant %q", problems, tt.wantProblems)
			}
		})
	}
}

func TestReadCSVErrors(t *testing.T) {
	fsys := fstest.MapFS{"f.csv": {Data: []byte("a\n1\n2\n")}}
	report := func(p Problem) { t.Errorf("unexpected problem %s", p) }

	err := ReadCSV(fsys, "missing.csv", CSVOptions{}, report, func(*Record) error { return nil })
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: got %v, want fs.ErrNotExist", err)
	}

	stop := errors.New("stop")
	n := 0
	err = ReadCSV(fsys, "f.csv", CSVOptions{Required: []string{"a"}}, report, func(*Record) error {
		n++
		return stop
	})
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("callback error: got %v after %d records, want stop after 1", err, n)
	}
}

func TestRecord(t *testing.T) {
	fsys := fstest.MapFS{"f.csv": {Data: []byte("a,b\n1,2\n")}}
	err := ReadCSV(fsys, "f.csv", CSVOptions{Name: "x/f.csv", Required: []string{"a"}, Optional: []string{"b", "c"}},
		func(p Problem) { t.Errorf("unexpected problem %s", p) },
		func(r *Record) error {
			if !r.Has("b") || r.Has("c") {
				t.Errorf("Has: b=%v c=%v, want true false", r.Has("b"), r.Has("c"))
			}
			if got := r.Get("c"); got != "" {
				t.Errorf("Get of absent column = %q, want empty", got)
			}
			if got, want := r.Problemf("b", "bad %s", "thing").String(), "x/f.csv:2: b: bad thing"; got != want {
				t.Errorf("Problemf = %q, want %q", got, want)
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
}
