package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/postgres"
	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/internal/web"
)

const serveSynopsis = `Serve the campaigns in a folder as web pages, and take signatures on
their petitions and open letters.

Every flag can also be set with the environment variable named in brackets;
a flag on the command line wins.

PLACARD_SECRET, when set (16 characters or more), signs the forms' tokens;
otherwise a key kept in the database does, shared by every instance using it.

PLACARD_PREVIEW_KEY, when set (16 characters or more), shows drafts and
campaigns before their publish_at at their own address with ?preview=KEY,
marked noindex; without it drafts have no page at all.`

// Server timeouts. Pages are served from memory, so a healthy request
// finishes in milliseconds; the limits only stop slow or stuck clients from
// holding connections open.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 15 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 120 * time.Second
	maxHeaderBytes    = 32 << 10
	shutdownTimeout   = 10 * time.Second
	// devPollInterval is how often --dev and --watch look for edited
	// campaign files when file notifications are not available.
	devPollInterval = time.Second
)

// serveConfig is serve's settings after flags and environment are read.
type serveConfig struct {
	addr, campaigns, db, baseURL, logLevel string
	dev, watch                             bool
	rateLimit                              int
	// siteOrigins are the origins of static copies (placard build) whose
	// forms may post here; see web.Config.SiteOrigins.
	siteOrigins    originList
	clientIPHeader string
	// trustedProxies are the ranges whose client-address header is
	// believed; see web.Config.TrustedProxies.
	trustedProxies originList
}

