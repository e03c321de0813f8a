// Package acceptance checks the real site as a reader and a validator see it:
// every public page of the example campaigns, served by the real web layer,
// is valid HTML (the W3C Nu HTML Checker), loads cleanly in headless
// Chromium (no console errors, nothing from another origin, zero axe-core
// violations, no sideways scrolling on a 360 px phone) and still shows its
// heading and calls to action with JavaScript off.
//
// The package holds tests only. Its outside tools — Chromium, Java with
// vnu.jar, and axe-core — are installed by .ci/run; when one is missing the
// tests skip with a message saying how to get it, except under CI=true, where
// a missing tool is a failure so that nothing passes by being skipped.
package acceptance

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/placard/placard/internal/browsertest"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/internal/web"
)

// page is one public address of the site and what a reader must find there.
type page struct {
	// Name is a short file-system-safe label used in test names and temp files.
	Name string
	// Path is the address on the test server, such as /riverside/save-the-library.
	Path string
	// Status is the HTTP status the page must answer with.
	Status int
	// H1 is text the page's one h1 must contain (case-insensitive), or empty
	// when any non-empty heading will do.
	H1 string
	// Texts must each be visible on the page with JavaScript off: the calls
	// to action, campaign cards or organisation names a reader came for.
	Texts []string
	// Anchors are element ids that must exist and be visible with JavaScript
	// off: each call to action's #id.
	Anchors []string
	// Address is, for a poster, the address it prints without the scheme:
	// the campaign's short address when it has one, else its page.
	Address string
}

// site is the example campaigns served by the real web layer on 127.0.0.1.
type site struct {
	URL   string
	Pages []page
	// Signing lists the campaign pages with a signing form: served with a
	// fresh form token spliced into the cached (and gzipped) page.
	Signing []string
}

// startSite loads ../../campaigns with the real loader, builds the real
// server with its base URL set to the test server's own origin (so canonical
// and og: addresses are same-origin), and lists every public page plus one
// unknown address for the 404 page.
func startSite(t *testing.T) *site {
	t.Helper()
	return startSiteWith(t, nil)
}

// startSiteWith is startSite with mod changing the server's configuration.
func startSiteWith(t *testing.T, mod func(*web.Config)) *site {
	t.Helper()
	root := browsertest.RepoRoot(t)
	s, problems := campaign.Load(filepath.Join(root, "campaigns"))
	for _, p := range problems {
		t.Logf("campaigns: %v", p)
	}
	if problems.HasErrors() || s == nil {
		t.Fatalf("campaign.Load(campaigns) reported errors; got a site %v, want the examples to load cleanly", s != nil)
	}
	if len(s.Orgs) == 0 {
		t.Fatal("campaign.Load(campaigns) found no organisations, want the three examples")
	}

	ts := httptest.NewUnstartedServer(http.NotFoundHandler())
	out := &site{URL: serveWith(t, ts, s, mod)}
	var orgTexts []string
	for _, o := range s.Orgs {
		orgTexts = append(orgTexts, o.Name)
	}
	out.Pages = append(out.Pages, page{Name: "index", Path: "/", Status: http.StatusOK, Texts: orgTexts})
	for _, def := range s.Orgs {
		// Every language of a multilingual organisation has its own pages
		// (/org/ar, /org/campaign/ar); each is checked like the default's.
		for _, lang := range def.Langs() {
			o := def.In(lang)
			suffix, label := "", ""
			if lang != def.Langs()[0] {
				suffix, label = "/"+lang, "_"+lang
			}
			var titles []string
			var campaigns []page
			for _, c := range o.Campaigns {
				if !public(c) {
					continue
				}
				titles = append(titles, c.Title)
				cp := page{
					Name:   o.Slug + "_" + c.Slug + label,
					Path:   "/" + o.Slug + "/" + c.Slug + suffix,
					Status: http.StatusOK,
					H1:     c.Title,
				}
				for _, a := range c.Actions {
					if a.Title != "" {
						cp.Texts = append(cp.Texts, a.Title)
					}
					if a.ID != "" {
						cp.Anchors = append(cp.Anchors, a.ID)
					}
				}
				campaigns = append(campaigns, cp)
				if suffix == "" {
					// The printable poster with its QR code (cards.go).
					address := strings.TrimPrefix(out.URL, "http://") + cp.Path
					if c.Short != "" {
						address = strings.TrimPrefix(out.URL, "http://") + "/" + c.Short
					}
					campaigns = append(campaigns, page{
						Name: cp.Name + "_poster", Path: cp.Path + "/poster", Status: http.StatusOK,
						H1: c.Title, Texts: []string{"Scan the code or go to", o.Name}, Address: address,
					})
					if c.Short != "" {
						// The short address the poster prints leads to the campaign.
						campaigns = append(campaigns, page{Name: cp.Name + "_short", Path: "/" + c.Short, Status: http.StatusOK, H1: c.Title})
					}
					if len(o.EmbedOrigins) > 0 {
						// The embed partners frame, and the thanks shown in the frame.
						campaigns = append(campaigns, page{Name: cp.Name + "_embed", Path: cp.Path + "/embed", Status: http.StatusOK, H1: c.Title})
						if signable(c) {
							campaigns = append(campaigns, page{Name: cp.Name + "_embed_thanks", Path: cp.Path + "/embed/thanks?outcome=signed",
								Status: http.StatusOK, H1: c.Title, Texts: []string{"signature counted", "Share the campaign"}})
						}
					}
				}
				if signable(c) {
					out.Signing = append(out.Signing, cp.Path)
					// The thank-you page a signer lands on.
					thanks := page{
						Name: cp.Name + "_thanks", Path: cp.Path + "/thanks?outcome=signed",
						Status: http.StatusOK, H1: "signature counted", Texts: []string{"Will you share?"},
					}
					if suffix != "" {
						thanks.H1, thanks.Texts = "", nil // in the page's language
					}
					campaigns = append(campaigns, thanks)
				}
				// A share link to a Mastodon server that did not come from
				// the page itself: the page asking to continue, in the
				// page's language.
				campaigns = append(campaigns, page{
					Name: cp.Name + "_mastodon", Path: cp.Path + "/share/mastodon?instance=mastodon.social",
					Status: http.StatusOK, Texts: []string{"mastodon.social"},
				})
				if region, names := firstRegion(c); region != "" {
					// The region picker is a plain GET form; its answer is a page too.
					rp := cp
					rp.Name += "_region"
					rp.Path += "?region=" + url.QueryEscape(region)
					rp.Texts = append(slices.Clone(cp.Texts), names...)
					campaigns = append(campaigns, rp)
				}
			}
			out.Pages = append(out.Pages, page{Name: o.Slug + label, Path: "/" + o.Slug + suffix, Status: http.StatusOK, H1: o.Name, Texts: titles})
			out.Pages = append(out.Pages, campaigns...)
		}
	}
	out.Pages = append(out.Pages, page{Name: "not-found", Path: "/no-such-organisation-here/nor-campaign", Status: http.StatusNotFound})
	return out
}

