package schema

import (
	"strings"
	"testing"
)

func TestCypherStatements(t *testing.T) {
	stmts, err := CypherStatements()
	if err != nil {
		t.Fatal(err)
	}
	if len(stmts) == 0 {
		t.Fatal("no statements")
	}
	constraints := map[string]bool{}
	for _, s := range stmts {
		if strings.Contains(s, "//") || strings.HasSuffix(s, ";") {
			t.Errorf("statement not cleaned: %q", s)
		}
		if !strings.Contains(s, "IF NOT EXISTS") && !strings.HasPrefix(s, "MERGE") {
			t.Errorf("statement is not idempotent: %q", s)
		}
		if strings.HasPrefix(s, "CREATE CONSTRAINT") {
			_, label, _ := strings.Cut(s, "(n:")
			label, _, _ = strings.Cut(label, ")")
			constraints[label] = true
		}
	}
	for _, label := range []string{"Firm", "Country", "Input", "Product", "Fab", "ControlEvent", "Source", "ChipgraphMeta"} {
		if !constraints[label] {
			t.Errorf("no uniqueness constraint for %s", label)
		}
	}
	if last := stmts[len(stmts)-1]; !strings.HasPrefix(last, "MERGE (m:ChipgraphMeta") {
		t.Errorf("meta node is not created last (after its constraint): %q", last)
	}
}
