package api

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// TestWebSelfContained checks that our own pages, scripts and styles name
// no other host: everything they load is under /assets (the browser tests
// check what a page actually requests).
func TestWebSelfContained(t *testing.T) {
	absolute := regexp.MustCompile(`(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}`)
	err := fs.WalkDir(web, "web", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(path, "web/vendor/") {
			return err
		}
		b, err := web.ReadFile(path)
		if err != nil {
			return err
		}
		// The SVG namespace is a name, not a place anything is fetched from.
		text := strings.ReplaceAll(string(b), "'http://www.w3.org/2000/svg'", "")
		for _, m := range absolute.FindAllString(text, -1) {
			t.Errorf("%s names another host: %s", path, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWebRoutes(t *testing.T) {
	srv := newTestServer(t, fixture(), Options{})
	for _, tc := range []struct {
		path        string
		status      int
		contentType string
	}{
		{"/?query=x", 200, "text/html; charset=utf-8"},
		{"/dashboard", 200, "text/html; charset=utf-8"},
		{"/dashboard/", 301, ""},
		{"/assets/playground.js", 200, "text/javascript; charset=utf-8"},
		{"/assets/vendor/graphiql@4.1.2/graphiql.min.css", 200, "text/css; charset=utf-8"},
		{"/assets/vendor/cytoscape@3.35.0/dist/cytoscape.esm.min.mjs", 200, "text/javascript; charset=utf-8"},
		{"/assets/vendor/", 404, ""},
		{"/assets/playground.html", 404, ""},
		{"/assets/nope.js", 404, ""},
	} {
		t.Run(tc.path, func(t *testing.T) {
			rec := serve(t, srv, httptest.NewRequest(http.MethodGet, tc.path, nil))
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d", rec.Code, tc.status)
			}
			if tc.contentType != "" && rec.Header().Get("Content-Type") != tc.contentType {
				t.Errorf("Content-Type %q, want %q", rec.Header().Get("Content-Type"), tc.contentType)
			}
			if rec.Code == 200 && rec.Header().Get("Content-Security-Policy") != contentSecurityPolicy {
				t.Errorf("Content-Security-Policy %q", rec.Header().Get("Content-Security-Policy"))
			}
		})
	}
	if !strings.Contains(contentSecurityPolicy, "default-src 'self'") || strings.Contains(contentSecurityPolicy, "http") {
		t.Errorf("the policy must allow this server only: %s", contentSecurityPolicy)
	}
}

// TestWebGzip: scripts and styles go compressed to a client that accepts
// gzip, and decompress to the embedded file.
func TestWebGzip(t *testing.T) {
	srv := newTestServer(t, fixture(), Options{})
	const asset = "/assets/vendor/graphiql@4.1.2/graphiql.min.js"
	want, err := web.ReadFile("web/vendor/graphiql@4.1.2/graphiql.min.js")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		accept string
		gzip   bool
	}{
		{"gzip, deflate, br", true},
		{"br;q=1.0, gzip;q=0.8", true},
		{"gzip;q=0", false},
		{"", false},
		{"identity", false},
	} {
		t.Run(tc.accept, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, asset, nil)
			req.Header.Set("Accept-Encoding", tc.accept)
			rec := serve(t, srv, req)
			if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/javascript; charset=utf-8" ||
				!strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
				t.Fatalf("status %d, headers %v", rec.Code, rec.Header())
			}
			body := rec.Body.Bytes()
			if gz := rec.Header().Get("Content-Encoding") == "gzip"; gz != tc.gzip {
				t.Fatalf("Content-Encoding %q, want gzip: %v", rec.Header().Get("Content-Encoding"), tc.gzip)
			}
			if tc.gzip {
				if len(body) > len(want)/2 {
					t.Errorf("compressed to %d of %d bytes", len(body), len(want))
				}
				zr, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				if body, err = io.ReadAll(zr); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(body, want) {
				t.Errorf("body differs from the embedded file (%d vs %d bytes)", len(body), len(want))
			}
		})
	}
}
