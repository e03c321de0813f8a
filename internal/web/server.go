// Package web answers HTTP requests for a loaded campaigns Site: routes,
// handlers, middleware and error pages.
//
// What it serves is compiled by internal/site into an immutable snapshot:
// every page that does not change per request is rendered once, with its
// bytes, a gzip copy, a strong ETag and its own Content-Security-Policy
// (internal/pagecache), so serving a page is a map lookup and a write. A
// reload compiles a new snapshot beside the old one and swaps it in
// atomically; requests in flight finish on the snapshot they started with.
//
// Campaign pages that take signatures (site.SigningCampaign) are cached the
// same way, with two additions: each response carries a fresh signed form
// token spliced into the cached bytes (pagecache.Spliced, formtoken), and
// the tally watcher (internal/tallywatch, tallies.go) has a campaign's pages
// re-rendered when the store's figures for it change. A signature (sign.go)
// is answered with a redirect to the cached thank-you page only once it is
// durably committed.
//
// All routes are listed in routes.go; each handler file answers one kind of
// request. Handlers are methods that return an error; one adapter
// (errors.go) turns errors into a status and an error page.
package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-chi/httprate"
	"github.com/placard/placard/internal/attribution"
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/devreload"
	"github.com/placard/placard/internal/formtoken"
	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/markdown"
	"github.com/placard/placard/internal/ratelimit"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/site"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/tallywatch"
)

// Config is what the web layer needs from the command line.
type Config struct {
	// BaseURL is the public address of the site, such as
	// https://act.example.org, used for canonical URLs, share links and
	// og:url. It must be an absolute http or https URL; a trailing slash and
	// any path are ignored (Placard serves from the root of its host).
	BaseURL string
	// SiteName names the whole site on the index page, in og:site_name and in
	// the footer. Defaults to "Placard".
	SiteName string
	// Logger receives request logs (at debug level) and server errors. Defaults
	// to a logger that discards everything.
	Logger *slog.Logger
	// Dev marks a development server: responses say so in an X-Placard-Dev
	// header, and requests are logged at info level rather than debug.
	Dev bool
	// Now returns the current time; campaigns whose close_at has passed show
	// as closed, and form tokens are issued and checked against it. Defaults
	// to time.Now. Tests set it.
	Now func() time.Time

	// PreviewKey, when set, lets whoever knows it see drafts and campaigns
	// whose publish_at has not come, at the campaign's own address with
	// ?preview=KEY. The key sits in the query rather than the path so request
	// logs (which record only the path) never hold it, and the
	// strict-origin-when-cross-origin referrer policy keeps it from other
	// sites. It must be at least MinPreviewKey characters; empty means no
	// previews. Preview pages carry noindex and are never cached.
	PreviewKey string

	// Store keeps signatures. When nil, signing is off: petitions and
	// letters show no form and no tally, and POSTs to /sign answer 503 with
	// a plain page.
	Store store.Store
	// Signer records one signature durably before returning: in production
	// the store's group Committer, which batches concurrent signatures into
	// one transaction. Nil means Store.AddSignatures one at a time.
	Recorder Recorder
	// RateLimit is how many signing POSTs one client may send a minute
	// (other requests are never limited). 0 means DefaultRateLimit; a
	// negative number turns the limit off (load tests).
	RateLimit int
	// ClientIPHeader names the header a trusted reverse proxy sets to the
	// client's address, such as X-Real-IP; the rate limit counts by it.
	// Empty means the TCP peer's address is the client's. The header is
	// believed only from peers in TrustedProxies, and a list in it
	// (X-Forwarded-For, Forwarded) is read from the right: the client is
	// the right-most address that is not a trusted proxy (middleware.go).
	ClientIPHeader string
	// TrustedProxies are the address ranges of the reverse proxies whose
	// ClientIPHeader is believed. Empty means loopback only (a proxy on the
	// same machine).
	TrustedProxies []netip.Prefix
	// Secret signs form tokens. Empty means Store.Secret (shared by every
	// instance using the same database), or a random key when Store is nil.
	Secret []byte
	// TallyInterval is how often Run flushes arrival counts, and how often
	// the store polls in place of change reports it may miss (SQLite: other
	// processes' writes; PostgreSQL: while its LISTEN connection is down);
	// otherwise Run re-renders as soon as the store reports a change. 0
	// means one second.
	TallyInterval time.Duration
	// SiteOrigins lists the origins (scheme://host[:port], no path) of
	// static copies of the site made with `placard build`, whose forms post
	// here from another origin. Signing POSTs from these origins pass the
	// cross-origin check. A static page cannot carry a form token, so such
	// a POST without one stores nothing by itself: the form is shown again
	// here, with the signer's details and a token issued now, and pressing
	// Sign on it signs (anything can send an Origin header, so accepting
	// the POST itself would let any script skip the token). Empty: only
	// this server's own pages may post.
	SiteOrigins []string
	// FormOrigin is for static copies (placard build --api-origin): when
	// Store is nil and FormOrigin is set, petitions and letters show their
	// signing form posting to FormOrigin + "/org/campaign/sign" with no
	// token (the live server there must list this copy's origin in its
	// SiteOrigins), and each page's policy allows that form action. It is
	// a scheme and host only, such as https://act.example.org.
	FormOrigin string
	// MailTokens, when set, turns on email to signers (serve --smtp): a
	// signature queues its confirmation or thank-you email in its own
	// transaction, campaigns with email: {confirm: true} hold signatures
	// until confirmed, and the confirmation, unsubscribe and data pages
	// answer (mail.go). It seals and opens the emails' links, so the
	// deliverer must render with the same tokens. The store must keep mail
	// and an outbox (store.Mail, store.Outbox). Nil: no email, and pages
	// say nothing about it.
	MailTokens *mail.Tokens
	// Admin, when set, is the organisers' console, mounted at /admin
	// (internal/console; serve --admin-addr gives it its own listener
	// instead, and leaves this nil).
	Admin http.Handler
	// WakeOutbox, when set, is called after a signature with outbox
	// messages (webhooks, emails) is stored, so the delivery worker looks
	// at once (outbox.Worker.Wake). It must not block.
	WakeOutbox func()
}

