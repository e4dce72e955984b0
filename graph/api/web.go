package api

import (
	"bytes"
	"compress/gzip"
	"embed"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
)

// web holds chipgraph's pages and everything they load: our own HTML, CSS
// and JavaScript, and under web/vendor the third-party files copied byte for
// byte from the npm tarballs pinned in web/vendor/PINS (scripts/vendor-web
// writes and checks them). Nothing a page needs comes from another host, so
// the pages work offline and behind restrictive proxies, and
// contentSecurityPolicy tells the browser to refuse anything else.
//
//go:embed web
var web embed.FS

// contentSecurityPolicy allows a page to load scripts, styles, fonts and
// images only from this server (fonts and icons inlined as data: URLs by
// GraphiQL's stylesheet; blob: for exported PNGs) and to talk only to this
// server. No inline script or style is allowed but one: the <style> element
// Cytoscape.js 3.35.0 inserts, allowed by its hash (the browser tests fail
// on any CSP violation, so a new version with other contents is noticed).
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; " +
	"style-src 'self' '" + cytoscapeStyleHash + "'; " +
	"img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"

// cytoscapeStyleHash is the CSP hash of the style element Cytoscape.js
// inserts into the page.
const cytoscapeStyleHash = "sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8="

// handleWeb adds the routes of the dashboard and of the embedded assets:
//
//	GET /dashboard           the dashboard's page (the view and its state are in the query string)
//	GET /assets/PATH         web/PATH; vendor files, whose paths carry their version, are cached for a year
//
// Scripts and styles are sent gzip-compressed to clients that accept it
// (GraphiQL's script and style, 1.5 MB, become 0.6 MB), each compressed once, on its first
// request, since embedded files never change while the binary runs.
func (s *Server) handleWeb() {
	assets, err := fs.Sub(web, "web")
	if err != nil {
		panic(err) // web is embedded at build time; a missing folder is a build error
	}
	files := http.FileServerFS(assets)
	var gzipped sync.Map // asset path -> *gzipAsset
	s.Handle("GET /dashboard", "dashboard", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		servePage(w, r, "web/dashboard/index.html")
	}))
	s.Handle("GET /dashboard/", "dashboard", http.RedirectHandler("/dashboard", http.StatusMovedPermanently))
	s.Handle("GET /assets/", "assets", http.StripPrefix("/assets", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") || strings.HasSuffix(r.URL.Path, ".html") {
			http.NotFound(w, r) // no listings; pages have their own routes
			return
		}
		h := w.Header()
		if strings.HasPrefix(r.URL.Path, "/vendor/") {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		ext := path.Ext(r.URL.Path)
		if ext == ".js" || ext == ".mjs" || ext == ".css" {
			h.Add("Vary", "Accept-Encoding")
			if acceptsGzip(r) {
				v, _ := gzipped.LoadOrStore(r.URL.Path, &gzipAsset{})
				if body, ok := v.(*gzipAsset).get(assets, strings.TrimPrefix(r.URL.Path, "/")); ok {
					h.Set("Content-Type", mime.TypeByExtension(ext))
					h.Set("Content-Encoding", "gzip")
					h.Set("Content-Length", strconv.Itoa(len(body)))
					if r.Method != http.MethodHead {
						_, _ = w.Write(body)
					}
					return
				}
			}
		}
		files.ServeHTTP(w, r)
	})))
}

// gzipAsset is the gzip form of an embedded file, made once.
type gzipAsset struct {
	once sync.Once
	body []byte
	ok   bool // false: no such file
}

func (a *gzipAsset) get(fsys fs.FS, name string) ([]byte, bool) {
	a.once.Do(func() {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // a valid level cannot fail
		_, _ = zw.Write(raw)                                     // writes to a bytes.Buffer cannot fail
		_ = zw.Close()
		a.body, a.ok = buf.Bytes(), true
	})
	return a.body, a.ok
}

// acceptsGzip reports whether the request's Accept-Encoding allows gzip.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// servePage writes the embedded HTML page at name with the page's security
// headers.
func servePage(w http.ResponseWriter, r *http.Request, name string) {
	page, err := web.ReadFile(name)
	if err != nil {
		panic(err) // the page is embedded at build time
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-cache")
	if r.Method != http.MethodHead {
		_, _ = w.Write(page)
	}
}
