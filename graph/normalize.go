package graph

import (
	"strings"
	"unicode"
)

var accentFold = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'æ': "ae", 'ç': "c",
	'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ì': "i", 'í': "i", 'î': "i", 'ï': "i",
	'ñ': "n", 'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ù': "u",
	'ú': "u", 'û': "u", 'ü': "u", 'ý': "y", 'ÿ': "y", 'ß': "ss", 'œ': "oe",
}

func foldAccents(s string) string {
	var b strings.Builder
	for _, r := range s {
		lr := unicode.ToLower(r)
		if f, ok := accentFold[lr]; ok {
			if unicode.IsUpper(r) {
				f = strings.ToUpper(f)
			}
			b.WriteString(f)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// NormalizeName folds a name for matching: lower case, accents removed,
// punctuation dropped, whitespace collapsed, and common corporate suffixes
// ("co", "ltd", "inc", "corporation", ...) removed. Search, the ETO crosswalk
// and the screening-list matcher all use it so that they agree.
func NormalizeName(s string) string {
	s = strings.ToLower(foldAccents(s))
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		default:
			b.WriteByte(' ')
		}
	}
	words := strings.Fields(b.String())
	out := words[:0]
	for _, w := range words {
		if corporateSuffix[w] {
			continue
		}
		out = append(out, w)
	}
	if len(out) == 0 {
		return strings.Join(words, " ")
	}
	return strings.Join(out, " ")
}

var corporateSuffix = map[string]bool{
	"co": true, "company": true, "corp": true, "corporation": true, "inc": true, "incorporated": true,
	"ltd": true, "limited": true, "llc": true, "plc": true, "ag": true, "nv": true, "bv": true,
	"sa": true, "gmbh": true, "kk": true, "the": true, "holdings": true, "group": true,
}
