package console

import (
	"context"
	"net/url"
	"testing"

	"github.com/placard/placard/internal/accounts"
)

// TestLinkTurnBackAfterDeadline: a sign-in link that could not be queued
// hands its turn in the shared pace (store.MailPace) back, so the
// organiser's next request sends one. When the queueing failed because
// the work's time (sendLaterTimeout) had run out — a database too slow
// to answer in a minute — the turn was handed back under that same
// ended context, which failed too: every instance then refused the
// organiser a link for accounts.LinkTTL, while the form said one was
// sent. Failed before: the second request sent nothing (0 links).
func TestLinkTurnBackAfterDeadline(t *testing.T) {
	var mb mailbox
	fail := true
	e := newEnv(t, nil)
	e.invite("riverside", "sam@example.org", accounts.RoleEditor)
	ctx, cancel := context.WithCancel(context.Background())
	e.c.cfg.Mail = func(_ context.Context, l Letter) error {
		if fail {
			cancel() // sendLater's context ends as the queueing fails
			return ctx.Err()
		}
		return mb.send(ctx, l)
	}
	if err := e.c.sendLinks(ctx, "sam@example.org", "en"); err == nil {
		t.Fatal("the failed queueing reported no error")
	}
	fail = false
	wantRedirect(t, e.browser().post(Prefix+"/signin/link", url.Values{"email": {"sam@example.org"}}), Prefix+"/signin?sent=1")
	e.c.sending.Wait()
	if n := len(mb.all()); n != 1 {
		t.Errorf("after a link that failed as its time ran out, the next request sent %d links, want 1: its turn was never handed back", n)
	}
}
