package console

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/postgres"
	"github.com/placard/placard/internal/store/postgres/migratedtest"
	"github.com/placard/placard/internal/web"
)

// onStore is newEnv on st instead of a fresh SQLite file.
func onStore(t *testing.T, st store.Store) *env {
	t.Helper()
	e := &env{t: t, st: st, clock: &clock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}, mail: &mailbox{}}
	e.acc = st.(store.Accounts)
	e.site = campaigntest.Site(t, testFiles())
	e.c, e.srv = e.serve(st)
	e.h = e.srv
	return e
}

// serve makes a Console and a public server over st with e's files,
// clock and mailbox.
func (e *env) serve(st store.Store) (*Console, *web.Server) {
	e.t.Helper()
	var srv *web.Server
	c, err := New(Config{
		Store: st, BaseURL: testBase, Now: e.clock.now, Mail: e.mail.send,
		Site: func() *campaign.Site { return srv.CurrentSite() },
	})
	if err != nil {
		e.t.Fatalf("console.New: %v", err)
	}
	srv, err = web.New(web.Config{BaseURL: testBase, Store: st, RateLimit: -1, Now: e.clock.now, Admin: c}, e.site)
	if err != nil {
		e.t.Fatalf("web.New: %v", err)
	}
	return c, srv
}

// secondInstance is another serve on e's database (through st, its own
// connection to it, or e's store): its own Console and public server over
// the same files and clock, as a second instance behind a load balancer.
func (e *env) secondInstance(st store.Store) *env {
	e.t.Helper()
	o := *e
	o.st, o.acc = st, st.(store.Accounts)
	o.c, o.srv = e.serve(st)
	o.h = o.srv
	return &o
}

// TestEmailLinksSpacedAcrossInstances: the sign-in form's one link per
// organiser per accounts.LinkTTL was kept in each process's memory, so
// behind a load balancer N instances sent an organiser N links a quarter
// of an hour, whoever asked (the form tells nobody whether an address
// organises, and anyone may post it). The spacing is now taken in the
// database every instance shares (store.MailPace), after the in-memory
// first line. On PostgreSQL the two instances have a pool each.
func TestEmailLinksSpacedAcrossInstances(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		e := newEnv(t, nil)
		linksAcrossInstances(t, e, e.secondInstance(e.st))
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := migratedtest.DSN(t)
		open := func() store.Store {
			db, err := postgres.Open(context.Background(), dsn)
			if err != nil {
				t.Fatalf("opening PostgreSQL: %v", err)
			}
			t.Cleanup(func() { db.Close() })
			return db
		}
		e := onStore(t, open())
		linksAcrossInstances(t, e, e.secondInstance(open()))
	})
}

func linksAcrossInstances(t *testing.T, e, e2 *env) {
	e.invite("riverside", "sam@example.org", accounts.RoleEditor)
	for _, in := range []*env{e, e2, e, e2} {
		wantRedirect(t, in.browser().post(Prefix+"/signin/link", url.Values{"email": {"sam@example.org"}}), Prefix+"/signin?sent=1")
		e.c.sending.Wait()
		e2.c.sending.Wait()
	}
	if n := len(e.mail.all()); n != 1 {
		t.Errorf("two instances sent %d links to one organiser within %v, want 1", n, accounts.LinkTTL)
	}
	// The one sent signs in on the other instance.
	if n := len(e.mail.all()); n > 0 {
		tok := e.linkFor(t, "sam@example.org")
		wantRedirect(t, e2.browser().post(Prefix+"/signin/link/use", url.Values{"token": {tok}}), Prefix)
	}
	// Once it has run out, either instance sends a new one, once.
	e.clock.add(accounts.LinkTTL)
	wantRedirect(t, e2.browser().post(Prefix+"/signin/link", url.Values{"email": {"sam@example.org"}}), Prefix+"/signin?sent=1")
	e2.c.sending.Wait()
	wantRedirect(t, e.browser().post(Prefix+"/signin/link", url.Values{"email": {"sam@example.org"}}), Prefix+"/signin?sent=1")
	e.c.sending.Wait()
	if n := len(e.mail.all()); n != 2 {
		t.Errorf("%d links in all after the first ran out, want 2", n)
	}
}
