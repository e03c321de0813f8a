package console

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/browsertest"
	"github.com/placard/placard/internal/store"
)

// screenshots are the pages docs/console.md shows.
var screenshots = map[string]bool{"invitation": true, "passkey": true, "passkey-added": true, "dashboard": true, "moderation": true, "data": true, "audit": true, "signin": true}

// TestConsoleInChromium walks the console as an organiser does, in
// Chromium with a virtual passkey authenticator: invitation → add a
// passkey → dashboard → edit a campaign with a mistake (shown at its line,
// nothing written) → fix and save (the file changed on disk, the public
// page updated) → approve an organisation → export → sign out →
// sign in again with the passkey, and the pages again in Arabic and
// Hebrew, right to left. Every page passes axe-core (WCAG 2.1 AA),
// reports no error or CSP violation, and loads nothing from another
// origin. With PLACARD_SCREENSHOTS=1 it writes the guide's screenshots to
// docs/console-*.png.
func TestConsoleInChromium(t *testing.T) {
	b := browsertest.Start(t)
	st := openStore(t)
	// The campaigns are files on disk, which the console's editor changes.
	dir := writeTestFiles(t)
	base, srv := serveEditable(t, st, dir)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go srv.Run(ctx)

	e := &env{t: t, st: st, acc: st.(store.Accounts), clock: &clock{t: time.Now()}}
	e.pendingOrg(t, "Northside Tenants")
	link, _, err := Invitation(context.Background(), st, base, "riverside", "sam@example.org", accounts.RoleEditor, time.Now())
	if err != nil {
		t.Fatal(err)
	}

	tab := b.Context()
	if err := chromedp.Do(tab, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		if _, err := cdp.Call(ctx, tg, webauthn.Enable, webauthn.EnableParams{}); err != nil {
			return err
		}
		_, err := cdp.Call(ctx, tg, webauthn.AddVirtualAuthenticator, webauthn.AddVirtualAuthenticatorParams{Options: &webauthn.VirtualAuthenticatorOptions{
			Protocol: webauthn.AuthenticatorProtocolCtap2, Ctap2version: webauthn.Ctap2versionCtap21, Transport: webauthn.AuthenticatorTransportInternal,
			HasResidentKey: true, HasUserVerification: true, IsUserVerified: true, AutomaticPresenceSimulation: true,
		}})
		return err
	})); err != nil {
		t.Fatalf("adding a virtual authenticator: %v", err)
	}

	step := func(name string, run func(ctx context.Context) error) {
		t.Helper()
		ctx, cancel := context.WithTimeout(tab, 30*time.Second)
		defer cancel()
		if err := run(ctx); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	// check runs axe-core on the page shown and reads what the tab
	// reported; shot writes a screenshot when asked to.
	check := func(name string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(tab, 30*time.Second)
		defer cancel()
		vs, err := b.Axe(ctx)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, v := range vs {
			t.Errorf("%s: %s", name, v)
		}
		wantNoReports(t, b, base, name)
		if os.Getenv("PLACARD_SCREENSHOTS") == "1" && screenshots[name] {
			png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatalf("%s: screenshot: %v", name, err)
			}
			out := filepath.Join(browsertest.RepoRoot(t), "docs", "console-"+name+".png")
			if err := os.WriteFile(out, png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	loadStatus := func(name, path string, status int64) {
		t.Helper()
		step(name, func(ctx context.Context) error {
			res, err := b.Load(ctx, base+path, 1200, 900, false, true)
			if err == nil && res.Status != status {
				err = fmt.Errorf("status %d, want %d", res.Status, status)
			}
			return err
		})
	}
	load := func(name, path string) { t.Helper(); loadStatus(name, path, 200) }
	// waitPath waits until the tab shows path (after a form or script
	// navigates), polling with a deadline.
	waitPath := func(ctx context.Context, path string) error {
		for {
			loc, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + location.search`))
			if err == nil && loc == path {
				if ready, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState`)); err == nil && ready == "complete" {
					return nil
				}
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("waiting for %s: %w (at %s)", path, ctx.Err(), loc)
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
	click := func(name, sel, then string) {
		t.Helper()
		step(name, func(ctx context.Context) error {
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeEnabled)); err != nil {
				return err
			}
			return waitPath(ctx, then)
		})
	}

	path := strings.TrimPrefix(link, base)
	load("invitation", path)
	check("invitation")
	click("accept", `form[action="/admin/invite"] button`, "/admin/passkey")
	check("passkey")
	click("add a passkey", `[data-passkey=register] button`, "/admin/passkey?added=1")
	check("passkey-added")
	if creds, _ := e.acc.Credentials(context.Background(), 1); len(creds) != 1 {
		t.Fatalf("after registering: %d passkeys stored, want 1", len(creds))
	}
	// The sessions page: this browser's session, opened by the
	// invitation, and Sign out (no other session yet).
	load("sessions", "/admin/sessions")
	check("sessions")
	load("dashboard", "/admin/riverside")
	check("dashboard")
	step("calls and emails on the dashboard", func(ctx context.Context) error {
		heads, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll('table.outreach tbody th')).map(th => th.innerText).join(', ')`))
		if err == nil && heads != "Mayor Ada Lind, Clerk Bo Ng" {
			err = fmt.Errorf("the contact campaign's table lists %q", heads)
		}
		return err
	})
	// Edit a campaign in the browser: a mistake is refused at its line
	// and nothing is written; the fix is saved to disk and published.
	w := &walk{t: t, b: b, tab: tab, base: base, check: check}
	w.editWonWithMistake(dir)
	load("moderation", "/admin/riverside/moderation")
	check("moderation")
	click("approve", `button[name=approve]`, "/admin/riverside/moderation?done=approved&n=1")
	check("moderation-approved")
	load("data", "/admin/riverside/data")
	check("data")
	step("export", func(ctx context.Context) error {
		csv, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.querySelector('a[href="/admin/riverside/open-letter/export?format=csv"]').href).then(r => r.text())`, chromedp.EvalAwaitPromise))
		if err == nil && !strings.Contains(csv, "Northside Tenants") {
			err = fmt.Errorf("the CSV does not hold the approved organisation: %q", csv)
		}
		return err
	})
	load("audit", "/admin/riverside/audit")
	check("audit")
	// Right to left: the same pages in Arabic and Hebrew.
	for _, lang := range []string{"ar", "he"} {
		step("ask for "+lang, func(ctx context.Context) error {
			return chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := cdp.Call(ctx, tg, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": lang}})
				return err
			}))
		})
		for _, p := range []string{"/admin/riverside", "/admin/riverside/moderation", "/admin/riverside/data"} {
			load(lang+" "+p, p)
			step(lang+" dir", func(ctx context.Context) error {
				dir, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.lang + " " + document.documentElement.dir`))
				if err == nil && dir != lang+" rtl" {
					err = fmt.Errorf("%s: got %q, want %q", p, dir, lang+" rtl")
				}
				return err
			})
			check(lang + " " + p)
		}
	}
	step("ask for English", func(ctx context.Context) error {
		return chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{}})
			return err
		}))
	})
	click("sign out", `form[action="/admin/signout"] button`, "/admin/signin?out=1")
	check("signin")
	click("sign in with the passkey", `[data-passkey=signin] button`, "/admin/riverside")
	check("dashboard-again")
	// Signed in with the passkey: the sessions page names it, beside
	// another browser's session (one from before Placard recorded how),
	// which End signs out.
	_, other := accounts.NewSecret()
	if err := e.acc.AddSession(context.Background(), accounts.Session{Hash: other, OrganiserID: 1, CreatedAt: time.Now().UTC(), LastSeen: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	load("sessions-passkey", "/admin/sessions")
	check("sessions-passkey")
	step("the session names its passkey", func(ctx context.Context) error {
		how, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('table.sessions tbody tr td:nth-child(2)').innerText`))
		if err == nil && !strings.Contains(how, "screen lock") {
			err = fmt.Errorf("this browser signed in with %q, want the device's passkey", how)
		}
		return err
	})
	click("end the other session", `form[action="/admin/sessions/end"] input[name=id] ~ button`, "/admin/sessions?done=one")
	check("sessions-ended")
	if _, err := e.acc.Session(context.Background(), other); err == nil {
		t.Error("the session ended in the browser is still stored")
	}
	// Another organisation's page: 404, and an accessible one. (Its
	// console message about the 404 is expected.)
	loadStatus("not-found", "/admin/harbour", 404)
	step("not-found axe", func(ctx context.Context) error {
		vs, err := b.Axe(ctx)
		for _, v := range vs {
			t.Errorf("not-found: %s", v)
		}
		return err
	})
}
