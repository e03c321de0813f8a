package console

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/web"
)

// secondInstance is another serve on e's database: its own Console and
// public server over the same store, files and clock, as a second
// instance behind a load balancer is.
func (e *env) secondInstance() (*Console, *env) {
	e.t.Helper()
	c, err := New(Config{
		Store: e.st, BaseURL: testBase, Now: e.clock.now, Mail: e.mail.send,
		Site: func() *campaign.Site { return e.srv.CurrentSite() },
	})
	if err != nil {
		e.t.Fatalf("console.New: %v", err)
	}
	srv, err := web.New(web.Config{BaseURL: testBase, Store: e.st, RateLimit: -1, Now: e.clock.now, Admin: c}, e.site)
	if err != nil {
		e.t.Fatalf("web.New: %v", err)
	}
	o := *e
	o.c, o.srv, o.h = c, srv, srv
	return c, &o
}

// TestEmailLinksSpacedAcrossInstances: the sign-in form's one link per
// organiser per accounts.LinkTTL was kept in each process's memory, so
// behind a load balancer N instances sent an organiser N links a quarter
// of an hour, whoever asked (the form tells nobody whether an address
// organises, and anyone may post it). The spacing is now taken in the
// database every instance shares (store.MailPace), after the in-memory
// first line.
func TestEmailLinksSpacedAcrossInstances(t *testing.T) {
	e := newEnv(t, nil)
	e.invite("riverside", "sam@example.org", accounts.RoleEditor)
	c2, e2 := e.secondInstance()
	for _, in := range []*env{e, e2, e, e2} {
		wantRedirect(t, in.browser().post(Prefix+"/signin/link", url.Values{"email": {"sam@example.org"}}), Prefix+"/signin?sent=1")
		e.c.sending.Wait()
		c2.sending.Wait()
	}
	if n := len(e.mail.all()); n != 1 {
		t.Errorf("two instances sent %d links to one organiser within %v, want 1", n, accounts.LinkTTL)
	}
	// The one sent still signs in, on either instance.
	if n := len(e.mail.all()); n > 0 {
		b := e2.browser()
		tok := e.linkFor(t, "sam@example.org")
		wantCode(t, b.post(Prefix+"/signin/link/use", url.Values{"token": {tok}}), http.StatusSeeOther)
	}
	// Once it has run out, either instance sends a new one, once.
	e.clock.add(accounts.LinkTTL)
	wantRedirect(t, e2.browser().post(Prefix+"/signin/link", url.Values{"email": {"sam@example.org"}}), Prefix+"/signin?sent=1")
	c2.sending.Wait()
	wantRedirect(t, e.browser().post(Prefix+"/signin/link", url.Values{"email": {"sam@example.org"}}), Prefix+"/signin?sent=1")
	e.c.sending.Wait()
	if n := len(e.mail.all()); n != 2 {
		t.Errorf("%d links in all after the first ran out, want 2", n)
	}
}
