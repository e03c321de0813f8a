package web

import (
	"bytes"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/placard/placard/internal/campaign"
)

// TestBudgetsWarnProxy: behind a reverse proxy with no client-address
// header set, every visitor has the proxy's key, so the per-client
// budgets of 404 suggestions and of private link pages are shared by
// everyone. The warning signing gives once (warnProxy) is given by those
// paths too: once per process however many requests, whichever path
// comes first, naming what is shared and never the address. Before, only
// a signature logged it, so a site whose visitors never signed (or whose
// rate limit was off) never said why its 404s had lost their suggestions.
func TestBudgetsWarnProxy(t *testing.T) {
	loaded, probs := campaign.Load("testdata/i18n")
	if loaded == nil {
		t.Fatalf("loading testdata/i18n: %v", probs)
	}
	paths := map[string]struct {
		path string
		mod  func(*Config)
	}{
		"404 suggestions":                {"/trio/open-the-prk", nil},
		"404 suggestions, no rate limit": {"/trio/open-the-prk", func(c *Config) { c.RateLimit = -1 }},
		"private pages":                  {libraryPage + "/impact?key=abcdefghijklmnopqrstuvwxyz", func(c *Config) { c.RateLimit = DefaultRateLimit }},
	}
	for name, p := range paths {
		var logs bytes.Buffer
		var s *Server
		if strings.Contains(p.path, "/impact") {
			s = newSignEnv(t, openSQLite(t), func(c *Config) { p.mod(c); c.Logger = newTestLogger(&logs) }).s
		} else {
			cfg := Config{BaseURL: "https://act.example.org", SiteName: "Act", Logger: newTestLogger(&logs)}
			if p.mod != nil {
				p.mod(&cfg)
			}
			var err error
			if s, err = New(cfg, loaded); err != nil {
				t.Fatal(err)
			}
		}
		// Over HTTP from loopback, as a proxy on this machine would send.
		srv := httptest.NewServer(s)
		for range 5 {
			res, err := srv.Client().Get(srv.URL + p.path)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode >= 500 {
				t.Errorf("%s: got %d", name, res.StatusCode)
			}
		}
		// A signature after them (where the site takes one) warns no more.
		if res, err := srv.Client().PostForm(srv.URL+libraryPage+"/sign", url.Values{"name": {"x"}}); err != nil {
			t.Fatal(err)
		} else {
			res.Body.Close()
		}
		srv.Close()
		if n := strings.Count(logs.String(), "--client-ip-header"); n != 1 {
			t.Errorf("%s: got %d proxy warnings after 5 requests, want 1:\n%s", name, n, logs.String())
		}
		if strings.Contains(logs.String(), "127.0.0.1") {
			t.Errorf("%s: the warning logs the client's address:\n%s", name, logs.String())
		}
	}
}
