package loaders

import (
	"fmt"
	"strings"
)

// Spec names one input: a kind of source and a path, written KIND:PATH on
// the command line ("curated:data", "eto:eto-chip-explorer/data",
// "csl:consolidated.csv").
type Spec struct {
	Kind string
	Path string
}

// Kinds lists the source kinds chipgraph can load.
var Kinds = []string{"curated", "eto", "csl"}

// Bundled is the spec of the curated dataset embedded in the binary
// (package data): Kind "curated" with an empty Path. It prints as
// "curated:(bundled)"; problems in it name files "data/firms.csv".
var Bundled = Spec{Kind: "curated"}

// IsBundled reports whether s names the embedded curated dataset.
func (s Spec) IsBundled() bool { return s.Kind == "curated" && s.Path == "" }

func (s Spec) String() string {
	if s.IsBundled() {
		return "curated:(bundled)"
	}
	return s.Kind + ":" + s.Path
}

// ParseSpec parses KIND:PATH.
func ParseSpec(s string) (Spec, error) {
	kind, path, ok := strings.Cut(s, ":")
	if !ok || path == "" {
		return Spec{}, fmt.Errorf("bad source %q: want KIND:PATH with KIND one of %s", s, strings.Join(Kinds, ", "))
	}
	for _, k := range Kinds {
		if k == kind {
			return Spec{Kind: kind, Path: path}, nil
		}
	}
	return Spec{}, fmt.Errorf("bad source %q: unknown kind %q (want one of %s)", s, kind, strings.Join(Kinds, ", "))
}
