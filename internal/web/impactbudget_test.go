package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestImpactBudgeted: a personal link's private page reads the store on
// every request and is never cached, so one client is sent at most
// impactBudget of them a minute; past that it gets 429 (worded, in the
// page's frame), while another client still gets its page.
func TestImpactBudgeted(t *testing.T) {
	e := newSignEnv(t, openSQLite(t), func(c *Config) { c.RateLimit = DefaultRateLimit })
	const key = "abcdefghijklmnopqrstuvwxyz"
	ask := func(client string) int {
		t.Helper()
		req := httptest.NewRequest("GET", libraryPage+"/impact?key="+key, nil)
		req.RemoteAddr = client + ":4242"
		rec := httptest.NewRecorder()
		e.s.ServeHTTP(rec, req)
		if rec.Code == http.StatusTooManyRequests {
			d := doc(t, rec.Result())
			if d.Find("h1").Text() == "" {
				t.Errorf("the 429 page has no heading")
			}
		}
		return rec.Code
	}
	for i := range impactBudget {
		if got := ask("203.0.113.7"); got != 200 {
			t.Fatalf("private page number %d: got %d, want 200", i+1, got)
		}
	}
	if got := ask("203.0.113.7"); got != http.StatusTooManyRequests {
		t.Errorf("private page number %d from one client: got %d, want 429", impactBudget+1, got)
	}
	if got := ask("198.51.100.9"); got != 200 {
		t.Errorf("another client's private page: got %d, want 200", got)
	}
}