// DefaultRateLimit is the signing POSTs a client may send a minute when
// Config.RateLimit is 0: far more than a person signing a few petitions,
// far fewer than a script.
const DefaultRateLimit = 10

// Signer records a signature durably; store.Committer is one. It returns
// store.ErrAlreadySigned when the campaign already has that email, and any
// other error when the signature was not recorded.
type Recorder interface {
	Sign(ctx context.Context, sig *signing.Signature) error
}

// passer is a Recorder that can wait as a signature sent now would —
// until the writer's next batch has committed — storing nothing of the
// form but one more caught for org's campaign (store.Committer.Pass). The
// honeypot's answer waits on it, so it comes on the same signal as a
// signature's, and fails when a signature would.
type passer interface {
	Pass(ctx context.Context, org, campaign string) error
}

// storeSigner adapts a Store to Signer, one transaction per signature.
type storeRecorder struct{ st store.Store }

func (s storeRecorder) Sign(ctx context.Context, sig *signing.Signature) error {
	res, err := s.st.AddSignatures(ctx, []*signing.Signature{sig})
	if err != nil {
		return err
	}
	return res[0]
}

// Pass counts one form of org's campaign caught by the trap in a
// transaction of its own, as Sign stores a signature (store.Traps); a
// store that counts none runs nothing.
func (s storeRecorder) Pass(ctx context.Context, org, campaign string) error {
	tr, ok := s.st.(store.Traps)
	if !ok {
		return nil
	}
	_, err := tr.AddBatch(ctx, nil, []store.Caught{{Org: org, Campaign: campaign, N: 1}})
	return err
}

