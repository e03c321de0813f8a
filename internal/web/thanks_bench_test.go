package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
)

// BenchmarkPersonalThanks serves a new signer's personal thank-you page
// through the web handler, as each signer's browser asks for it after the
// 303 (a claim already shown, so the store is not written): the page is
// rendered per request with the signer's link.
func BenchmarkPersonalThanks(b *testing.B) {
	db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "placard.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	c := &clock{t: clockStart}
	committer := store.NewCommitter(db, store.CommitterOptions{})
	defer committer.Close()
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: db, Recorder: committer,
		RateLimit: -1, Now: c.now}, signSite(b))
	if err != nil {
		b.Fatal(err)
	}
	d := doc(b, get(b, s, "GET", libraryPage, nil))
	v := url.Values{}
	d.Find("form#petition-form input[type=hidden]").Each(func(_ int, sel *goquery.Selection) {
		v.Set(sel.AttrOr("name", ""), sel.AttrOr("value", ""))
	})
	v.Set("name", "Ada Lovelace")
	v.Set("email", "ada@example.org")
	v.Set("consent", "yes")
	c.add(5 * time.Second)
	req := httptest.NewRequest("POST", libraryPage+"/sign", strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther {
		b.Fatalf("signing: %d", rec.Code)
	}
	thanks := rec.Header().Get("Location")
	if !strings.Contains(thanks, paramClaim+"=") {
		b.Fatalf("Location %q holds no claim", thanks)
	}
	get(b, s, "GET", thanks, nil) // the first look, which records the claim shown
	res := get(b, s, "GET", thanks, nil)
	wantStatus(b, res, 200)
	if page := body(b, res); !strings.Contains(page, "personal-link") {
		b.Fatal("the thank-you page shows no personal link")
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest("GET", thanks, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("got %d", rec.Code)
		}
	}
}
