package console

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/views/admin"
)

// signInPage offers a passkey and, when email is on, a link by email.
func (c *Console) signInPage(w http.ResponseWriter, r *http.Request) error {
	p := c.page(r, "")
	p.Title = p.L.T("console.signin")
	p.ScriptURL = c.jsURL
	switch q := r.URL.Query(); {
	case q.Get("removed") == "here":
		// The passkey this browser signed in with was removed here
		// (passkeylist.go), which ended this session too.
		p.Notice = p.L.N("console.passkey.ended.here", max(countParam(q.Get("ended")), 1))
	case q.Get("out") != "":
		p.Notice = p.L.T("console.signedout")
	}
	v := admin.SignIn{Next: Prefix}
	if c.wa != nil {
		v.PasskeyBegin, v.PasskeyFinish = Prefix+"/signin/passkey/begin", Prefix+"/signin/passkey/finish"
	}
	if c.cfg.Mail != nil {
		v.LinkAction = Prefix + "/signin/link"
		v.Sent = r.URL.Query().Get("sent") != ""
	}
	c.render(w, r, http.StatusOK, admin.SignInPage(p, v))
	return nil
}

// linkPost emails a single-use sign-in link to every organiser with the
// address given, and answers the same whether or not there is one, so the
// form tells nobody who organises. The links are made and queued after the
// answer (sendLater): storing them takes time only for an organiser's
// address, and the answer's delay would tell.
func (c *Console) linkPost(w http.ResponseWriter, r *http.Request) error {
	if c.cfg.Mail == nil {
		return errNotFound
	}
	if err := readForm(w, r); err != nil {
		return err
	}
	email, msg := signing.NormaliseEmail(r.PostForm.Get("email"))
	if msg.IsZero() && email != "" {
		c.sendLater(r.Context(), email, localizer(r).Lang())
	}
	http.Redirect(w, r, Prefix+"/signin?sent=1", http.StatusSeeOther)
	return nil
}

// sendLaterTimeout bounds the work of one request's links.
const sendLaterTimeout = time.Minute

// sendLater runs sendLinks beside the request; a failure is logged (never
// the address) and the organiser asks again.
func (c *Console) sendLater(ctx context.Context, email, lang string) {
	c.sending.Add(1)
	go func() {
		defer c.sending.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendLaterTimeout)
		defer cancel()
		if err := c.sendLinks(ctx, email, lang); err != nil {
			c.log.Error("making or queueing an emailed sign-in link failed", "err", err)
		}
	}()
}

// sendLinks sends one link per organisation the address organises.
func (c *Console) sendLinks(ctx context.Context, email, lang string) error {
	list, err := c.acc.Organisers(ctx, "")
	if err != nil {
		return err
	}
	l := localizerFor(lang)
	for _, o := range list {
		if o.Email != email || !c.linkDue(o.ID) {
			continue
		}
		due, err := c.linkTurn(ctx, o.ID)
		if err != nil {
			c.linkFailed(o.ID)
			return err
		}
		if !due {
			continue // another instance sent one within accounts.LinkTTL
		}
		secret, hash := accounts.NewSecret()
		expires := c.now().Add(accounts.LinkTTL)
		if err := c.acc.AddToken(ctx, accounts.Token{Hash: hash, Purpose: accounts.PurposeLink, OrganiserID: o.ID, ExpiresAt: expires}); err != nil {
			c.linkFailed(o.ID)
			c.giveLinkTurn(ctx, o.ID)
			return err
		}
		who := o.Org
		if who == "" {
			who = c.cfg.SiteName
		}
		link := c.base + Prefix + "/signin/link?t=" + secret
		body := l.T("console.mail.body", "org", who, "link", link)
		if err := c.cfg.Mail(ctx, Letter{To: o.Email, Lang: l.Lang(), Subject: l.T("console.mail.subject", "site", c.cfg.SiteName), Body: body, Expires: expires}); err != nil {
			c.linkFailed(o.ID)
			c.giveLinkTurn(ctx, o.ID)
			return err
		}
	}
	return nil
}

