package web

import (
	"context"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/sqlite"
)

// TestDataRequestMailsAnAddressOnceAWhile: attack on the data-page
// request form — it mails a link to any address that signed, and the
// data-page link is the one email an unsubscribed address still gets,
// so anyone could fill a signer's inbox with "Your data at …" emails
// (and the organisation's sending reputation with complaints), limited
// only per client, and by nothing at all across many clients. Now one
// address is sent at most one link every ten minutes (per instance); the
// page answers the same. Failed before: four requests sent four links.
func TestDataRequestMailsAnAddressOnceAWhile(t *testing.T) {
	e := signedForData(t, openSQLite(t)) // the thank-you is mail 1
	ask := func() string {
		res := e.post(t, "/riverside/mail/data", url.Values{"email": {"ada@example.org"}, "lang": {"en"}}, nil)
		wantStatus(t, res, 200)
		return text(doc(t, res).Find("main"))
	}
	first := ask()
	for range 3 {
		if again := ask(); again != first {
			t.Fatalf("a repeated request answered differently:\n%s\n%s", first, again)
		}
	}
	mails := e.deliver(t, 2)
	if n := len(e.smtp.Mails()); n != 2 {
		t.Fatalf("%d emails after four requests for one address; want the thank-you and one data link", n)
	}
	if !strings.Contains(mails[1].Subject, "Your data at") {
		t.Errorf("second email %q, want the data link", mails[1].Subject)
	}
	// Still held back a minute later; sent again once the wait is over.
	e.clock.add(time.Minute)
	ask()
	e.clock.add(dataLinkEvery)
	ask()
	e.deliver(t, 3)
}

// gatedSupporter is a real SQLite store whose Supporter read, once gate
// is set, says so on entered and goes on only when gate lets it.
type gatedSupporter struct {
	*sqlite.DB
	entered chan struct{}
	gate    atomic.Pointer[chan struct{}]
}

func (g *gatedSupporter) Supporter(ctx context.Context, org, email string) ([]signing.Signature, error) {
	if gate := g.gate.Load(); gate != nil {
		g.entered <- struct{}{}
		<-*gate
	}
	return g.DB.Supporter(ctx, org, email)
}

// TestDataRequestAnswersBeforeLooking: the data-page request form answers
// the same page whether the address signed or not, but looked the address
// up, and for a signer queued the email (a write, a commit), before
// answering: how long the answer took told a bystander typing any
// address whether it had signed. Now the answer is written before the
// store is asked anything, and the lookup and the email follow it.
// Asserted by structure: with the store's read held at a gate, the
// answer still comes. Failed before: the answer waited at the gate.
func TestDataRequestAnswersBeforeLooking(t *testing.T) {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	g := &gatedSupporter{DB: db, entered: make(chan struct{}, 1)}
	e := signedForData(t, g)
	var pages []string
	for _, addr := range []string{"ada@example.org", "nobody@example.org"} {
		gate := make(chan struct{})
		g.gate.Store(&gate)
		req := httptest.NewRequest("POST", "/riverside/mail/data", strings.NewReader(url.Values{"email": {addr}, "lang": {"en"}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		rec := httptest.NewRecorder()
		done := make(chan struct{})
		go func() { e.s.ServeHTTP(rec, req); close(done) }()
		// The lookup may begin before ServeHTTP returns (it runs beside
		// the answer's last steps); what matters is that the answer comes
		// while the lookup is held. The bound only ends a test that would
		// otherwise hang on an answer that waits for the lookup.
		<-g.entered
		select {
		case <-done:
		case <-time.After(time.Minute):
			close(gate)
			<-done
			t.Fatalf("%s: the answer waited for the store's lookup of the address", addr)
		}
		res := rec.Result()
		wantStatus(t, res, 200)
		pages = append(pages, text(doc(t, res).Find("main")))
		close(gate)
		e.s.waitBackground()
		g.gate.Store(nil)
	}
	if pages[0] != pages[1] {
		t.Errorf("a signer's address and another got different pages:\n%s\n%s", pages[0], pages[1])
	}
	// The signer's data link was still sent, and only theirs.
	mails := e.deliver(t, 2)
	if len(e.smtp.Mails()) != 2 || !strings.Contains(mails[1].Subject, "Your data at") {
		t.Errorf("after both requests: %d emails, want the thank-you and one data link", len(e.smtp.Mails()))
	}
}

// TestDrainWaitsForDataLookup: the data-page link's lookup runs after the
// answer (dataRequest); Drain, which serve calls before closing the
// committer and the store, returns only once it has queued the link.
// Asserted by structure: the lookup is held at a gate while Drain is
// called, and the link is queued when Drain returns.
func TestDrainWaitsForDataLookup(t *testing.T) {
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	g := &gatedSupporter{DB: db, entered: make(chan struct{}, 1)}
	e := signedForData(t, g)
	gate := make(chan struct{})
	g.gate.Store(&gate)
	req := httptest.NewRequest("POST", "/riverside/mail/data", strings.NewReader(url.Values{"email": {"ada@example.org"}, "lang": {"en"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	rec := httptest.NewRecorder()
	e.s.ServeHTTP(rec, req)
	wantStatus(t, rec.Result(), 200)
	<-g.entered // the lookup, after the answer, held
	drained := make(chan struct{})
	go func() { e.s.Drain(); close(drained) }()
	close(gate)
	<-drained
	g.gate.Store(nil)
	if mails := e.deliver(t, 2); len(mails) != 2 || !strings.Contains(mails[1].Subject, "Your data at") {
		t.Errorf("after Drain: %d emails, want the thank-you and the data link queued", len(mails))
	}
}
