package graph

import "testing"

// FuzzParseID: whatever the input, ParseID does not panic, and an ID it
// accepts has a kind with a label and survives Slug/Kind unchanged.
func FuzzParseID(f *testing.F) {
	for _, s := range []string{"firm:huawei", "country:CHN", "country:chn", "observation:a.b_c-1", "Firm:A", ":", "event:", "x:y", "firm:ü"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseID(s)
		if err != nil {
			return
		}
		if string(id) != s || id.Kind().Label() == "" || id.Slug() == "" {
			t.Errorf("ParseID(%q) = %q: kind %q slug %q", s, id, id.Kind(), id.Slug())
		}
	})
}

// FuzzParseDate: an accepted date prints back as itself.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2025-01-16", "2023-02-30", "2024-02-29", "1900-01-01", "2100-12-31", "25-1-1", "", "2025-13-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if d.String() != s {
			t.Errorf("ParseDate(%q) = %s", s, d)
		}
	})
}