// Server is the public site as an http.Handler. It is safe for concurrent
// use; SetSite may be called while requests are being served.
type Server struct {
	cfg     Config
	base    string // BaseURL without a trailing slash
	log     *slog.Logger
	md      *markdown.Renderer
	handler http.Handler

	snap atomic.Pointer[site.Snapshot]

	// mu serialises SetSite so snapshots are built one at a time and the
	// close_at timer always belongs to the newest one.
	mu    sync.Mutex
	timer *time.Timer

	tokens formtoken.Signer
	// used remembers the tokens that have signed (formtoken.Used), per client
	// as keyer names it (middleware.go).
	used  *formtoken.Used
	keyer *clientKeyer
	// suggests counts each client's 404 suggestion searches (notfound.go).
	suggests *suggestLimiter
	// impacts counts each client's private pages of personal links
	// (notfound.go: impactBudget); nil with the rate limits off.
	impacts *httprate.RateLimiter
	// signWindow is the context signatures wait for the store under
	// (sign.go: signContext), shared by those of one second.
	signWindow atomic.Pointer[signWindow]
	// tallies holds the last figures fetched from the store per campaign
	// ("org/slug"); guarded by mu, like the snapshot builds that read it.
	tallies map[string]*tallywatch.Tally
	// watch follows the store's tallies and delivers them to tallies
	// (tallies.go); nil when signing is off.
	watch *tallywatch.Watcher

	// gen holds the share cards and QR codes made so far (cards.go).
	lazy *site.LazyFiles

	// dev wakes the live-preview event streams (dev.go); nil unless Config.Dev.
	dev *devreload.Hub

	// arrivals counts tagged page views until the next flush, and claims
	// carries new personal links to the thank-you page (formtoken.Claims).
	arrivals attribution.Arrivals
	claims   *formtoken.Claims
	// sealer seals a supporter's message to a decision-maker into the
	// link that confirms their address (contact_write.go).
	sealer formtoken.Sealer
	// seals counts the letters sealed, the costly step of a write
	// (TestContactRefusalsSealNothing reads it).
	seals atomic.Uint64
	// links makes signers' personal links (stored nowhere until they bring
	// someone), and credits counts what stored signatures brought, until
	// the poller writes it (internal/attribution).
	links   *attribution.Links
	credits attribution.Credits
	// rotation picks each response's share-message rendering in turn.
	rotation atomic.Uint64
	// proxyWarned is set once the rate limit's client-address warning has
	// been logged (sign.go).
	proxyWarned atomic.Bool
	// dataLinks holds back a second data-page link to one mailbox, and
	// mailPace paces the confirmations and thank-yous anyone can have
	// sent to an address they type (datalimit.go).
	dataLinks, mailPace *ratelimit.Pace
	// paceLog counts what mailPace holds back, for the log (datalimit.go).
	paceLog paceLog
	// resends are the work left after an answer — waiting signatures'
	// confirmations queued again after their repeat's answer (sign.go:
	// resendAfter), data-page links looked up and queued after the
	// request form's answer (data.go: dataRequest) — and resending how
	// many are under way.
	resends   sync.WaitGroup
	resending atomic.Int64

	// readPaths is the read path's set of pages (readpath.go).
	readPaths readPathCache
	// notReady is the last readiness probe's answer, so only a change of
	// state is logged (handlers.go).
	notReady atomic.Bool
	// readyRun is the store probe under way for /readyz, shared by the
	// probes arriving meanwhile (handlers.go); guarded by readyMu.
	readyMu  sync.Mutex
	readyRun *readyProbe
	// readyWhy is /readyz's latest "not ready" answer ("" when ready),
	// so the log has each new reason once; guarded by readyMu.
	readyWhy string
	// fileKey keys the addresses previews give the files no public page
	// names (site.Options.FileKey), from the form-signing key, so every
	// instance sharing the store opens the same ones.
	fileKey []byte
}

// New is NewContext without a deadline or cancellation.
func New(cfg Config, loaded *campaign.Site) (*Server, error) {
	return NewContext(context.Background(), cfg, loaded)
}