// serve runs the web server until ctx is cancelled, then shuts down
// gracefully, letting requests in flight finish.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := newFlagSet("serve [flags]", serveSynopsis, stdout, stderr)
	var c serveConfig
	fset.StringVar(&c.addr, "addr", envOr(getenv, "PLACARD_ADDR", "127.0.0.1:8080"), "`host:port` to listen on; port 0 picks a free port [PLACARD_ADDR]")
	fset.StringVar(&c.campaigns, "campaigns", envOr(getenv, "PLACARD_CAMPAIGNS", "campaigns"), "`folder` holding one folder per organisation [PLACARD_CAMPAIGNS]")
	fset.StringVar(&c.db, "db", envOr(getenv, "PLACARD_DB", filepath.Join("placard-data", "placard.db")), "where signatures will be kept: a SQLite `file` path or a postgres:// URL [PLACARD_DB]")
	fset.StringVar(&c.baseURL, "base-url", envOr(getenv, "PLACARD_BASE_URL", ""), "public `address` of the site, for links and share previews (default http://ADDR) [PLACARD_BASE_URL]")
	fset.StringVar(&c.logLevel, "log-level", envOr(getenv, "PLACARD_LOG_LEVEL", "info"), "least important `level` logged: debug (every request), info, warn or error [PLACARD_LOG_LEVEL]")
	devDefault := false
	if v := strings.TrimSpace(getenv("PLACARD_DEV")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return usageErr("serve", "PLACARD_DEV must be true or false, not %q", v)
		}
		devDefault = b
	}
	fset.BoolVar(&c.dev, "dev", devDefault, "development mode: reload when campaign files change, and open pages reload themselves or list the files' problems [PLACARD_DEV]")
	watchDefault := false
	if v := strings.TrimSpace(getenv("PLACARD_WATCH")); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return usageErr("serve", "PLACARD_WATCH must be true or false, not %q", v)
		}
		watchDefault = b
	}
	fset.BoolVar(&c.watch, "watch", watchDefault, "reload when campaign files change (as SIGHUP does); a change with problems is refused and the last good version keeps serving [PLACARD_WATCH]")
	rateDefault := web.DefaultRateLimit
	if v := strings.TrimSpace(getenv("PLACARD_RATE_LIMIT")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return usageErr("serve", "PLACARD_RATE_LIMIT must be a whole number of signatures a minute (0 turns the limit off), not %q", v)
		}
		rateDefault = n
	}
	fset.IntVar(&c.rateLimit, "rate-limit", rateDefault, "signing requests one client may send a `minute`; 0 turns the limit off (for load tests) [PLACARD_RATE_LIMIT]")
	fset.StringVar(&c.clientIPHeader, "client-ip-header", envOr(getenv, "PLACARD_CLIENT_IP_HEADER", ""), "`header` your reverse proxy sets to the client's address, such as X-Forwarded-For, X-Real-IP or Forwarded, for the rate limit; believed only from --trusted-proxies (default: the connection's address) [PLACARD_CLIENT_IP_HEADER]")
	c.trustedProxies.addAll(getenv("PLACARD_TRUSTED_PROXIES"))
	fset.Var(&c.trustedProxies, "trusted-proxies", "address `ranges` of your reverse proxies, such as 10.0.0.0/8 or 192.0.2.7, comma-separated: --client-ip-header is believed only from them, and the client is the right-most address in it that is not one of them (default: loopback only, a proxy on this machine) [PLACARD_TRUSTED_PROXIES]")
	c.siteOrigins.addAll(getenv("PLACARD_SITE_ORIGIN"))
	fset.Var(&c.siteOrigins, "site-origin", "`origin` of a static copy made with placard build (such as https://campaigns.example.org) whose forms may post signatures here; repeat it or separate with commas [PLACARD_SITE_ORIGIN]")
	if help, err := parseFlags(fset, args, stdout); help || err != nil {
		return err
	}
	if fset.NArg() > 0 {
		return usageErr("serve", "serve takes no arguments, got %q; name the campaigns folder with --campaigns", fset.Arg(0))
	}
	if err := checkDB(c.db); err != nil {
		return usageErr("serve", "%v", err)
	}
	if c.rateLimit < 0 {
		return usageErr("serve", "--rate-limit must be 0 (no limit) or more, not %d", c.rateLimit)
	}
	if h := strings.TrimSpace(c.clientIPHeader); h != "" && !validHeaderName(h) {
		return usageErr("serve", "--client-ip-header %q is not a header name; give one such as X-Real-IP", h)
	}
	proxies, err := parseProxies(c.trustedProxies.list)
	if err != nil {
		return usageErr("serve", "%v", err)
	}
	if len(proxies) > 0 && strings.TrimSpace(c.clientIPHeader) == "" {
		return usageErr("serve", "--trusted-proxies is only used with --client-ip-header; name the header your proxy sets, such as --client-ip-header X-Forwarded-For")
	}
	var secret []byte
	if v := getenv("PLACARD_SECRET"); v != "" {
		if len(v) < 16 {
			return usageErr("serve", "PLACARD_SECRET must be at least 16 characters (use a long random string, the same on every instance)")
		}
		secret = []byte(v)
	}
	previewKey := getenv("PLACARD_PREVIEW_KEY")
	if previewKey != "" && len(previewKey) < web.MinPreviewKey {
		return usageErr("serve", "PLACARD_PREVIEW_KEY must be at least %d characters (use a long random string), or unset to turn previews off", web.MinPreviewKey)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		return usageErr("serve", "--log-level must be debug, info, warn or error, not %q", c.logLevel)
	}
	if c.baseURL != "" {
		if u, err := url.Parse(c.baseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usageErr("serve", "--base-url must be a full address such as https://act.example.org, not %q", c.baseURL)
		}
	}

	// Pages come from a small cache built at load, so the live heap is a few
	// megabytes and the default GOGC=100 would collect many times a second
	// under load. 400 trades a little memory for throughput; a GOGC in the
	// environment still wins.
	if getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}

	handler := slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})
	log := slog.New(handler)

	// The dev watcher compares against the files as they were before this
	// load, so an edit made while the server starts is never missed.
	var loaded string
	if c.dev || c.watch {
		loaded = fingerprint(c.campaigns)
	}
	site, problems := campaign.Load(c.campaigns)
	if problems.HasErrors() {
		printProblems(stderr, problems)
		return failure("the campaigns in %s have %s; fix them and start again (placard check %s lists them too)",
			c.campaigns, countText(len(problems.Errors()), "problem", "problems"), c.campaigns)
	}
	for _, p := range problems.Warnings() {
		log.Warn(p.String())
	}

	st, err := openServeStore(ctx, c.db)
	if err != nil {
		return err
	}
	// Closed last, after the committer has drained and the HTTP server has
	// stopped (deferred calls run in reverse order).
	defer func() {
		if err := st.Close(); err != nil {
			log.Error("closing the signature database", "err", err)
		}
	}()
	committer := store.NewCommitter(st, store.CommitterOptions{})
	defer committer.Close()
	rate := c.rateLimit
	if rate == 0 {
		rate = -1 // web.Config: negative is no limit, 0 the default
	}

	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return failure("cannot listen on %s: %v", c.addr, err)
	}
	addr := ln.Addr().String()
	base := c.baseURL
	if base == "" {
		base = "http://" + addr
	}
	srv, err := web.New(web.Config{
		BaseURL: base, Logger: log, Dev: c.dev,
		Store: st, Recorder: committer, RateLimit: rate,
		ClientIPHeader: strings.TrimSpace(c.clientIPHeader), TrustedProxies: proxies, Secret: secret,
		SiteOrigins: c.siteOrigins.list, PreviewKey: previewKey,
	}, site)
	if err != nil {
		ln.Close()
		return failure("%v", err)
	}
	// The first poll fills in the live counts before the first reader
	// arrives; Run keeps them current.
	if err := srv.Poll(ctx); err != nil {
		log.Warn("reading the signature counts failed; pages show none until it works", "err", err)
	}
	pollCtx, stopPolling := context.WithCancel(context.Background())
	polled := make(chan struct{})
	go func() { srv.Run(pollCtx); close(polled) }()
	defer func() { stopPolling(); <-polled }()
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(handler, slog.LevelWarn),
	}
	// Dev event streams never finish on their own; end them so shutting
	// down does not wait for open tabs.
	hs.RegisterOnShutdown(srv.StopDevStreams)
	// SIGHUP always reloads; --watch and --dev also reload on file changes.
	// Both stop when serve returns. SIGHUP is caught before the listening
	// line is logged, so a supervisor that waits for it can signal safely.
	rctx, stopReloads := context.WithCancel(ctx)
	var reloads sync.WaitGroup
	defer func() { stopReloads(); reloads.Wait() }()
	rl := &reloader{dir: c.campaigns, srv: srv, log: log}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	reloads.Add(1)
	go func() {
		defer reloads.Done()
		for {
			select {
			case <-rctx.Done():
				return
			case <-hup:
				rl.reload("SIGHUP")
			}
		}
	}()
	if c.dev || c.watch {
		reloads.Add(1)
		go func() { defer reloads.Done(); watch(rctx, c.campaigns, loaded, rl, log) }()
	}
	// Retention: erase the signatures of campaigns closed longer ago than
	// their retention, at start and then daily, with the site as last
	// (re)loaded. Stopped, like the reloads, before the store closes.
	rl.site.Store(site)
	purgeTicker := time.NewTicker(purgeInterval)
	defer purgeTicker.Stop()
	reloads.Add(1)
	go func() { defer reloads.Done(); purgeLoop(rctx, st, rl.site.Load, time.Now, purgeTicker.C, log) }()
	orgs, camps := siteCounts(site)
	log.Info("listening", "addr", addr, "url", base, "campaigns", c.campaigns,
		"organisations", orgs, "campaign_pages", camps, "dev", c.dev,
		"db", redactDB(c.db), "rate_limit_per_minute", c.rateLimit)
	if h := strings.TrimSpace(c.clientIPHeader); h != "" {
		from := "loopback only (set --trusted-proxies for a proxy on another machine)"
		if len(proxies) > 0 {
			from = c.trustedProxies.String()
		}
		log.Info("the rate limit reads the client's address from a proxy's header", "header", h, "trusted_from", from)
	}

	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()

	select {
	case err := <-served:
		return failure("the server stopped: %v", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", shutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return failure("shutting down: %v", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return failure("the server stopped: %v", err)
	}
	log.Info("stopped")
	return nil
}

