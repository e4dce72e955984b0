package graph

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// TestFingerprintCoversEveryField sets each field of a node and of an edge in
// turn: every one must change the fingerprint, so a field added to Node or
// Edge but forgotten in Fingerprint fails here.
func TestFingerprintCoversEveryField(t *testing.T) {
	base := func() *Dataset {
		return &Dataset{
			Nodes: []Node{{ID: "firm:a", Kind: KindFirm, Name: "A"}},
			Edges: []Edge{{From: "firm:a", To: "firm:a", Kind: SubsidiaryOf, Share: NoShare}},
		}
	}
	want := base().Fingerprint()
	if again := base().Fingerprint(); again != want {
		t.Fatalf("fingerprint not deterministic: %s then %s", want, again)
	}
	check := func(t *testing.T, v reflect.Value, name string, ds *Dataset) {
		t.Helper()
		f := v.FieldByName(name)
		switch f.Kind() {
		case reflect.String:
			f.SetString(f.String() + "x")
		case reflect.Int, reflect.Int32, reflect.Int64:
			f.SetInt(f.Int() + 7)
		case reflect.Float64:
			f.SetFloat(42)
		case reflect.Bool:
			f.SetBool(!f.Bool())
		case reflect.Slice:
			f.Set(reflect.Append(f, reflect.ValueOf("x").Convert(f.Type().Elem())))
		default:
			t.Fatalf("field %s: kind %s not handled by this test", name, f.Kind())
		}
		if got := ds.Fingerprint(); got == want {
			t.Errorf("changing %s does not change the fingerprint", name)
		}
	}
	for _, sf := range reflect.VisibleFields(reflect.TypeOf(Node{})) {
		ds := base()
		check(t, reflect.ValueOf(&ds.Nodes[0]).Elem(), sf.Name, ds)
	}
	for _, sf := range reflect.VisibleFields(reflect.TypeOf(Edge{})) {
		ds := base()
		check(t, reflect.ValueOf(&ds.Edges[0]).Elem(), sf.Name, ds)
	}
	// A string moved from one field to the next is a different dataset.
	a, b := base(), base()
	a.Nodes[0].Name, a.Nodes[0].ETOID = "AB", ""
	b.Nodes[0].Name, b.Nodes[0].ETOID = "A", "B"
	if a.Fingerprint() == b.Fingerprint() {
		t.Error("fields are not delimited: Name+ETOID \"AB\"+\"\" collides with \"A\"+\"B\"")
	}
}

// TestSortRows: sortRows agrees with a stable sort, whether its input is
// shuffled, sorted or reversed, and with repeated keys, also from the size
// at which it sorts on two goroutines and merges.
func TestSortRows(t *testing.T) {
	type row struct {
		key string
		pos int
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 10, 1000, parallelSort, parallelSort + 1, 3*parallelSort + 7} {
		rows := make([]row, n)
		for i := range rows {
			rows[i] = row{fmt.Sprintf("k%03d", r.IntN(max(1, n/3))), i}
		}
		cmpKey := func(a, b row) int { return strings.Compare(a.key, b.key) }
		for _, in := range [][]row{rows, slices.SortedStableFunc(slices.Values(rows), cmpKey), reversed(rows)} {
			got, want := slices.Clone(in), slices.Clone(in)
			sortRows(got, func(a, b *row) int { return cmpKey(*a, *b) })
			slices.SortStableFunc(want, cmpKey)
			if !slices.Equal(got, want) {
				t.Fatalf("n=%d: sortRows differs from a stable sort", n)
			}
		}
	}
}

func reversed[T any](s []T) []T {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}