// NewContext checks cfg, builds the first snapshot from loaded (which may be
// nil for an empty site) and returns the server. ctx bounds what
// construction may wait for: reading the form-signing key from the store
// (at most 30 seconds) and starting the first build.
func NewContext(ctx context.Context, cfg Config, loaded *campaign.Site) (*Server, error) {
	if k := cfg.PreviewKey; k != "" && len(k) < MinPreviewKey {
		return nil, fmt.Errorf("the preview key must be at least %d characters long so it cannot be guessed — it has %d", MinPreviewKey, len(k))
	}
	u, err := url.Parse(strings.TrimSpace(cfg.BaseURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("the base URL must be a full http:// or https:// address, such as https://act.example.org")
	}
	cfg.FormOrigin = strings.TrimSuffix(strings.TrimSpace(cfg.FormOrigin), "/")
	origins := cfg.SiteOrigins
	if cfg.FormOrigin != "" {
		origins = append(slices.Clone(origins), cfg.FormOrigin)
	}
	for _, o := range origins {
		ou, perr := url.Parse(o)
		if err := http.NewCrossOriginProtection().AddTrustedOrigin(o); err != nil || perr != nil || (ou.Scheme != "http" && ou.Scheme != "https") {
			return nil, fmt.Errorf("the site origin or API origin %q must be a scheme and host only, such as https://campaigns.example.org", o)
		}
	}
	if cfg.SiteName == "" {
		cfg.SiteName = "Placard"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.RateLimit == 0 {
		cfg.RateLimit = DefaultRateLimit
	}
	if cfg.TallyInterval <= 0 {
		cfg.TallyInterval = time.Second
	}
	if cfg.Store != nil && cfg.Recorder == nil {
		cfg.Recorder = storeRecorder{cfg.Store}
	}
	key := cfg.Secret
	if len(key) == 0 && cfg.Store != nil {
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		k, err := cfg.Store.Secret(sctx)
		cancel()
		if err != nil {
			return nil, fmt.Errorf("reading the form-signing key from the database: %w", err)
		}
		key = k
	}
	if len(key) == 0 {
		key = make([]byte, 32)
		_, _ = rand.Read(key)
	}
	links, err := linkSecret(ctx, cfg.Store)
	if err != nil {
		return nil, err
	}
	s := &Server{
		fileKey: previewFileKey(key),
		cfg:     cfg,
		base:    u.Scheme + "://" + u.Host,
		log:     cfg.Logger,
		md:      markdown.New(),
		tokens:  formtoken.New(key),
		used:    formtoken.NewUsed(),
		keyer:   newClientKeyer(cfg.ClientIPHeader, cfg.TrustedProxies),
		tallies: map[string]*tallywatch.Tally{},
		lazy:    &site.LazyFiles{},
		links:   links,

		dataLinks: newDataLinkPace(),
		mailPace:  newMailPace(),
	}
	s.sealer = formtoken.NewSealer(key, "contact message")
	s.suggests = newSuggestLimiter(suggestBudget, suggestSiteBudget)
	if cfg.RateLimit > 0 {
		s.impacts = newQuietLimiter(impactBudget)
	}
	if cfg.Store != nil {
		s.claims = formtoken.NewClaims(key, refTokenLen, refKeyLen, cfg.Store.ClaimOnce)
	} else {
		s.claims = formtoken.NewClaims(key, refTokenLen, refKeyLen, nil)
	}
	if cfg.Dev {
		s.dev = devreload.New()
	}
	if cfg.Store != nil {
		s.watch = s.newWatcher()
	}
	s.handler = s.routes()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := s.SetSite(loaded); err != nil {
		return nil, err
	}
	return s, nil
}

// SetSite renders every public page of site into a new snapshot and swaps it
// in. If rendering fails the old snapshot keeps serving and the error is
// returned. Static files of the previous snapshot stay available for one
// more generation, so a page fetched just before a reload still finds its
// stylesheet and images.
func (s *Server) SetSite(loaded *campaign.Site) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var err error
	Frugally(func() { err = s.setSite(loaded) })
	return err
}

// setSite is SetSite, under s.mu.
func (s *Server) setSite(loaded *campaign.Site) error {
	snap, err := s.build(loaded, s.snap.Load())
	if err != nil {
		return err
	}
	s.snap.Store(snap)
	s.readPaths.forget()
	s.lazy.Keep(snap.Lazy)
	s.scheduleClose(loaded)
	s.dev.Set(nil) // dev mode: open tabs reload
	return nil
}

// Frugally runs f, a load or build of a site, with the garbage collector
// working harder, and hands what was freed back to the system afterwards.
// Loading and building make a lot of short-lived garbage (files read and
// parsed, templates rendered into buffers that are compressed and dropped)
// while the site serving holds its own snapshot: at the default GOGC the
// heap would grow to twice both, the peak of a reload. Calls nest (a reload
// around SetSite): only the outermost changes and restores the settings.
func Frugally(f func()) {
	if frugal.Add(1) > 1 {
		defer frugal.Add(-1)
		f()
		return
	}
	gc := debug.SetGCPercent(buildGCPercent)
	defer frugal.Add(-1)
	defer debug.FreeOSMemory()
	defer debug.SetGCPercent(gc)
	f()
}

// frugal counts the Frugally calls running.
var frugal atomic.Int32

// buildGCPercent is the garbage collector's GOGC while a site is loaded
// and built.
const buildGCPercent = 25

// scheduleClose rebuilds the snapshot when the next campaign's close_at or
// publish_at passes, so a campaign closes, or appears, on time without a
// reload.
func (s *Server) scheduleClose(loaded *campaign.Site) {
	if s.timer != nil {
		s.timer.Stop()
		s.timer = nil
	}
	if loaded == nil {
		return
	}
	now := s.cfg.Now()
	next := nextChange(loaded, now)
	if next.IsZero() {
		return
	}
	s.timer = time.AfterFunc(next.Sub(now)+time.Second, func() {
		if s.snap.Load().Site != loaded {
			return // a newer site has been loaded; it scheduled its own timer
		}
		if err := s.SetSite(loaded); err != nil {
			s.log.Error("closing a campaign on time failed; the old pages keep serving", "err", err)
		}
	})
}

// MinPreviewKey is the shortest Config.PreviewKey New accepts.
const MinPreviewKey = 16

// nextChange is the earliest close_at or publish_at after now, or zero when
// no campaign changes on its own: the moment the snapshot must be rebuilt.
func nextChange(loaded *campaign.Site, now time.Time) time.Time {
	var next time.Time
	for _, o := range loaded.Orgs {
		for _, c := range o.Campaigns {
			for _, at := range []time.Time{c.CloseAt, c.PublishAt} {
				if !at.IsZero() && at.After(now) && (next.IsZero() || at.Before(next)) {
					next = at
				}
			}
		}
	}
	return next
}

// build renders site into a new snapshot. prev, when not nil, lends its
// static files for one more generation.
func (s *Server) build(loaded *campaign.Site, prev *site.Snapshot) (*site.Snapshot, error) {
	mode := site.ModePublic
	if s.cfg.Store == nil && s.cfg.FormOrigin != "" {
		mode = site.ModeStatic
	}
	return site.Compile(site.Options{
		Base: s.base, SiteName: s.cfg.SiteName, Mode: mode, Signing: s.cfg.Store != nil,
		FormOrigin: s.cfg.FormOrigin, PreviewKey: s.cfg.PreviewKey, Dev: s.cfg.Dev, DevScript: devScript, Now: s.cfg.Now,
		Tallies: s.tallies, Files: s.lazy, FileKey: s.fileKey,
	}, s.md, loaded, prev)
}

// previewFileKey is the key of previews' file addresses, made from the
// form-signing key so it is the same on every instance and tells nothing
// of it.
func previewFileKey(formKey []byte) []byte {
	m := hmac.New(sha256.New, formKey)
	m.Write([]byte("placard preview files"))
	return m.Sum(nil)
}

// PreviewFileKey is the key the console's previews give to
// site.Options.FileKey, so the pictures and documents only a draft uses
// open on this server.
func (s *Server) PreviewFileKey() []byte { return s.fileKey }
