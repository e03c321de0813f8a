package web

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/placard/placard/internal/browsertest"
	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/store"
)

// TestFirstLanguageFormInBrowser: in headless Chromium, JavaScript on,
// with the browser asking for English, the signing forms of a campaign
// whose first language is Hebrew post as the page's HTML says: the
// campaign page's form to …/sign?lang=he, answered with the Hebrew
// thank-you page; the embed's form, whose address the frame's script
// rewrites to add the partner's origin, still naming Hebrew, so the
// rate-limit refusal it meets inside the partner's frame is in Hebrew,
// right to left, on the form holding what the signer typed.
func TestFirstLanguageFormInBrowser(t *testing.T) {
	b := browsertest.Start(t)
	l1, p1 := listen(t)
	l2, p2 := listen(t)
	files := firstLangFiles(t, "he, en, ar", "embed_origins:\n  - "+p2+"\n")
	st := openSQLite(t)
	committer := store.NewCommitter(st, store.CommitterOptions{})
	t.Cleanup(func() { committer.Close() })
	clk := &clock{t: time.Date(2026, 2, 20, 12, 0, 0, 0, time.UTC)}
	// One signature a minute from one connection: the second is refused.
	s, err := New(Config{BaseURL: p1, SiteName: "Act", Store: st, Recorder: committer, RateLimit: 1, Now: clk.now},
		campaigntest.Site(t, files))
	if err != nil {
		t.Fatal(err)
	}
	serveOn(t, l1, s)
	snippet, err := s.EmbedSnippet("trio", "open-the-park", p2)
	if err != nil {
		t.Fatalf("EmbedSnippet: %v", err)
	}
	serveOn(t, l2, partnerPage(snippet))

	ctx, cancel := context.WithTimeout(b.Context(), 90*time.Second)
	defer cancel()
	setLang := func(lang string) {
		t.Helper()
		err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": lang}})
			return err
		}))
		if err != nil {
			t.Fatalf("asking for %s: %v", lang, err)
		}
	}
	setLang("en")
	t.Cleanup(func() {
		// The tab is the test's own, but leave it as it was found.
		_ = chromedp.Do(b.Context(), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{}})
			return err
		}))
	})
	// poll runs check until it reports nothing, failing with its last
	// report when ctx ends.
	poll := func(what string, check func() string) {
		t.Helper()
		for {
			problem := check()
			if problem == "" {
				return
			}
			select {
			case <-ctx.Done():
				errs, _, _ := b.Reports("")
				t.Fatalf("%s: %s (console: %v)", what, problem, errs)
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	he := i18n.New("he", nil)

	// The campaign page, in Hebrew at its plain address.
	if _, err := b.Load(ctx, p1+parkPage, 1024, 900, false, true); err != nil {
		t.Fatal(err)
	}
	action, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("#petition-form"), "action"))
	if err != nil || action.Value != parkPage+"/sign?lang=he" {
		t.Fatalf("the page's form posts to %q (%v), want %s/sign?lang=he", action.Value, err, parkPage)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#petition-form-name"), "Ada Lovelace"),
		chromedp.SendKeys(chromedp.CSS("#petition-form-email"), "ada@example.org"),
		chromedp.Click(chromedp.CSS("#petition-form-consent")),
	)
	if err != nil {
		t.Fatalf("filling the form: %v", err)
	}
	clk.add(5 * time.Second) // a person takes longer than the token's minimum age
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#petition-form button[type=submit]"))); err != nil {
		t.Fatalf("pressing Sign: %v", err)
	}
	poll("the thank-you page", func() string {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + " " + document.documentElement.lang + " " + document.documentElement.dir`))
		if want := parkPage + "/thanks he rtl"; err != nil || got != want {
			return "at " + got + ", want " + want
		}
		return ""
	})

	// The embed on the listed partner's page: the frame's script adds the
	// partner's origin to the form's address and keeps its language.
	if _, err := b.Load(ctx, p2+"/", 1024, 900, false, true); err != nil {
		t.Fatal(err)
	}
	frame := func() *chromedp.Node {
		t.Helper()
		nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSS("iframe[data-placard-embed]")))
		if err != nil || len(nodes) != 1 {
			t.Fatalf("finding the iframe: %v (%d nodes)", err, len(nodes))
		}
		return nodes[0]
	}
	// The frame is lazy and its document replaced as it loads: the
	// partner's page takes the embed's height once the frame's script
	// (which rewrites the form's address first) has run.
	poll("the embed's height", func() string {
		h, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('iframe[data-placard-embed]').getAttribute('data-placard-height') || ''`))
		if err != nil || h == "" {
			return "the iframe has no height yet"
		}
		return ""
	})
	var in chromedp.QueryOption
	poll("the embed form's address", func() string {
		// Each try looks the frame up again, and waits a little only.
		in = chromedp.FromNode(frame())
		try, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		got, err := chromedp.Run(try, chromedp.AttributeValue(chromedp.CSS("form.sign-form"), "action", in))
		if want := parkPage + "/embed/sign?lang=he&origin="; err != nil || !strings.HasPrefix(got.Value, want) {
			return "posts to " + got.Value + ", want " + want + "…"
		}
		return ""
	})
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS("#petition-form-name"), "Grace Hopper", in),
		chromedp.SendKeys(chromedp.CSS("#petition-form-email"), "grace@example.org", in),
		chromedp.Click(chromedp.CSS("#petition-form-consent"), in),
	)
	if err != nil {
		t.Fatalf("filling the form inside the frame: %v", err)
	}
	clk.add(5 * time.Second)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#petition-form button[type=submit]"), in)); err != nil {
		t.Fatalf("pressing Sign inside the frame: %v", err)
	}
	want := he.T("error.sign.limited.heading")
	poll("the refusal inside the frame", func() string {
		in := chromedp.FromNode(frame())
		try, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		lang, err1 := chromedp.Run(try, chromedp.AttributeValue(chromedp.CSS("html"), "lang", in))
		dir, err2 := chromedp.Run(try, chromedp.AttributeValue(chromedp.CSS("html"), "dir", in))
		h2, err3 := chromedp.Run(try, chromedp.Text(chromedp.CSS("#embed-action-title"), in))
		// The form comes back holding what was typed (formkept_test.go).
		name, err4 := chromedp.Run(try, chromedp.Value(chromedp.CSS("#petition-form-name"), in))
		email, err5 := chromedp.Run(try, chromedp.Value(chromedp.CSS("#petition-form-email"), in))
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil || err5 != nil || lang.Value != "he" || dir.Value != "rtl" || strings.TrimSpace(h2) != want ||
			name != "Grace Hopper" || email != "grace@example.org" {
			return "the frame shows <html lang=" + lang.Value + " dir=" + dir.Value + "> <h2>" + h2 + "</h2> name " + name + " email " + email +
				", want he rtl " + want + " and the details typed"
		}
		return ""
	})
}