// linkDue reports whether organiser id may be sent a link now, and if so
// counts one as sent: at most one per accounts.LinkTTL (the last one
// still works meanwhile), however many clients ask, so the form cannot
// fill an organiser's inbox. The times are this process's own.
func (c *Console) linkDue(id int64) bool {
	c.linksMu.Lock()
	defer c.linksMu.Unlock()
	now := c.now()
	for k, at := range c.linksSent {
		if now.Sub(at) >= accounts.LinkTTL {
			delete(c.linksSent, k)
		}
	}
	if _, ok := c.linksSent[id]; ok {
		return false
	}
	if c.linksSent == nil {
		c.linksSent = map[int64]time.Time{}
	}
	c.linksSent[id] = now
	return true
}

// linkTurn takes organiser id's link turn in the database every instance
// shares (store.MailPace: one per accounts.LinkTTL), behind linkDue's
// per-process first line: kept only in memory, N instances behind a load
// balancer sent an organiser N links a quarter of an hour. A store
// without store.MailPace has one instance and linkDue is enough.
func (c *Console) linkTurn(ctx context.Context, id int64) (bool, error) {
	mp, ok := c.cfg.Store.(store.MailPace)
	if !ok {
		return true, nil
	}
	_, took, err := mp.MailTurn(ctx, linkPaceKey(id), accounts.LinkTTL, 1, c.now())
	return took, err
}

// giveLinkTurn hands back a turn linkTurn took for a link that was not
// queued, so the next request tries again; a failure to hand it back
// only delays the next link. It has time of its own (giveTurnTimeout):
// the queueing often failed because ctx ended (sendLaterTimeout), and
// handed back under it the turn stayed taken, every instance refusing
// the organiser a link for accounts.LinkTTL
// (TestLinkTurnBackAfterDeadline).
func (c *Console) giveLinkTurn(ctx context.Context, id int64) {
	if mp, ok := c.cfg.Store.(store.MailPace); ok {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), giveTurnTimeout)
		defer cancel()
		if err := mp.GiveMailTurn(ctx, linkPaceKey(id), accounts.LinkTTL); err != nil {
			c.log.Error("handing back a sign-in link's turn failed", "err", err)
		}
	}
}

// giveTurnTimeout bounds handing back a link's turn (giveLinkTurn).
const giveTurnTimeout = 10 * time.Second

// linkPaceKey is the store.MailPace row of organiser id's sign-in links:
// a hash of the organiser's number under its own label, 32 bytes like
// store.PaceHash's rows and never equal to one, holding no address.
func linkPaceKey(id int64) []byte {
	k := sha256.Sum256(fmt.Appendf(nil, "placard/signin-link-pace\x00%d", id))
	return k[:]
}

// linkFailed forgets a link that could not be queued, so the next request
// tries again.
func (c *Console) linkFailed(id int64) {
	c.linksMu.Lock()
	delete(c.linksSent, id)
	c.linksMu.Unlock()
}

// linkPage shows an emailed link's button. Opening it changes nothing.
func (c *Console) linkPage(w http.ResponseWriter, r *http.Request) error {
	return c.tokenPage(w, r, "console.link.heading", "console.link.text", "console.link.button", Prefix+"/signin/link/use")
}

// errReplaced answers an invitation link a newer invitation replaced.
var errReplaced = &httpError{http.StatusGone, "console.err.link", "console.invite.replaced"}

// replaced reports whether tok is an invitation a newer one replaced.
func (c *Console) replaced(r *http.Request, tok string) bool {
	inv, ok := c.cfg.Store.(store.Invites)
	if !ok || !accounts.WellFormed(tok) {
		return false
	}
	p, err := inv.TokenPurpose(r.Context(), accounts.HashSecret(tok), c.now())
	return err == nil && p == accounts.PurposeReplaced
}

