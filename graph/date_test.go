package graph

import "testing"

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Date
		err  string
	}{
		{"2025-06-01", 20250601, ""},
		{"2024-02-29", 20240229, ""},
		{"", 0, ""},
		{"2023-02-30", 0, `bad date "2023-02-30": the day does not exist (February 2023 has 28 days)`},
		{"2023-02-29", 0, `bad date "2023-02-29": the day does not exist (February 2023 has 28 days)`},
		{"2025-04-31", 0, `bad date "2025-04-31": the day does not exist (April 2025 has 30 days)`},
		{"2025-01-00", 0, `bad date "2025-01-00": the day does not exist (January 2025 has 31 days)`},
		{"2025-13-01", 0, `bad date "2025-13-01": there is no month 13 (months run 01 to 12)`},
		{"2025-00-10", 0, `bad date "2025-00-10": there is no month 00 (months run 01 to 12)`},
		{"2025/06/01", 0, `bad date "2025/06/01": want YYYY-MM-DD`},
		{"2025-6-1", 0, `bad date "2025-6-1": want YYYY-MM-DD`},
		{"today", 0, `bad date "today": want YYYY-MM-DD`},
		{"1899-12-31", 0, `bad date "1899-12-31": year out of range 1900-2100`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseDate(tc.in)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("error %v, want %s", err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
		})
	}
}
