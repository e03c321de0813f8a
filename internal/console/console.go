// Package console is the organisers' console: the pages under /admin/ where
// an organisation's organisers sign in (an invitation, then a passkey or an
// emailed link), see their campaigns' figures, moderate organisations that
// signed a letter, download exports, erase a supporter on request and read
// the audit log. Who may do what is internal/accounts'; the rows are
// store.Accounts'; the pages are views/admin's.
//
// Every response carries a strict Content-Security-Policy (script and
// style only from the console's own files), no-store, and no third-party
// request. Every state-changing request passes net/http's
// CrossOriginProtection, as signing does; sign-in requests are rate
// limited per client.
//
// # Adding a page
//
// Pages of one organisation live under /admin/{org}/… and are declared in
// routes (routes.go), inside the org group, so the session middleware has
// already put the organiser in the request context and orgScope has
// answered 404 to anyone who may not see {org}. A page is a method
//
//	func (c *Console) myPage(w http.ResponseWriter, r *http.Request) error
//
// added with c.handle(c.myPage). It reads who is asking with
// OrganiserFrom(r.Context()) and the organisation with c.org(r); it
// refuses changes with c.mayChange(r) (viewers get 403); it records what it
// changed with c.audit(r, action, detail); and it renders a views/admin
// component inside c.page(r, title), which fills the navigation. Return an
// error from errNotFound/errForbidden/badRequest for a 4xx; any other error
// is logged and shown as a plain 500 page.
package console

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/editing"
	"github.com/placard/placard/internal/store"
)

// Prefix is where the console lives, on the public listener or its own.
const Prefix = "/admin"

//go:embed static
var staticFiles embed.FS

// Mailer sends one sign-in email; in serve it is OutboxMailer (mail.go).
type Mailer func(ctx context.Context, l Letter) error

// Config is what the console needs from serve.
type Config struct {
	// Store keeps signatures and must implement store.Accounts.
	Store store.Store
	// BaseURL is the console's public address (scheme and host), used in
	// invitation and sign-in links, the passkeys' relying party and the
	// cross-origin check. The session cookie is Secure unless it is a
	// plain http:// loopback address.
	BaseURL string
	// Origins are further origins whose forms may post here (the public
	// site's, when the console has its own listener).
	Origins []string
	// Site returns the campaigns being served (nil for none).
	Site func() *campaign.Site
	// SiteName names the installation in the passkey prompt.
	SiteName string
	// Logger receives server errors; never an address or a name.
	Logger *slog.Logger
	// Now is the clock (tests set it). Defaults to time.Now.
	Now func() time.Time
	// ClientKey names the client for the sign-in rate limit. Defaults to
	// the connection's address.
	ClientKey func(*http.Request) string
	// PreviewFileKey is the server's key for the addresses a preview
	// gives the files only drafts use (site.Options.FileKey), so the
	// editor's previews show them. nil: previews name the plain address.
	PreviewFileKey func() []byte
	// SignInLimit is how many sign-in attempts one client may make a
	// minute. 0 means DefaultSignInLimit.
	SignInLimit int
	// Mail sends sign-in links; nil means no email sign-in.
	Mail Mailer
	// Outbox, when set (serve sets it when webhooks or email are
	// delivered), lets the dashboard say what waits to be sent.
	Outbox store.Outbox
	// Editing, when set, lets editors change their organisation's files
	// from the console (edit.go).
	Editing *editing.Workspace
	// SiteURL is the public site's address (serve --base-url), for the
	// browser_url of what a moderation decision tells the organisation's
	// webhooks; "" leaves it out.
	SiteURL string
	// WakeOutbox, when set, tells the delivery worker that a decision
	// queued messages for the organisation's systems.
	WakeOutbox func()
}

// DefaultSignInLimit is Config.SignInLimit's default: plenty for a person
// fumbling, too few to guess anything.
const DefaultSignInLimit = 10

// Console serves the console's pages. It is safe for concurrent use.
type Console struct {
	cfg Config
	acc store.Accounts
	// pages and moderation are cfg.Store's (New checks both are there).
	pages      store.Paging
	moderation store.Moderation
	log        *slog.Logger
	base       string
	secure     bool
	cookie     string
	wa         *webauthn.WebAuthn // nil when the console is reached by an IP address
	handler    http.Handler
	static     map[string]staticFile
	styleURL   string
	jsURL      string
	sending    sync.WaitGroup // emailed sign-in links being made (signin.go)

	linksMu   sync.Mutex
	linksSent map[int64]time.Time // when each organiser was last sent a link (linkDue)
}