// checkDB accepts a postgres:// URL or a file path for the signature store.
func checkDB(db string) error {
	db = strings.TrimSpace(db)
	if db == "" {
		return errors.New("--db must name a file, such as placard-data/placard.db, or a postgres:// address")
	}
	if i := strings.Index(db, "://"); i >= 0 {
		u, err := url.Parse(db)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return fmt.Errorf("--db %q: only postgres:// addresses are supported; for SQLite give a file path such as placard-data/placard.db", db)
		}
		if u.Host == "" && u.Query().Get("host") == "" {
			return fmt.Errorf("--db %q: the postgres address needs a host, such as postgres://user@localhost/placard", db)
		}
		return nil
	}
	if strings.HasSuffix(db, "/") || strings.HasSuffix(db, string(filepath.Separator)) {
		return fmt.Errorf("--db %q names a folder; give a file inside it, such as %s", db, filepath.Join(db, "placard.db"))
	}
	if fi, err := os.Stat(db); err == nil && fi.IsDir() {
		return fmt.Errorf("--db %q is a folder; give a file inside it, such as %s", db, filepath.Join(db, "placard.db"))
	}
	return nil
}

// openServeStore opens the signature store named by --db: a postgres://
// URL, or a SQLite file whose folder is created (0700: signatures are
// personal data) when missing.
func openServeStore(ctx context.Context, db string) (store.Store, error) {
	db = strings.TrimSpace(db)
	if strings.Contains(db, "://") {
		st, err := postgres.Open(ctx, db)
		if err != nil {
			return nil, failure("cannot open the PostgreSQL database %s: %v", redactDB(db), err)
		}
		return st, nil
	}
	if dir := filepath.Dir(db); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, failure("cannot create the folder for the signature database: %v", err)
		}
	}
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		return nil, failure("cannot open the signature database %s: %v", db, err)
	}
	return st, nil
}

