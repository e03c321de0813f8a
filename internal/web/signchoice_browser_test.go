package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/placard/placard/internal/browsertest"
	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/store"
)

// TestSignUnknownActionInBrowser: in headless Chromium, JavaScript on, a
// signer fills the first of two petitions; while the page is open the
// organiser renames both. Pressing Sign brings the page back with both
// petitions' forms holding what they typed, the ticked boxes ticked;
// pressing the second form's button signs it. Before, it was a 404.
func TestSignUnknownActionInBrowser(t *testing.T) {
	b := browsertest.Start(t)
	l, base := listen(t)
	st := openSQLite(t)
	committer := store.NewCommitter(st, store.CommitterOptions{})
	t.Cleanup(func() { committer.Close() })
	clk := &clock{t: clockStart}
	f := signFiles(t)
	f["riverside/two-asks.yaml"] = twoAsksYAML
	s, err := New(Config{BaseURL: base, SiteName: "Act", Store: st, Recorder: committer, RateLimit: -1, Now: clk.now},
		campaigntest.Site(t, f))
	if err != nil {
		t.Fatal(err)
	}
	serveOn(t, l, s)

	ctx, cancel := context.WithTimeout(b.Context(), 90*time.Second)
	defer cancel()
	if _, err := b.Load(ctx, base+twoAsksPage, 1024, 900, false, true); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#first-form-name"), "Ada Lovelace"),
		chromedp.SendKeys(chromedp.CSS("#first-form-email"), "ada@example.org"),
		chromedp.Click(chromedp.CSS("#first-form-consent")),
		chromedp.Click(chromedp.CSS("#first-form-public")),
	)
	if err != nil {
		t.Fatalf("filling the form: %v", err)
	}
	// The organiser renames both petitions while the page is open.
	f["riverside/two-asks.yaml"] = strings.NewReplacer("id: first", "id: council", "id: second", "id: mayor").Replace(twoAsksYAML)
	if err := s.SetSite(campaigntest.Site(t, f)); err != nil {
		t.Fatal(err)
	}
	clk.add(5 * time.Second)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#first-form button[type=submit]"))); err != nil {
		t.Fatalf("pressing Sign: %v", err)
	}
	wait := func(what string, check func() string) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			problem := check()
			if problem == "" {
				return
			}
			if time.Now().After(deadline) {
				errs, _, _ := b.Reports("")
				t.Fatalf("%s: %s (console: %v)", what, problem, errs)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	wait("the page asking which to sign", func() string {
		h1, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector("h1") || {}).textContent || ""`))
		if err != nil || !strings.Contains(h1, "Choose what to sign") {
			return "h1 " + h1
		}
		return ""
	})
	for _, id := range []string{"council-form", "mayor-form"} {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(f){ return f ? [f.elements.name.value, f.elements.email.value, f.elements.consent.checked, f.elements.public.checked].join("|") : "no form" })(document.getElementById("`+id+`"))`))
		if want := "Ada Lovelace|ada@example.org|true|true"; err != nil || got != want {
			t.Errorf("#%s holds %q (%v), want %q", id, got, err, want)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#mayor-form button[type=submit]"))); err != nil {
		t.Fatalf("pressing Sign under the second petition: %v", err)
	}
	wait("the thank-you page", func() string {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
		if err != nil || got != twoAsksPage+"/thanks" {
			return "at " + got
		}
		return ""
	})
	if c, err := st.Counts(context.Background()); err == nil {
		n := 0
		for _, x := range c {
			if x.Org == "riverside" && x.Campaign == "two-asks" {
				n = x.Signatures
			}
		}
		if n != 1 {
			t.Errorf("stored %d, want 1", n)
		}
	} else {
		t.Fatal(err)
	}
}
