package ui_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// browser drives one Chromium tab against an env, counting the keys and
// clicks of the steps it is told to count.
type browser struct {
	t      *testing.T
	e      *env
	ctx    context.Context
	dir    string // folder for screenshots
	prefix string
	keys   int
	clicks int
}

// chromium finds Debian's Chromium. Without it the browser tests skip
// locally and fail in CI, where .ci/run installs it.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed (apt-get install -y chromium)")
	}
	t.Skip("chromium is not installed; the browser tests need it")
	return ""
}

func newBrowser(t *testing.T, e *env, prefix string) *browser {
	path := chromium(t)
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.NoFirstRun, chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-default-browser-check", true), chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900), chromedp.Flag("lang", "hi-IN")}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // start the browser without a timeout
		t.Fatal(err)
	}
	return &browser{t: t, e: e, ctx: ctx, dir: screensDir(t), prefix: prefix}
}

// screensDir is testout/screens at the repository root.
func screensDir(t *testing.T) string {
	dir, _ := os.Getwd()
	for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			out := filepath.Join(d, "testout", "screens")
			if err := os.MkdirAll(out, 0o755); err != nil {
				t.Fatal(err)
			}
			return out
		}
	}
	t.Fatal("no go.mod above " + dir)
	return ""
}

func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.fail(err)
	}
}

func (b *browser) fail(err error) {
	b.t.Helper()
	b.shot("failure")
	html, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 3000) : ""`))
	loc, _ := chromedp.Run(b.ctx, chromedp.Location())
	b.t.Fatalf("%v\nat %s\n%s", err, loc, html)
}

func (b *browser) eval(js string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		b.fail(err)
	}
	return s
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.fail(err)
	}
	return s
}

// waitFor polls a JavaScript condition until it holds. Errors while a page
// is being replaced (no execution context yet) only mean "not yet".
func (b *browser) waitFor(js string) {
	b.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	var last error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+js+")"))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(40 * time.Millisecond)
	}
	b.fail(fmt.Errorf("waiting for %s: %v", js, last))
}

// waitPage waits until the page at a path containing part has loaded.
func (b *browser) waitPage(part string) {
	b.t.Helper()
	b.waitFor(fmt.Sprintf(`location.href.includes(%q) && document.readyState === "complete"`, part))
}

func (b *browser) open(path string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.e.srv.URL + path))
}

// typeKeys types into the focused element, counting each character.
func (b *browser) typeKeys(s string) {
	b.t.Helper()
	b.keys += len([]rune(s))
	b.do(chromedp.KeyEvent(s))
}

// press presses one key (or chord), counted as one keystroke.
func (b *browser) press(key string, opts ...chromedp.KeyOption) {
	b.t.Helper()
	b.keys++
	b.do(chromedp.KeyEvent(key, opts...))
}

func (b *browser) click(sel string) {
	b.t.Helper()
	b.clicks++
	b.do(chromedp.Click(chromedp.CSS(sel)))
}

func (b *browser) fill(sel, text string) {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), text))
}

// login signs in through the form, after dropping the previous session.
func (b *browser) login(user string) {
	b.t.Helper()
	b.do(chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, network.ClearBrowserCookies, cdp.Empty{})
		return err
	}))
	b.open("/login")
	b.fill("#f-username", user)
	b.fill("#f-password", demoPassword)
	b.do(chromedp.KeyEvent(kb.Enter))
	b.waitFor(`!location.pathname.startsWith("/login") && document.readyState === "complete"`)
}

// shot saves a screenshot of the page as it is.
func (b *browser) shot(name string) {
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Logf("screenshot %s: %v", name, err)
		return
	}
	file := filepath.Join(b.dir, b.prefix+"-"+name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Errorf("save screenshot: %v", err)
	}
}

// shots saves the page in Hindi and in English (switching with the page's
// own toggle, and back), at width px.
func (b *browser) shots(name string, width int64) {
	b.t.Helper()
	b.do(chromedp.EmulateViewport(width, 800))
	defer b.do(chromedp.EmulateViewport(1280, 900))
	if b.eval(`document.documentElement.lang`) != "hi" {
		b.switchLang("hi")
	}
	b.shot(name + "-hi")
	b.switchLang("en")
	b.shot(name + "-en")
	b.switchLang("hi")
}

// switchLang presses the language toggle and waits for the page to come back
// in that language.
func (b *browser) switchLang(l string) {
	b.t.Helper()
	b.do(chromedp.Click(chromedp.CSS(`.langs button[value="` + l + `"]`)))
	b.waitFor(fmt.Sprintf(`document.documentElement.lang === %q && document.readyState === "complete"`, l))
}

// pngFile writes a small photo-like PNG and returns its path.
func pngFile(t *testing.T) string {
	img := image.NewRGBA(image.Rect(0, 0, 96, 64))
	for x := 0; x < 96; x++ {
		for y := 0; y < 64; y++ {
			img.Set(x, y, color.RGBA{uint8(40 + x), uint8(120 + y), 60, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "site-inspection.png")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// pickOption waits for the typeahead list to offer id and moves the active
// option onto it with the arrow keys (counted).
func (b *browser) pickOption(list string, id int64) {
	b.t.Helper()
	sel := fmt.Sprintf(`#%s li[data-value="%d"]`, list, id)
	b.waitFor(fmt.Sprintf(`document.querySelector(%q) !== null`, sel))
	idx := b.eval(fmt.Sprintf(`String(Array.from(document.querySelectorAll("#%s li[data-value]")).findIndex(li => li.dataset.value === "%d"))`, list, id))
	var n int
	fmt.Sscan(idx, &n)
	for i := 0; i < n; i++ {
		b.press(kb.ArrowDown)
	}
	b.press(kb.Enter)
}

func (b *browser) complaintState() (status string, level int, post int64) {
	b.t.Helper()
	row, err := b.e.st.ComplaintRowByRef(context.Background(), b.e.ref)
	if err != nil {
		b.t.Fatal(err)
	}
	return string(row.Status), row.Level, row.AccountablePostID
}
