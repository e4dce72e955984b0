package eto

import (
	"fmt"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/chipgraph/chipgraph/graph"
)

// Country codes for ETO's aggregate country providers. ISO 3166-1 leaves
// the X.. range to users; XVA ("various") is chipgraph's code for ETO's
// residual "Various countries" (2022 release: "Various"). EUR is ETO's own
// code for Europe as one region, which graph.ParseID accepts as an aggregate.
const (
	variousCode = "XVA"
	europeCode  = "EUR"
)

// countryCode maps a country code as ETO writes it to the code of the
// graph's country node and says whether it is an aggregate of several
// countries rather than one jurisdiction.
func countryCode(s string) (code string, aggregate bool, err error) {
	switch strings.ToLower(s) {
	case "various", "various countries":
		return variousCode, true, nil
	case "eur":
		return europeCode, true, nil
	case "mal": // the 2022 release's non-ISO code for Malaysia
		return "MYS", false, nil
	}
	if r, err := language.ParseRegion(s); err == nil && len(s) == 3 && r.IsCountry() && r.ISO3() == s {
		return s, false, nil
	}
	return "", false, fmt.Errorf("unknown country code %q: want an upper-case ISO 3166-1 alpha-3 code (or EUR, Various countries)", s)
}

// countryName returns the English name of a country node's code.
func countryName(code string) string {
	switch code {
	case variousCode:
		return "Various countries"
	case europeCode:
		return "Europe"
	}
	if r, err := language.ParseRegion(code); err == nil {
		if n := display.English.Regions().Name(r); n != "" && n != "Unknown Region" {
			return n
		}
	}
	return code
}

// isAggregateName reports whether a provider's name says it stands for
// many providers ("Various companies", "Others"), whose share must never be
// read as one supplier's.
func isAggregateName(name string) bool {
	n := graph.NormalizeName(name)
	return n == "various" || strings.HasPrefix(n, "various ") || n == "other" || n == "others" ||
		strings.HasPrefix(n, "other ") || n == "rest of world" || n == "rest of the world"
}