// redactDB hides a password in a postgres:// address before it is logged.
func redactDB(db string) string {
	if !strings.Contains(db, "://") {
		return db
	}
	u, err := url.Parse(db)
	if err != nil {
		return "(a postgres address that could not be read)"
	}
	return u.Redacted()
}

// parseProxies reads --trusted-proxies: CIDR ranges or single addresses.
func parseProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		if a, err := netip.ParseAddr(s); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		return nil, fmt.Errorf("--trusted-proxies %q is not an address range; give ranges such as 10.0.0.0/8, fd00::/8 or 192.0.2.7, separated by commas", s)
	}
	return out, nil
}

// validHeaderName reports whether h is an HTTP header field name (an RFC
// 9110 token).
func validHeaderName(h string) bool {
	for _, r := range h {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune("!#$%&'*+-.^_`|~", r):
		default:
			return false
		}
	}
	return h != ""
}

func siteCounts(site *campaign.Site) (orgs, camps int) {
	if site == nil {
		return 0, 0
	}
	for _, o := range site.Orgs {
		orgs++
		for _, c := range o.Campaigns {
			if c.Status != campaign.StatusDraft {
				camps++
			}
		}
	}
	return orgs, camps
}

// reloader loads the campaign files again and swaps them in atomically, for
// SIGHUP, --watch and --dev. A load with problems is refused: the problems
// are logged (and shown on --dev pages) and the last good snapshot keeps
// serving, so a bad save never breaks the live site.
type reloader struct {
	dir string
	srv *web.Server
	log *slog.Logger
	mu  sync.Mutex // one reload at a time, whoever asked
	// site is the site serving now, for the daily retention purge.
	site atomic.Pointer[campaign.Site]
}

