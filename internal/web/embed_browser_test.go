package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/placard/placard/internal/browsertest"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/store"
)

// listen opens a loopback listener on a port chosen now, and its origin.
func listen(t *testing.T) (net.Listener, string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return l, "http://" + l.Addr().String()
}

// serveOn serves h on l until the test ends.
func serveOn(t *testing.T, l net.Listener, h http.Handler) {
	t.Helper()
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	t.Cleanup(func() { _ = srv.Close() })
}

// partnerPage serves one HTML page holding body, as a partner site would,
// and at /tampered the same page with the script's integrity value
// changed, as if the script had been altered.
func partnerPage(body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page := body
		switch r.URL.Path {
		case "/":
		case "/tampered":
			page = strings.Replace(body, `integrity="sha384-`, `integrity="sha384-AAAA`, 1)
		default:
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><link rel=\"icon\" href=\"data:,\"><title>Partner</title></head>"+
			"<body><h1>Our partner's campaign</h1>%s</body></html>", page)
	})
}

// TestEmbedInBrowser runs the embed as a partner's readers meet it, in
// headless Chromium with three loopback origins (a different port is a
// different origin): Placard on P1, a partner on P2 that org.yaml lists,
// and a site on P3 that it does not. On P2 the partner script loads
// (cross-origin, with its integrity checked), the embed renders and sends
// its height, and the iframe takes it; a signature sent from inside the
// frame is recorded (the form posts same-origin, with no cookie) and the
// thanks appears in the frame. On P3 the browser refuses to show the
// embed: a frame-ancestors violation, and no height arrives.
func TestEmbedInBrowser(t *testing.T) {
	b := browsertest.Start(t)
	l1, p1 := listen(t)
	l2, p2 := listen(t)
	l3, p3 := listen(t)

	// A real campaigns folder, read by the real loader.
	dir := t.TempDir()
	org := filepath.Join(dir, "riverside")
	if err := os.MkdirAll(org, 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"org.yaml": "name: Riverside Coalition\nprivacy_policy: https://riverside.example/privacy\nembed_origins:\n  - " + p2 + "\n",
		"save-the-library.yaml": "title: Save the library\nsummary: The council votes on 3 March.\ndate: 2026-02-10\n" +
			"actions:\n  - kind: petition\n    target: Riverside City Council\n    text: Keep it open.\n    goal: 500\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(org, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	site, problems := campaign.Load(dir)
	if problems.HasErrors() {
		t.Fatalf("campaign.Load: %v", problems)
	}
	st := openSQLite(t)
	committer := store.NewCommitter(st, store.CommitterOptions{})
	t.Cleanup(func() { committer.Close() })
	clk := &clock{t: time.Now()}
	s, err := New(Config{BaseURL: p1, SiteName: "Act", Store: st, Recorder: committer, RateLimit: -1, Now: clk.now}, site)
	if err != nil {
		t.Fatal(err)
	}
	serveOn(t, l1, s)
	snippet, err := s.EmbedSnippet("riverside", "save-the-library", p2)
	if err != nil {
		t.Fatalf("EmbedSnippet: %v", err)
	}
	serveOn(t, l2, partnerPage(snippet))
	serveOn(t, l3, partnerPage(snippet))

	// frameState is what the partner page can see of its iframe.
	type frameState struct {
		Height  string  `json:"height"`
		Box     float64 `json:"box"`
		Scripts int     `json:"scripts"`
	}
	const stateJS = `JSON.stringify({
		height: document.querySelector('iframe[data-placard-embed]').getAttribute('data-placard-height') || '',
		box: document.querySelector('iframe[data-placard-embed]').getBoundingClientRect().height,
		scripts: performance.getEntriesByType('resource').filter(e => e.name.includes('/static/embed-')).length,
	})`
	state := func(ctx context.Context) frameState {
		t.Helper()
		raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](stateJS))
		if err != nil {
			t.Fatalf("reading the partner page: %v", err)
		}
		var fs frameState
		if err := json.Unmarshal([]byte(raw), &fs); err != nil {
			t.Fatal(err)
		}
		return fs
	}
	// waitHeight waits for the iframe to take a height other than not.
	waitHeight := func(ctx context.Context, not string) frameState {
		t.Helper()
		for {
			fs := state(ctx)
			if fs.Height != "" && fs.Height != not {
				return fs
			}
			select {
			case <-ctx.Done():
				errs, _, _ := b.Reports(p2)
				t.Fatalf("the iframe on %s never took the embed's height (last %+v); console: %v", p2, fs, errs)
			case <-time.After(50 * time.Millisecond):
			}
		}
	}

	t.Run("listed partner", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(b.Context(), 60*time.Second)
		defer cancel()
		if _, err := b.Load(ctx, p2+"/", 1024, 900, false, true); err != nil {
			t.Fatal(err)
		}
		fs := waitHeight(ctx, "")
		nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS("iframe[data-placard-embed]")))
		if err != nil || len(nodes) != 1 {
			t.Fatalf("finding the iframe: %v (%d nodes)", err, len(nodes))
		}
		in := chromedp.FromNode(nodes[0])
		// The height the partner applied is the embed document's own.
		box, err := chromedp.Run(ctx, chromedp.Dimensions(chromedp.CSS("html"), in))
		if err != nil {
			t.Fatalf("measuring the embed inside the frame: %v", err)
		}
		h, _ := strconv.Atoi(fs.Height)
		// The box model counts whole pixels; the script rounds up.
		if content := int(box.Height); h < 200 || h-content < 0 || h-content > 1 || int(fs.Box+0.5) != h {
			t.Errorf("iframe height attribute %q, box %.1f px, embed document %d px; want all three equal", fs.Height, fs.Box, content)
		}
		if fs.Scripts < 1 {
			t.Errorf("the partner page fetched no /static/embed- script")
		}
		errs, _, _ := b.Reports(p2)
		for _, e := range errs {
			t.Errorf("console error on the partner page: %v", e)
		}

		// Sign inside the frame, as a reader would.
		err = chromedp.Do(ctx,
			chromedp.WaitVisible(chromedp.CSS("#petition-form-name"), in),
			chromedp.SendKeys(chromedp.CSS("#petition-form-name"), "Ada Lovelace", in),
			chromedp.SendKeys(chromedp.CSS("#petition-form-email"), "ada@example.org", in),
			chromedp.Click(chromedp.CSS("#petition-form-consent"), in),
		)
		if err != nil {
			t.Fatalf("filling the form inside the frame: %v", err)
		}
		clk.add(5 * time.Second) // a person takes longer than the token's minimum age
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#petition-form button[type=submit]"), in)); err != nil {
			t.Fatalf("pressing Sign inside the frame: %v", err)
		}
		for {
			counts, err := st.Counts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(counts) == 1 && counts[0].Signatures == 1 {
				break
			}
			select {
			case <-ctx.Done():
				errs, _, _ := b.Reports(p2)
				t.Fatalf("no signature recorded from inside the frame; store %v; console %v", counts, errs)
			case <-time.After(50 * time.Millisecond):
			}
		}
		// The thanks page in the frame sends its own height to the partner.
		after := waitHeight(ctx, fs.Height)
		nodes, err = chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS("iframe[data-placard-embed]")))
		if err != nil || len(nodes) != 1 {
			t.Fatalf("finding the iframe again: %v", err)
		}
		text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(".embed-notice h2"), chromedp.FromNode(nodes[0])))
		if err != nil || !strings.Contains(text, "your signature counted") {
			t.Errorf("thanks inside the frame: %q (%v), want it to say the signature counted", text, err)
		}
		if after.Height == fs.Height {
			t.Errorf("iframe height stayed %s after the thanks page", after.Height)
		}
	})

	t.Run("altered script", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(b.Context(), 60*time.Second)
		defer cancel()
		if _, err := b.Load(ctx, p2+"/tampered", 1024, 900, false, true); err != nil {
			t.Fatal(err)
		}
		// Chromium refuses the script whose digest does not match, so
		// nothing on the page listens for the embed's height.
		for refused := false; !refused; {
			errs, _, _ := b.Reports(p2)
			for _, e := range errs {
				refused = refused || strings.Contains(e.Text, "integrity")
			}
			select {
			case <-ctx.Done():
				t.Fatalf("Chromium ran the partner script despite a wrong integrity value")
			case <-time.After(50 * time.Millisecond):
			}
		}
		if fs := state(ctx); fs.Height != "" {
			t.Errorf("iframe took height %q with the script refused, want none", fs.Height)
		}
	})

	t.Run("unlisted site", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(b.Context(), 60*time.Second)
		defer cancel()
		if _, err := b.Load(ctx, p3+"/", 1024, 900, false, true); err != nil {
			t.Fatal(err)
		}
		// Chromium reports the refusal as a console error naming the directive.
		var refusal []string
		for len(refusal) == 0 {
			errs, _, _ := b.Reports(p3)
			for _, e := range errs {
				if strings.Contains(e.Text, "frame-ancestors") {
					refusal = append(refusal, e.Text)
				}
			}
			select {
			case <-ctx.Done():
				t.Fatalf("Chromium did not refuse to frame the embed on %s (no frame-ancestors violation)", p3)
			case <-time.After(50 * time.Millisecond):
			}
		}
		if !strings.Contains(refusal[0], p2) {
			t.Errorf("refusal %q does not name the listed origin %s", refusal[0], p2)
		}
		// The partner script ran (it loaded), but no height came: the frame
		// holds Chromium's error page, not the embed.
		if fs := state(ctx); fs.Height != "" {
			t.Errorf("iframe on an unlisted site took height %q, want none", fs.Height)
		}
	})
}