// New checks cfg and returns the console.
func New(cfg Config) (*Console, error) {
	acc, ok := cfg.Store.(store.Accounts)
	if !ok || cfg.Store == nil {
		return nil, errors.New("the console needs a database that keeps organisers (SQLite or PostgreSQL)")
	}
	// Both engines page and moderate; a store that could not would make
	// the console read whole queues, or decide one signature at a time.
	pages, ok := cfg.Store.(store.Paging)
	moderation, ok2 := cfg.Store.(store.Moderation)
	if !ok || !ok2 {
		return nil, errors.New("the console needs a database that reads signatures a page at a time (SQLite or PostgreSQL)")
	}
	u, err := url.Parse(strings.TrimSpace(cfg.BaseURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("the console's base URL must be a full http:// or https:// address, such as https://act.example.org")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.SignInLimit == 0 {
		cfg.SignInLimit = DefaultSignInLimit
	}
	if cfg.Site == nil {
		cfg.Site = func() *campaign.Site { return nil }
	}
	if cfg.SiteName == "" {
		cfg.SiteName = "Placard"
	}
	if cfg.ClientKey == nil {
		cfg.ClientKey = func(r *http.Request) string {
			host, _, err := net.SplitHostPort(r.RemoteAddr)
			if err != nil {
				return r.RemoteAddr
			}
			return host
		}
	}
	c := &Console{cfg: cfg, acc: acc, pages: pages, moderation: moderation, log: cfg.Logger, base: u.Scheme + "://" + u.Host}
	c.secure = !(u.Scheme == "http" && loopback(u.Hostname()))
	// __Host- cookies must be Secure; on a plain-http loopback address
	// (a laptop trying Placard) browsers refuse Secure cookies from some
	// hosts, so the cookie drops the prefix there.
	c.cookie = "__Host-placard-session"
	if !c.secure {
		c.cookie = "placard-session"
	}
	if c.secure && u.Scheme == "http" {
		// Browsers keep a Secure cookie only from https (or loopback):
		// nobody could stay signed in.
		c.log.Warn("the console's address is plain http on a host that is not this machine, so browsers will not keep its sign-in cookie; serve it over HTTPS and give that address (--base-url, or --admin-url with --admin-addr)", "address", c.base)
	}
	origins := []string{c.base}
	for _, o := range cfg.Origins {
		if o = strings.TrimSuffix(strings.TrimSpace(o), "/"); o != "" {
			origins = append(origins, o)
		}
	}
	// Passkeys are bound to a host name: browsers refuse them on an IP
	// address, so a console reached by one (serve's default
	// http://127.0.0.1:8080) offers invitation and email links only.
	if net.ParseIP(u.Hostname()) == nil {
		c.wa, err = webauthn.New(&webauthn.Config{
			RPID:          u.Hostname(),
			RPDisplayName: cfg.SiteName,
			RPOrigins:     []string{c.base},
			// A passkey alone signs in (it names its organiser), so the
			// authenticator must check who uses it (PIN, fingerprint,
			// screen lock), not only that someone touched it.
			AuthenticatorSelection: protocol.AuthenticatorSelection{UserVerification: protocol.VerificationRequired},
		})
		if err != nil {
			return nil, fmt.Errorf("setting up passkeys for %s: %w", c.base, err)
		}
	}
	if err := c.loadStatic(); err != nil {
		return nil, err
	}
	c.handler = c.routes(origins)
	return c, nil
}

// ServeHTTP answers a request under Prefix (the router strips nothing:
// mount it at Prefix, or use Standalone).
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) { c.handler.ServeHTTP(w, r) }

// loopback reports whether host names this machine.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Invitation creates org's organiser with address email and role (or
// finds them, when already invited) and returns a one-time link that
// signs them in: `placard organisers invite` prints it. A site admin has
// org "". Their earlier invitation links stop working (store.Invites).
func Invitation(ctx context.Context, st store.Store, base string, org, email string, role accounts.Role, now time.Time) (link string, o accounts.Organiser, err error) {
	acc, ok := st.(store.Accounts)
	if !ok {
		return "", o, errors.New("this database does not keep organisers")
	}
	o = accounts.Organiser{Org: org, Email: email, Role: role}
	if err := acc.AddOrganiser(ctx, &o); errors.Is(err, store.ErrExists) {
		if o, err = acc.FindOrganiser(ctx, org, email); err != nil {
			return "", o, err
		}
	} else if err != nil {
		return "", o, err
	}
	// A new invitation replaces the address's earlier unused ones in this
	// organisation: a link sent to a wrong or old mailbox is taken back
	// by sending a new one, and says it was replaced.
	if inv, ok := st.(store.Invites); ok {
		if _, err := inv.ReplaceTokens(ctx, o.ID, accounts.PurposeInvite, accounts.PurposeReplaced); err != nil {
			return "", o, err
		}
	}
	secret, hash := accounts.NewSecret()
	if err := acc.AddToken(ctx, accounts.Token{Hash: hash, Purpose: accounts.PurposeInvite, OrganiserID: o.ID, ExpiresAt: now.Add(accounts.InviteTTL)}); err != nil {
		return "", o, err
	}
	if err := acc.AddAudit(ctx, &accounts.AuditEntry{Org: org, Actor: "", Action: accounts.ActInvite, Detail: string(o.Role), At: now}); err != nil {
		return "", o, err
	}
	return strings.TrimSuffix(base, "/") + Prefix + "/invite?t=" + secret, o, nil
}
