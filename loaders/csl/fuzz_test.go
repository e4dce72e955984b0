package csl

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chipgraph/chipgraph/loaders"
	"github.com/chipgraph/chipgraph/loaders/loadertest"
)

// FuzzCSL feeds arbitrary bytes as a Consolidated Screening List file, CSV
// or JSON: problems are reported, never a panic, and an accepted load forms
// a snapshot.
func FuzzCSL(f *testing.F) {
	for _, name := range []string{"testdata/consolidated.csv", "testdata/consolidated.json"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(filepath.Ext(name) == ".json", b)
	}
	f.Add(true, []byte(`{"results": [{"id": 1, "name": [], "start_date": "2019-13-01"}]}`))
	f.Add(false, []byte("_id,name\n1,\"x"))
	f.Fuzz(func(t *testing.T, json bool, data []byte) {
		name := "l.csv"
		if json {
			name = "l.json"
		}
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		b := loaders.NewBuilder()
		if err := Load(context.Background(), b, loaders.Spec{Kind: "csl", Path: path}); err != nil {
			return
		}
		loadertest.AcceptedFormsSnapshot(t, b)
	})
}
