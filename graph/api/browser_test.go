package api

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// The browser tests load chipgraph's pages in a real headless Chromium,
// driven over the DevTools protocol by chromedp (a maintained, pure-Go
// driver: no Node, no WebDriver server, and the protocol's events give us
// every request and console message). The browser runs with every host name
// unresolvable, as on a machine without internet access, and each test fails
// on any console error, uncaught exception, CSP violation or request to a
// host other than the server's.
//
// Without a Chromium the tests skip with a message; CHIPGRAPH_REQUIRE_BROWSER=1
// (set by CI) makes that a failure. CHIPGRAPH_CHROMIUM names the binary if it
// is not chromium, chromium-browser or google-chrome on PATH. Screenshots are
// written to CHIPGRAPH_SCREENSHOT_DIR (default: chipgraph-screenshots in the
// system's temporary folder); the test output names each file.

// browser is one headless Chromium tab pointed at a test server.
type browser struct {
	t      *testing.T
	ctx    context.Context
	base   *url.URL
	shots  string
	mu     sync.Mutex
	errors []string // console errors, exceptions, log errors
	away   []string // requests to other hosts
}

func chromiumPath() string {
	if p := os.Getenv("CHIPGRAPH_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// newBrowser starts a Chromium tab against a server on the bundled dataset.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	exe := chromiumPath()
	if exe == "" {
		msg := "no Chromium found (install Debian's chromium package, or set CHIPGRAPH_CHROMIUM); browser tests skipped"
		if os.Getenv("CHIPGRAPH_REQUIRE_BROWSER") == "1" {
			t.Fatal(msg + ", but CHIPGRAPH_REQUIRE_BROWSER=1")
		}
		t.Skip(msg)
	}
	hs := httptest.NewServer(bundledServer(t))
	t.Cleanup(hs.Close)
	base, _ := url.Parse(hs.URL)

	shots := os.Getenv("CHIPGRAPH_SCREENSHOT_DIR")
	if shots == "" {
		shots = filepath.Join(os.TempDir(), "chipgraph-screenshots")
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox cannot start
		chromedp.WindowSize(1280, 900),
		// No name resolves: a page that reached for a CDN would fail here as
		// it does offline (and the request would be reported below).
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.Flag("no-proxy-server", true),
	)
	b := &browser{t: t, base: base, shots: shots}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx, chromedp.WithListener(b.listen))
	ctx, cancelTime := context.WithTimeout(ctx, 120*time.Second)
	t.Cleanup(func() { cancelTime(); cancelTab(); cancelAlloc() })
	b.ctx = ctx
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", exe, err)
	}
	for _, err := range []error{
		call(ctx, log.Enable, struct{}{}),
		call(ctx, runtime.Enable, struct{}{}),
		call(ctx, network.Enable, network.EnableParams{}),
	} {
		if err != nil {
			t.Fatalf("starting %s: %v", exe, err)
		}
	}
	t.Cleanup(b.check)
	return b
}

func call[P, R any](ctx context.Context, cmd cdp.Command[P, R], p P) error {
	_, err := chromedp.Call(ctx, cmd, p)
	return err
}

// listen records console errors, exceptions, CSP violations and requests to
// other hosts. It runs in chromedp's event loop, so it only appends.
func (b *browser) listen(ev any) {
	base := b.base
	{
		b.mu.Lock()
		defer b.mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeWarning && strings.Contains(consoleText(ev.Args), "Content Security Policy") {
				b.errors = append(b.errors, "console."+string(ev.Type)+": "+consoleText(ev.Args))
			}
		case *runtime.EventExceptionThrown:
			msg := ev.ExceptionDetails.Text
			if ev.ExceptionDetails.Exception != nil {
				msg += " " + ev.ExceptionDetails.Exception.Description
			}
			b.errors = append(b.errors, "exception: "+msg)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError {
				b.errors = append(b.errors, fmt.Sprintf("log %s: %s (%s)", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL))
			}
		case *network.EventRequestWillBeSent:
			u, err := url.Parse(ev.Request.URL)
			if err != nil || (u.Scheme != "data" && u.Scheme != "blob" && u.Host != base.Host) {
				b.away = append(b.away, ev.Request.URL)
			}
		}
	}
}

func consoleText(args []*runtime.RemoteObject) string {
	var parts []string
	for _, a := range args {
		if a.Value != nil {
			parts = append(parts, strings.Trim(string(a.Value), `"`))
		} else {
			parts = append(parts, a.Description)
		}
	}
	return strings.Join(parts, " ")
}

