package eto

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chipgraph/chipgraph/loaders"
	"github.com/chipgraph/chipgraph/loaders/loadertest"
)

// FuzzETO replaces one file of the current-release fixture with arbitrary
// bytes: problems are reported, never a panic, and an accepted load forms
// a snapshot.
func FuzzETO(f *testing.F) {
	files := []string{"inputs.csv", "providers.csv", "provision.csv", "sequence.csv", "stages.csv"}
	for i, name := range files {
		b, err := os.ReadFile(filepath.Join("testdata/current", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), b)
	}
	f.Add(uint8(2), []byte("provider_name,provider_id,share_provided\nX,P1,150\n"))
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		dir := t.TempDir()
		for i, name := range files {
			b, err := os.ReadFile(filepath.Join("testdata/current", name))
			if err != nil {
				t.Fatal(err)
			}
			if i == int(which)%len(files) {
				b = data
			}
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		b := loaders.NewBuilder()
		if err := Load(context.Background(), b, loaders.Spec{Kind: "eto", Path: dir}); err != nil {
			return
		}
		loadertest.AcceptedFormsSnapshot(t, b)
	})
}