// serve builds the real web layer for s, with its base URL set to ts's own
// origin (so canonical and og: addresses are same-origin), starts ts with
// it, and returns that origin.
func serve(t *testing.T, ts *httptest.Server, s *campaign.Site) string {
	t.Helper()
	return serveWith(t, ts, s, nil)
}

// serveWith is serve with mod, when not nil, changing the server's
// configuration first (such as a test clock).
func serveWith(t *testing.T, ts *httptest.Server, s *campaign.Site, mod func(*web.Config)) string {
	t.Helper()
	base := "http://" + ts.Listener.Addr().String()
	logger := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	// A real signature store, so petitions and letters show their forms and
	// tallies as they do in production.
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatalf("opening the signature store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	cfg := web.Config{BaseURL: base, SiteName: "Placard", Logger: logger, Store: db, RateLimit: -1}
	if mod != nil {
		mod(&cfg)
	}
	srv, err := web.New(cfg, s)
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	ts.Config.Handler = srv
	ts.Start()
	t.Cleanup(ts.Close)
	if ts.URL != base {
		t.Fatalf("test server URL %s, want %s", ts.URL, base)
	}
	return ts.URL
}

// firstRegion returns the first region named by a contact call to action's
// targets, and the names of that region's targets, or "" when no target has one.
func firstRegion(c *campaign.Campaign) (string, []string) {
	for _, a := range c.Actions {
		if a.Contact == nil {
			continue
		}
		region := ""
		var names []string
		for _, tg := range a.Contact.Targets {
			if region == "" {
				region = tg.Region
			}
			if region != "" && tg.Region == region {
				names = append(names, tg.Name)
			}
		}
		if region != "" {
			return region, names
		}
	}
	return "", nil
}

// public reports whether a campaign has a public page: every status but draft.
func public(c *campaign.Campaign) bool {
	return c.Status != campaign.StatusDraft
}

// signable reports whether c has a petition, or a letter taking signatures.
func signable(c *campaign.Campaign) bool {
	for _, a := range c.Actions {
		if a.Petition != nil || (a.Letter != nil && a.Letter.Signing) {
			return true
		}
	}
	return false
}

// fetch GETs a page and checks its status, returning the body.
func (s *site) fetch(t *testing.T, p page) []byte {
	t.Helper()
	resp, err := http.Get(s.URL + p.Path)
	if err != nil {
		t.Fatalf("GET %s: %v", p.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", p.Path, err)
	}
	if resp.StatusCode != p.Status {
		t.Errorf("GET %s: got status %d, want %d", p.Path, resp.StatusCode, p.Status)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("GET %s: got Content-Type %q, want text/html", p.Path, ct)
	}
	return body
}

// testWriter sends the server's log lines to the test log, so a 5xx logged by
// the web layer shows up beside the failure it caused.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
