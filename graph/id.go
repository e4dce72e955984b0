package graph

import (
	"fmt"
	"strings"
)

// ID identifies a node: "<kind>:<slug>", for example "firm:huawei",
// "country:CHN", "input:euv-lithography-tools". IDs are stable across
// releases of the data; tests, dashboards and API clients rely on them.
type ID string

// NodeKind is the kind of a node. Its value is the ID prefix; Label gives
// the Neo4j label and GraphQL type name.
type NodeKind string

const (
	KindFirm         NodeKind = "firm"
	KindCountry      NodeKind = "country"
	KindInput        NodeKind = "input"
	KindProduct      NodeKind = "product"
	KindFab          NodeKind = "fab"
	KindControlEvent NodeKind = "event"
	KindSource       NodeKind = "source"
	KindObservation  NodeKind = "observation"
)

// NodeKinds lists every node kind in a fixed order (the order in which
// stores write them).
var NodeKinds = []NodeKind{KindSource, KindCountry, KindFirm, KindInput, KindProduct, KindFab, KindControlEvent, KindObservation}

// Label returns the CamelCase name used as Neo4j label and GraphQL type.
func (k NodeKind) Label() string {
	switch k {
	case KindFirm:
		return "Firm"
	case KindCountry:
		return "Country"
	case KindInput:
		return "Input"
	case KindProduct:
		return "Product"
	case KindFab:
		return "Fab"
	case KindControlEvent:
		return "ControlEvent"
	case KindSource:
		return "Source"
	case KindObservation:
		return "Observation"
	}
	return ""
}

// Kind returns the node kind named by the ID's prefix ("" if malformed).
func (id ID) Kind() NodeKind {
	k, _, ok := strings.Cut(string(id), ":")
	if !ok {
		return ""
	}
	return NodeKind(k)
}

// Slug returns the part after the colon.
func (id ID) Slug() string {
	_, s, _ := strings.Cut(string(id), ":")
	return s
}

// ParseID checks that s is a well-formed ID: a known kind, a colon and a slug
// of letters, digits and "-", "_", "." (countries: ISO 3166-1 alpha-3 codes
// in upper case, or a few aggregates such as "EUR").
func ParseID(s string) (ID, error) {
	id := ID(s)
	kind := id.Kind()
	if kind.Label() == "" {
		return "", fmt.Errorf("malformed ID %q: want <kind>:<slug> with kind one of firm, country, input, product, fab, event, source, observation", s)
	}
	slug := id.Slug()
	if slug == "" {
		return "", fmt.Errorf("malformed ID %q: empty slug", s)
	}
	for _, r := range slug {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.' ||
			(kind == KindCountry && r >= 'A' && r <= 'Z')
		if !ok {
			return "", fmt.Errorf("malformed ID %q: slug may hold only lower-case letters, digits, '-', '_' and '.'", s)
		}
	}
	if kind == KindCountry && strings.ToUpper(slug) != slug {
		return "", fmt.Errorf("malformed ID %q: country IDs use upper-case ISO 3166-1 alpha-3 codes", s)
	}
	return id, nil
}

// Slugify turns a display name into an ID slug: lower case, ASCII letters
// and digits, runs of anything else collapsed to "-".
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(foldAccents(name)) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
