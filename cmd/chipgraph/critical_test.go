package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestCriticalReportMatchesHTTP: `chipgraph report critical-suppliers`
// prints what GET /reports/critical-suppliers.{json,csv} serves for the same
// parameters, but for the generation time.
func TestCriticalReportMatchesHTTP(t *testing.T) {
	h := bundledHandler(t)
	tests := []struct {
		args  []string
		query string
	}{
		{[]string{"--of", "input:7nm-class-logic-process", "--for", "firm:smic", "--as-of", "2025-06-01"},
			"of=input:7nm-class-logic-process&for=firm:smic&asOf=2025-06-01"},
		{[]string{"--of", "product:ascend-910c", "--as-of", "2025-06-01", "--ignore-controls", "--threshold", "5"},
			"of=product:ascend-910c&asOf=2025-06-01&ignoreControls=true&threshold=5"},
	}
	for _, tc := range tests {
		for _, format := range []string{"json", "csv"} {
			t.Run(format+" "+tc.query, func(t *testing.T) {
				args := append([]string{"report", "critical-suppliers", "--format", format}, tc.args...)
				code, stdout, stderr := runCmd(t, args...)
				if code != exitOK || stderr != "" {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/reports/critical-suppliers."+format+"?"+tc.query, nil))
				if rec.Code != http.StatusOK {
					t.Fatalf("HTTP %d: %s", rec.Code, rec.Body)
				}
				got, want := withoutGenerationTime(t, format, stdout), withoutGenerationTime(t, format, rec.Body.String())
				if got != want {
					t.Errorf("the command printed\n%.2000s\nthe server sent\n%.2000s", got, want)
				}
				// At 10 % ASML takes down both lithography alternatives; at 5 %,
				// Nikon's 9 % of ArF immersion is enough.
				if asml := strings.Contains(stdout, "firm:asml"); asml == strings.Contains(tc.query, "threshold=5") {
					t.Errorf("ASML listed: %v:\n%.1000s", asml, stdout)
				}
			})
		}
	}
}

func TestCriticalReportCommandErrors(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		wantCode   int
		wantStderr string
	}{
		{[]string{"critical-suppliers"}, exitUsage, "--of: required"},
		{[]string{"critical-suppliers", "--of", "product:nope"}, exitFailure, "--of: no node product:nope"},
		{[]string{"critical-suppliers", "--of", "product:h100", "--for", "input:hbm"}, exitUsage, "--for:"},
		{[]string{"critical-suppliers", "--of", "product:h100", "--threshold", "200"}, exitUsage, "--threshold:"},
		{[]string{"critical-suppliers", "--of", "product:h100", "--first", "3"}, exitUsage, "--first belongs to the chokepoints report"},
		{[]string{"chokepoints", "--for", "firm:smic"}, exitUsage, "--for belongs to the critical-suppliers report"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCmd(t, append([]string{"report"}, tc.args...)...)
			if code != tc.wantCode || !strings.Contains(stderr, tc.wantStderr) || stdout != "" {
				t.Errorf("exit %d, stderr %q, stdout %.100q; want %d and %q", code, stderr, stdout, tc.wantCode, tc.wantStderr)
			}
		})
	}
}
