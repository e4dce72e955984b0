package schema

import (
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

func TestSDLParses(t *testing.T) {
	sdl := SDL()
	if !strings.HasPrefix(sdl, "# entities.graphqls\n") || !strings.Contains(sdl, "# analysis.graphqls\n") {
		t.Errorf("SDL does not hold entities.graphqls first and analysis.graphqls: %.80q", sdl)
	}
	if _, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: sdl}); err != nil {
		t.Fatal(err)
	}
}

// TestEverythingDescribed: every type, field, argument and input field of
// the schema has a description, since researchers read the schema in the
// playground's Docs pane to learn what each number means.
func TestEverythingDescribed(t *testing.T) {
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: SDL()})
	if err != nil {
		t.Fatal(err)
	}
	for name, def := range s.Types {
		if def.BuiltIn || strings.HasPrefix(name, "__") {
			continue
		}
		if strings.TrimSpace(def.Description) == "" {
			t.Errorf("type %s has no description", name)
		}
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			if strings.TrimSpace(f.Description) == "" {
				t.Errorf("%s.%s has no description", name, f.Name)
			}
			for _, a := range f.Arguments {
				if strings.TrimSpace(a.Description) == "" {
					t.Errorf("%s.%s(%s) has no description", name, f.Name, a.Name)
				}
			}
		}
		for _, v := range def.EnumValues {
			if strings.TrimSpace(v.Description) == "" {
				t.Errorf("%s.%s has no description", name, v.Name)
			}
		}
	}
}

// TestContract checks the names docs/DESIGN.md §7 fixes: clients rely on them.
func TestContract(t *testing.T) {
	s, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: SDL()})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		"Query": {"node(id)", "search(text,first)", "firms(where,first,after)", "products(where,first,after)",
			"fabs(where,first,after)", "inputs(where,first,after)", "controlEvents(where,first,after)",
			"dependencyPaths(from,to,maxDepth,first,asOf)", "upstream(of,maxDepth,asOf)", "chokepoints(of,asOf,first)",
			"feasibility(item,for,asOf,assume)", "scenario(controls,asOf,targets)"},
		"Node":           {"id", "name", "sources"},
		"Chokepoint":     {"input", "topSupplier", "topShare", "hhi", "countryHHI", "supplierCount", "dependents", "controls", "score"},
		"DependencyPath": {"nodes", "edges", "length"},
		"Feasibility":    {"feasible", "blockedBy", "explanation"},
		"ControlInput":   {"issuer", "covers", "targets", "effective", "title"},
		"ControlEvent": {"id", "name", "sources", "date", "effective", "rescinded", "issuer", "authority", "kind",
			"citation", "url", "covers", "targets"},
		"PathEdge": {"from", "to", "kind", "share", "group", "validFrom", "validTo", "sources"},
		"Source":   {"id", "title", "publisher", "url", "date", "licence"},
	}
	for typ, fields := range want {
		def := s.Types[typ]
		if def == nil {
			t.Errorf("no type %s", typ)
			continue
		}
		for _, f := range fields {
			name, args, _ := strings.Cut(strings.TrimSuffix(f, ")"), "(")
			fd := def.Fields.ForName(name)
			if fd == nil {
				t.Errorf("%s has no field %s", typ, name)
				continue
			}
			for _, a := range strings.Split(args, ",") {
				if a != "" && fd.Arguments.ForName(a) == nil {
					t.Errorf("%s.%s has no argument %s", typ, name, a)
				}
			}
		}
	}
	for _, typ := range []string{"Firm", "Country", "Input", "Product", "Fab", "ControlEvent", "Source"} {
		if def := s.Types[typ]; def == nil || len(def.Interfaces) != 1 || def.Interfaces[0] != "Node" {
			t.Errorf("%s does not implement Node", typ)
		}
	}
}
