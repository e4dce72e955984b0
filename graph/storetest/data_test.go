package storetest

import (
	"reflect"
	"testing"

	"github.com/chipgraph/chipgraph/graph"
)

// TestSampleCoversEveryField guards the round-trip test: a field added to
// graph.Node or graph.Edge must be set somewhere in Sample, or stores could
// drop it unnoticed.
func TestSampleCoversEveryField(t *testing.T) {
	ds := Sample()
	covered := func(v reflect.Value, set map[string]bool) {
		for i := range v.NumField() {
			f := v.Field(i)
			if !f.IsZero() && !(f.Kind() == reflect.Float64 && f.Float() != f.Float()) {
				set[v.Type().Field(i).Name] = true
			}
		}
	}
	nodes, edges := map[string]bool{}, map[string]bool{}
	for i := range ds.Nodes {
		covered(reflect.ValueOf(ds.Nodes[i]), nodes)
	}
	for i := range ds.Edges {
		covered(reflect.ValueOf(ds.Edges[i]), edges)
	}
	for _, f := range reflect.VisibleFields(reflect.TypeFor[graph.Node]()) {
		if !nodes[f.Name] {
			t.Errorf("no node in Sample sets Node.%s", f.Name)
		}
	}
	for _, f := range reflect.VisibleFields(reflect.TypeFor[graph.Edge]()) {
		if !edges[f.Name] {
			t.Errorf("no edge in Sample sets Edge.%s", f.Name)
		}
	}
}

func TestDatasetsAreValid(t *testing.T) {
	for name, ds := range map[string]*graph.Dataset{
		"Sample": Sample(), "SampleUpdated": SampleUpdated(),
		"Generated0": Generated(1000, 0), "Generated1": Generated(1000, 1),
	} {
		if _, err := graph.NewSnapshot(ds); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if a, b := fingerprint(Generated(1000, 0)), fingerprint(Generated(1000, 1)); a == b {
		t.Error("Generated variants have the same content")
	}
	if a, b := fingerprint(Generated(1000, 1)), fingerprint(Generated(1000, 1)); a != b {
		t.Error("Generated is not deterministic")
	}
}