// reload loads and swaps in the site; why names what asked, for the log.
// It reports whether the new files are serving.
func (rl *reloader) reload(why string) bool {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	site, problems := campaign.Load(rl.dir)
	if problems.HasErrors() {
		for _, p := range problems.Errors() {
			rl.log.Warn(p.String())
		}
		rl.log.Warn("reload refused: the campaign files have problems; still serving the last good version",
			"reason", why, "problems", len(problems.Errors()))
		rl.srv.ReportProblems(problems)
		return false
	}
	for _, p := range problems.Warnings() {
		rl.log.Warn(p.String())
	}
	if err := rl.srv.SetSite(site); err != nil {
		rl.log.Error("reload failed; still serving the last good version", "reason", why, "err", err)
		return false
	}
	rl.site.Store(site)
	orgs, camps := siteCounts(site)
	rl.log.Info("reloaded", "reason", why, "campaigns", rl.dir, "organisations", orgs, "campaign_pages", camps)
	return true
}

// watchDebounce gathers the burst of events one save makes (editors write,
// rename and chmod) into one reload.
const watchDebounce = 100 * time.Millisecond

// watch reloads the site when a file under dir changes. It uses file
// notifications on every folder under dir, adding folders as they are
// created, and gathers events for watchDebounce before reloading. When
// notifications cannot be set up or stop working (some network and
// container mounts), it falls back to polling every devPollInterval. last
// is the fingerprint of the files the serving site was loaded from; a
// reload happens only when the fingerprint differs, so an edit made while
// the server started is caught and a no-op event costs nothing.
func watch(ctx context.Context, dir, last string, rl *reloader, log *slog.Logger) {
	check := func(why string) {
		if fp := fingerprint(dir); fp != last {
			last = fp
			rl.reload(why)
		}
	}
	w, err := fsnotify.NewWatcher()
	if err == nil {
		err = addTree(w, dir)
		if err != nil {
			w.Close()
		}
	}
	if err != nil {
		log.Warn("cannot watch the campaign files for changes; checking every second instead", "err", err)
		poll(ctx, check)
		return
	}
	defer w.Close()
	check("file change") // anything edited before the watch began
	var timer <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.Events:
			if !ok {
				log.Warn("watching the campaign files stopped; checking every second instead")
				poll(ctx, check)
				return
			}
			if ev.Has(fsnotify.Create) {
				if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
					if err := addTree(w, ev.Name); err != nil {
						log.Warn("cannot watch a new folder; its changes are seen on the next other change", "folder", ev.Name, "err", err)
					}
				}
			}
			timer = time.After(watchDebounce)
		case err, ok := <-w.Errors:
			if !ok {
				log.Warn("watching the campaign files stopped; checking every second instead")
				poll(ctx, check)
				return
			}
			log.Warn("watching the campaign files", "err", err)
			timer = time.After(watchDebounce) // events may have been lost
		case <-timer:
			timer = nil
			check("file change")
		}
	}
}

// addTree watches dir and every folder under it.
func addTree(w *fsnotify.Watcher, dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return w.Add(p)
		}
		return nil
	})
}

// poll calls check every devPollInterval until ctx ends: the fallback when
// file notifications are not available.
func poll(ctx context.Context, check func(why string)) {
	t := time.NewTicker(devPollInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			check("file change")
		}
	}
}

// fingerprint summarises the names, sizes and modification times of every
// file under dir.
func fingerprint(dir string) string {
	var b strings.Builder
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if info, err := d.Info(); err == nil {
			fmt.Fprintf(&b, "%s|%d|%d\n", p, info.Size(), info.ModTime().UnixNano())
		}
		return nil
	})
	return b.String()
}

// originList is the repeatable, comma-separated --site-origin flag. Giving
// the flag replaces the environment's list rather than adding to it.
type originList struct {
	list    []string
	flagged bool // the command line has started to fill list
}

func (l *originList) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(l.list, ",")
}

func (l *originList) Set(v string) error {
	if !l.flagged {
		l.flagged = true
		l.list = nil
	}
	l.addAll(v)
	return nil
}

// addAll appends each non-empty, comma-separated origin of v, without a
// trailing slash.
func (l *originList) addAll(v string) {
	for _, o := range strings.Split(v, ",") {
		if o = strings.TrimSuffix(strings.TrimSpace(o), "/"); o != "" {
			l.list = append(l.list, o)
		}
	}
}