// check fails the test on any console error or request to another host.
func (b *browser) check() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.errors {
		b.t.Errorf("browser: %s", e)
	}
	for _, u := range b.away {
		b.t.Errorf("request to another host: %s", u)
	}
}

// run runs actions, failing the test with what was being done.
func (b *browser) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// url is the absolute URL of path on the test server.
func (b *browser) url(path string) string { return b.base.String() + path }

// screenshot writes the page to NAME.png in the screenshot folder.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(b.shots, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", path)
}

// text is the visible text of the first node matching sel.
func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("reading %s: %v", sel, err)
	}
	return s
}

// waitText waits until the first node matching sel shows want.
func (b *browser) waitText(sel, want string) {
	b.t.Helper()
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && e.innerText.includes(%q); })()`, sel, want)
	b.run(fmt.Sprintf("waiting for %q in %s", want, sel), pollVoid(js))
}

// pollVoid waits until the expression is truthy.
func pollVoid(js string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Poll[any](js, chromedp.WithPollingTimeout(30*time.Second))(ctx, t)
		return chromedp.Void{}, err
	}
}

// TestBrowserPlayground opens / as a new user would and runs the example
// query the page opens with.
func TestBrowserPlayground(t *testing.T) {
	b := newBrowser(t)
	b.run("opening /", chromedp.Navigate(b.url("/")),
		chromedp.WaitVisible(chromedp.CSS(`.graphiql-execute-button`)))
	b.run("running the example", chromedp.Click(chromedp.CSS(`.graphiql-execute-button`)))
	b.waitText(`.graphiql-response`, `"name": "Huawei"`)
	b.screenshot("playground")

	// The explorer plugin is there and lists the schema's root fields.
	b.run("opening the explorer", chromedp.Click(chromedp.CSS(`button[aria-label="Show GraphiQL Explorer"]`), chromedp.NodeVisible))
	b.waitText(`.graphiql-explorer-root`, "chokepoints")
	b.screenshot("playground-explorer")

	// The README's first query, from a link.
	b.run("opening the README's query", chromedp.Navigate(b.url("/?"+url.Values{"query": {readmeQuery}}.Encode())),
		chromedp.WaitVisible(chromedp.CSS(`.graphiql-execute-button`)), chromedp.Click(chromedp.CSS(`.graphiql-execute-button`)))
	b.waitText(`.graphiql-response`, `"title"`)
}

// readmeQuery is the query the README's "Two commands" section asks a new
// user to try in the playground.
const readmeQuery = `{ node(id: "firm:huawei") { id name sources { title url } } }`

// eval evaluates a JavaScript expression in the page.
func eval[T any](b *browser, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

// open loads a dashboard link and waits until its view has rendered.
func (b *browser) open(link, view string) {
	b.t.Helper()
	b.run("opening "+link, chromedp.Navigate(b.url(link)))
	b.run("waiting for the "+view+" view", pollVoid(fmt.Sprintf(`document.querySelector('main').dataset.ready === %q`, view)))
	if msg := eval[string](b, `(document.querySelector('main [role=alert]') || {}).innerText || ''`); msg != "" {
		b.t.Fatalf("%s shows an error: %s", link, msg)
	}
	unlabelled := eval[[]string](b, `[...document.querySelectorAll('input, select, textarea')]
		.filter((e) => e.type !== 'hidden' && !e.labels.length && !e.getAttribute('aria-label')).map((e) => e.outerHTML)`)
	for _, e := range unlabelled {
		b.t.Errorf("%s: a control without a label: %s", link, e)
	}
}

// downloads clicks the button the JavaScript expression finds and checks
// that the page offers a file named filename (a blob: link clicked with a
// download attribute; the click is recorded rather than followed).
func (b *browser) downloads(button, filename string) {
	b.t.Helper()
	eval[bool](b, `(() => {
		window.chipgraphDownloads = [];
		HTMLAnchorElement.prototype.click = function () { window.chipgraphDownloads.push([this.download, this.href]); };
		(`+button+`).click();
		return true;
	})()`)
	b.run("waiting for "+filename, pollVoid(fmt.Sprintf(
		`window.chipgraphDownloads.some(([name, href]) => name === %q && href.startsWith('blob:'))`, filename)))
}

// TestBrowserWatcher checks that the browser tests would notice a page
// reaching for another host (the requests other tests assert there are none
// of).
func TestBrowserWatcher(t *testing.T) {
	b := newBrowser(t)
	_ = chromedp.Do(b.ctx, chromedp.Navigate("http://cdn.chipgraph.example/x.js")) // fails: no name resolves
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.away) != 1 || !strings.Contains(b.away[0], "cdn.chipgraph.example") {
		t.Errorf("requests to other hosts recorded: %q", b.away)
	}
	b.away, b.errors = nil, nil
}

// TestBrowserDashboard loads each view of the dashboard on the bundled data
// and checks what it shows.
func TestBrowserDashboard(t *testing.T) {
	b := newBrowser(t)
	version := bundledServer(t).Holder().Snapshot().Version()

	t.Run("chokepoints", func(t *testing.T) {
		b.t = t
		b.open("/dashboard?view=chokepoints&asOf=2025-06-01", "chokepoints")
		// Time to first render, from the start of navigation (reported, not asserted).
		t.Logf("time to first render of /dashboard (chokepoints view): %s ms", eval[string](b, `document.documentElement.dataset.firstRender`))
		if got := eval[string](b, `location.search`); !strings.Contains(got, "asOf=2025-06-01") || !strings.Contains(got, "v="+version) {
			t.Errorf("the link lacks the as-of date or the dataset version %s: %s", version, got)
		}
		if n := eval[int](b, `document.querySelectorAll('main table tbody tr').length`); n != 20 {
			t.Errorf("%d rows, want 20", n)
		}
		if n := eval[int](b, `document.querySelectorAll('main svg.chart rect.bar').length`); n != 20 {
			t.Errorf("%d bars, want 20", n)
		}
		if href := eval[string](b, `[...document.querySelectorAll('main a')].find((a) => a.textContent === 'Download CSV').getAttribute('href')`); href != "/reports/chokepoints.csv?asOf=2025-06-01&first=20" {
			t.Errorf("CSV link %q", href)
		}
		b.downloads(`[...document.querySelectorAll('main button')].find((e) => e.textContent === 'Download chart (PNG)')`, "chokepoints-2025-06-01.png")
		b.screenshot("dashboard-chokepoints")

		// The item picker suggests from Query.search as one types, and
		// choosing an item ranks the inputs upstream of it.
		b.run("typing in the item picker", chromedp.SendKeys(chromedp.CSS("#of"), "ascend 910"))
		b.run("waiting for suggestions", pollVoid(`!!document.querySelector('#of-options option[value="product:ascend-910c"]')`))
		b.run("choosing the Ascend 910C", chromedp.SetValue(chromedp.CSS("#of"), "product:ascend-910c"),
			chromedp.Evaluate[chromedp.Void](`document.querySelector('#of').dispatchEvent(new Event('change'))`))
		b.run("waiting for the upstream ranking", pollVoid(`location.search.includes('of=product%3Aascend-910c') && document.querySelector('main').dataset.ready === 'chokepoints'`))
		b.waitText("main h2", "upstream of product:ascend-910c")
		// The critical suppliers of the item (Query.knockouts): ASML and the
		// Netherlands take down both lithography alternatives.
		b.waitText("main section.critical table.knockouts", "ASML")
		b.waitText("main section.critical", "Netherlands")
		b.screenshot("dashboard-chokepoints-ascend-910c")
	})
	t.Run("a link made with another dataset version says so", func(t *testing.T) {
		b.t = t
		b.open("/dashboard?view=chokepoints&asOf=2025-06-01&v=000000000000", "chokepoints")
		b.waitText("#notice", "This link was made with dataset version 000000000000; this server holds "+version)
		b.run("changing the date", chromedp.SetValue(chromedp.CSS("#asOf"), "2025-01-01"),
			chromedp.Evaluate[chromedp.Void](`document.querySelector('#asOf').dispatchEvent(new Event('change'))`))
		b.run("waiting for the new date", pollVoid(`location.search.includes('asOf=2025-01-01') && location.search.includes('v=`+version+`')`))
	})
	t.Run("dependencies", func(t *testing.T) {
		b.t = t
		b.open("/dashboard?view=dependencies&asOf=2025-06-01&item=product:ascend-910c", "dependencies")
		b.waitText("#dep-table", "ASML")
		b.waitText("#dep-table", "(OR ")
		if n := eval[int](b, `document.querySelectorAll('#graph canvas').length`); n == 0 {
			t.Error("Cytoscape drew no canvas")
		}
		if !strings.Contains(b.text("#dep-table"), "⚑") {
			t.Error("no item is marked as under a control on 2025-06-01")
		}
		b.run("selecting ASML", chromedp.Click(chromedp.CSS(`#dep-table button`), chromedp.NodeVisible))
		b.waitText("#dep-details", "tier")
		b.screenshot("dashboard-dependencies")
	})
	t.Run("an unknown item is reported, not a blank page", func(t *testing.T) {
		b.t = t
		b.run("opening a link to an unknown item", chromedp.Navigate(b.url("/dashboard?view=dependencies&asOf=2025-06-01&item=product:nope")))
		b.waitText("main [role=alert]", "product:nope")
	})
	t.Run("controls", func(t *testing.T) {
		b.t = t
		b.open("/dashboard?view=controls&asOf=2025-06-01", "controls")
		b.waitText("#events", "2022-10-07")
		b.waitText("#events", "Advanced computing and semiconductor manufacturing items rule (October 2022)")
		if href := eval[string](b, `[...document.querySelectorAll('#events a')].find((a) => a.textContent === '87 FR 62186').href`); !strings.HasPrefix(href, "https://") {
			t.Errorf("the October 2022 rule's citation links to %q", href)
		}
		b.waitText("#events", "suspended")
		b.waitText("#events", "licences granted")
		b.open("/dashboard?view=controls&asOf=2025-06-01&issuer=country:NLD", "controls")
		if got := b.text("#events caption"); strings.HasPrefix(got, eval[string](b, `String(document.querySelectorAll('#events tbody tr').length)`)+" of ") == false {
			t.Errorf("caption %q", got)
		}
		if strings.Contains(b.text("#events tbody"), "87 FR 62186") {
			t.Error("the issuer filter kept a US rule")
		}
		b.downloads(`[...document.querySelectorAll('main button')].find((e) => e.textContent === 'Download CSV')`, "control-events-2025-06-01.csv")
		b.downloads(`[...document.querySelectorAll('main button')].find((e) => e.textContent === 'Download timeline (PNG)')`, "controls-timeline-2025-06-01.png")
		b.screenshot("dashboard-controls")
	})
	t.Run("access", func(t *testing.T) {
		b.t = t
		cell := `button[data-item="product:h20"][data-for="country:CHN"]`
		for _, tc := range []struct{ asOf, want, why string }{
			{"2025-06-01", "BLOCKED", "Licence requirement for Nvidia H20"},
			{"2025-09-01", "LICENSED", "granted by"},
		} {
			b.open("/dashboard?view=access&asOf="+tc.asOf, "access")
			if got := eval[string](b, `document.querySelector('`+cell+`').dataset.status`); got != tc.want {
				t.Errorf("H20 for China on %s: %s, want %s", tc.asOf, got, tc.want)
			}
			// By keyboard: focus the cell and press Enter.
			b.run("explaining the H20 cell", chromedp.Focus(chromedp.CSS(cell)), chromedp.KeyEvent("\r"))
			b.waitText("#access-details", tc.why)
			b.screenshot("dashboard-access-" + tc.asOf)
		}
		// Law and fact: the Ascend 910C is blocked for Huawei and observed
		// nevertheless (TechInsights' teardowns), and the cell says both.
		ascend := `button[data-item="product:ascend-910c"][data-for="firm:huawei"]`
		b.open("/dashboard?view=access&asOf=2025-06-01", "access")
		if got := eval[string](b, `document.querySelector('`+ascend+`').dataset.status + ' ' + document.querySelector('`+ascend+`').textContent`); !strings.Contains(got, "BLOCKED") || !strings.Contains(got, "observed") {
			t.Errorf("Ascend 910C for Huawei: %q, want BLOCKED and observed", got)
		}
		b.run("explaining the Ascend cell", chromedp.Focus(chromedp.CSS(ascend)), chromedp.KeyEvent("\r"))
		b.waitText("#access-details", "Observed nevertheless")
		b.screenshot("dashboard-access-observed")
	})
	t.Run("scenario", func(t *testing.T) {
		b.t = t
		b.open("/dashboard?view=scenario&asOf=2025-06-01", "scenario")
		b.waitText("#scenario-result", "Newly infeasible: 4")
		b.run("removing a control and running again", chromedp.Click(chromedp.CSS(`[data-remove="1"]`)),
			chromedp.Click(chromedp.CSS(`#scenario-form button[type=submit]`)))
		b.run("waiting for the new result", pollVoid(`location.search.includes('sc=') && document.querySelector('main').dataset.ready === 'scenario'`))
		if got := eval[int](b, `document.querySelectorAll('#scenario-form fieldset').length`); got != 1 {
			t.Errorf("%d controls after removing one of two", got)
		}
		b.screenshot("dashboard-scenario")
	})
	b.t = t
}
