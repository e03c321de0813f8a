package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/views"
)

// budgetServer is a server of the three-language test site that counts
// clients by X-Real-IP (believed from loopback, where the test's requests
// come from), served over HTTP.
func budgetServer(t testing.TB) (*Server, *httptest.Server) {
	t.Helper()
	site, probs := campaign.Load("testdata/i18n")
	if site == nil {
		t.Fatalf("loading testdata/i18n: %v", probs)
	}
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", ClientIPHeader: "X-Real-IP"}, site)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

// ask GETs path from client in Arabic over HTTP, returning the status
// and the page.
func ask(t *testing.T, srv *httptest.Server, client, path string) (int, *goquery.Document) {
	t.Helper()
	req, err := http.NewRequest("GET", srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Real-IP", client)
	req.Header.Set("Accept-Language", "ar")
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	d, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, d
}

// TestNotFoundSuggestionsBudgeted: the did-you-mean search, the costliest
// work a GET can ask for (ClosePages: milliseconds at 10,000 campaigns,
// for an address anyone chooses), runs at most suggestBudget times a
// minute for one client; past that the client's 404s come without
// suggestions but are otherwise the same page: still 404, in the
// organisation's frame, in the reader's language. Never a 429: other
// clients keep their suggestions, and the spent client its plain pages.
func TestNotFoundSuggestionsBudgeted(t *testing.T) {
	_, srv := budgetServer(t)
	const typo = "/trio/open-the-prk"
	suggested := 0
	// The limiter's first window began with the server: the requests
	// below fall in it (a window is a minute), so the count is exact.
	for i := range suggestBudget + 15 {
		status, d := ask(t, srv, "203.0.113.7", typo)
		if status != 404 {
			t.Fatalf("404 number %d: got %d", i+1, status)
		}
		if lang, dir := d.Find("html").AttrOr("lang", ""), d.Find("html").AttrOr("dir", ""); lang != "ar" || dir != "rtl" {
			t.Errorf("404 number %d: lang %q dir %q, want ar rtl", i+1, lang, dir)
		}
		if home := d.Find("a.btn").AttrOr("href", ""); home != "/trio/ar" {
			t.Errorf("404 number %d: its button leads to %q, want the organisation's /trio/ar", i+1, home)
		}
		if d.Find("main li a[href]").First().AttrOr("href", "") == parkPage+"/ar" {
			if suggested != i {
				t.Errorf("404 number %d suggests the page after one that did not", i+1)
			}
			suggested++
		}
	}
	if suggested != suggestBudget {
		t.Errorf("one client's %d 404s had %d with suggestions, want %d", suggestBudget+15, suggested, suggestBudget)
	}
	if _, d := ask(t, srv, "198.51.100.9", typo); d.Find("main li a[href]").First().AttrOr("href", "") != parkPage+"/ar" {
		t.Error("another client's 404 has no suggestion")
	}
	if status, _ := ask(t, srv, "203.0.113.7", parkPage); status != 200 {
		t.Errorf("the spent client's plain page view: got %d, want 200", status)
	}
}

// TestNotFoundSuggestionsSiteBudget: many clients, each within its own
// budget (a botnet, or one holder of many IPv6 networks), share the site's
// budget of suggestion searches; past it every 404 comes without
// suggestions, still 404 in the reader's language and the organisation's
// frame, and plain pages are still served.
func TestNotFoundSuggestionsSiteBudget(t *testing.T) {
	s, srv := budgetServer(t)
	const site = 30
	s.suggests = newSuggestLimiter(suggestBudget, site)
	const typo = "/trio/open-the-prk"
	suggested := 0
	for i := range site + 10 {
		client := fmt.Sprintf("198.51.100.%d", i+1)
		status, d := ask(t, srv, client, typo)
		if status != 404 {
			t.Fatalf("client %d's 404: got %d", i+1, status)
		}
		if lang := d.Find("html").AttrOr("lang", ""); lang != "ar" {
			t.Errorf("client %d's 404: lang %q, want ar", i+1, lang)
		}
		if home := d.Find("a.btn").AttrOr("href", ""); home != "/trio/ar" {
			t.Errorf("client %d's 404: its button leads to %q, want /trio/ar", i+1, home)
		}
		if d.Find("main li a[href]").First().AttrOr("href", "") == parkPage+"/ar" {
			suggested++
		}
	}
	if suggested != site {
		t.Errorf("%d clients' first 404s had %d with suggestions, want the site's budget %d", site+10, suggested, site)
	}
	if status, _ := ask(t, srv, "192.0.2.1", parkPage); status != 200 {
		t.Errorf("a plain page view past the site's budget: got %d, want 200", status)
	}
}

// BenchmarkNotFound10k serves 404s through the server with the addresses
// of a site of 10,000 campaigns to search (the search reads nothing
// else of them): a typo under an organisation, an address made to look
// like hundreds of pages, and one of 200 characters, each with
// suggestions (within a client's budget) and without (past it).
func BenchmarkNotFound10k(b *testing.B) {
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", RateLimit: -1}, testSite(b))
	if err != nil {
		b.Fatal(err)
	}
	snap := s.snap.Load()
	for i := range 1000 {
		snap.Known = append(snap.Known, views.Link{URL: fmt.Sprintf("/organisation-%d", i)})
	}
	for i := range 10000 {
		snap.Known = append(snap.Known, views.Link{URL: fmt.Sprintf("/organisation-%d/campaign-for-the-library-%d", i/10, i)})
	}
	slices.SortFunc(snap.Known, func(a, b views.Link) int { return strings.Compare(a.URL, b.URL) })
	for _, c := range []struct{ name, path string }{
		{"typo", "/organisation-500/campaign-for-the-libary-5003"},
		{"lookalike", "/organisation-50/campaign-for-the-library-5"},
		{"long", "/" + strings.Repeat("x", 199)},
	} {
		for _, suggest := range []bool{true, false} {
			b.Run(fmt.Sprintf("%s/suggest=%v", c.name, suggest), func(b *testing.B) {
				budget := 1 << 30 // never spent
				if !suggest {
					budget = 0 // always spent
				}
				s.suggests = newSuggestLimiter(budget, budget)
				req := httptest.NewRequest("GET", c.path, nil)
				w := &discardWriter{h: http.Header{}}
				b.ReportAllocs()
				for b.Loop() {
					clear(w.h)
					s.ServeHTTP(w, req)
					if w.code != 404 {
						b.Fatalf("got %d", w.code)
					}
				}
			})
		}
	}
}