// invitePage shows an invitation's button. Opening it changes nothing.
// A replaced invitation says so.
func (c *Console) invitePage(w http.ResponseWriter, r *http.Request) error {
	if c.replaced(r, r.URL.Query().Get("t")) {
		return errReplaced
	}
	return c.tokenPage(w, r, "console.invite.heading", "console.invite.text", "console.invite.button", Prefix+"/invite")
}

func (c *Console) tokenPage(w http.ResponseWriter, r *http.Request, heading, text, button, action string) error {
	tok := r.URL.Query().Get("t")
	if !accounts.WellFormed(tok) {
		return errExpired
	}
	p := c.page(r, "")
	p.Title = p.L.T(heading)
	c.render(w, r, http.StatusOK, admin.TokenPage(p, admin.TokenForm{
		Heading: p.Title, Text: p.L.T(text, "site", c.cfg.SiteName), Button: p.L.T(button), Action: action, Token: tok,
	}))
	return nil
}

// inviteUse spends an invitation: the organiser is signed in (a new
// session) and asked to add a passkey.
func (c *Console) inviteUse(w http.ResponseWriter, r *http.Request) error {
	o, err := c.spend(w, r, accounts.PurposeInvite)
	if errors.Is(err, errExpired) && c.replaced(r, r.PostForm.Get("token")) {
		return errReplaced
	}
	if err != nil {
		return err
	}
	if err := c.startSession(w, r, o, accounts.MethodInvite, nil); err != nil {
		return err
	}
	if c.wa == nil {
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, Prefix+"/passkey", http.StatusSeeOther)
	return nil
}

// linkUse spends an emailed sign-in link.
func (c *Console) linkUse(w http.ResponseWriter, r *http.Request) error {
	o, err := c.spend(w, r, accounts.PurposeLink)
	if err != nil {
		return err
	}
	if err := c.startSession(w, r, o, accounts.MethodLink, nil); err != nil {
		return err
	}
	http.Redirect(w, r, Prefix, http.StatusSeeOther)
	return nil
}

// spend takes the posted token for purpose: a used, expired or unknown
// token is a 410 saying to ask for a new one.
func (c *Console) spend(w http.ResponseWriter, r *http.Request, purpose accounts.Purpose) (accounts.Organiser, error) {
	if err := readForm(w, r); err != nil {
		return accounts.Organiser{}, err
	}
	tok := r.PostForm.Get("token")
	if !accounts.WellFormed(tok) {
		return accounts.Organiser{}, errExpired
	}
	t, err := c.acc.TakeToken(r.Context(), accounts.HashSecret(tok), purpose, c.now())
	if errors.Is(err, store.ErrNotFound) {
		return accounts.Organiser{}, errExpired
	}
	if err != nil {
		return accounts.Organiser{}, err
	}
	o, err := c.acc.Organiser(r.Context(), t.OrganiserID)
	if errors.Is(err, store.ErrNotFound) {
		return o, errExpired
	}
	return o, err
}

// home sends an organiser to their organisation; a site admin sees the
// list of organisations.
func (c *Console) home(w http.ResponseWriter, r *http.Request) error {
	o, _ := OrganiserFrom(r.Context())
	if o.Role != accounts.RoleSiteAdmin {
		http.Redirect(w, r, Prefix+"/"+url.PathEscape(o.Org), http.StatusSeeOther)
		return nil
	}
	p := c.page(r, "")
	p.Title = p.L.T("console.orgs")
	var orgs []admin.OrgLink
	if s := c.cfg.Site(); s != nil {
		for _, org := range s.Orgs {
			orgs = append(orgs, admin.OrgLink{Name: org.Name, URL: Prefix + "/" + org.Slug})
		}
	}
	c.render(w, r, http.StatusOK, admin.OrgsPage(p, orgs))
	return nil
}

// localizerFor is a localizer for a language already negotiated.
func localizerFor(lang string) *i18n.Localizer { return i18n.New(lang, nil) }
