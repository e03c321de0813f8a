package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/postgres"
	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/internal/web"
)

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
)

// run serves what c describes until ctx is cancelled: it loads the
// campaigns, opens the store, builds the server, listens, reloads on SIGHUP
// (and file changes with --watch or --dev), purges past retention, and
// shuts down gracefully. Messages go to stderr as log lines.
func (c serveConfig) run(ctx context.Context, stderr io.Writer) error {
	// Pages come from a small cache built at load, so the live heap is a few
	// megabytes and the default GOGC=100 would collect many times a second
	// under load. 400 trades a little memory for throughput; a GOGC in the
	// environment still wins.
	if c.tuneGC {
		debug.SetGCPercent(400)
	}
	handler := slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: c.logLevel})
	log := slog.New(handler)

	// The dev watcher compares against the files as they were before this
	// load, so an edit made while the server starts is never missed.
	var loaded string
	if c.dev || c.watch {
		loaded = fingerprint(c.campaigns)
	}
	sums := sumFolders(c.campaigns) // what a reload compares (adopt.go)
	loadedAt := time.Now()          // the files read are at least this new (removed.go)
	site, startProblems, err := loadServeSite(c.campaigns, c.load, c.dev, stderr, log)
	if err != nil {
		return err
	}
	st, err := openServeStore(ctx, c.db)
	if err != nil {
		return err
	}
	logQuarantine(st, log)  // quarantine.go
	logOpenRewrite(st, log) // openrewrite.go
	// Before the first count is read: a removed campaign's rows are kept
	// apart from a campaign of its name (removed.go) — first, so rows a
	// rename brings to that name stay with it —, renamed campaigns' rows
	// follow them (move.go), and campaigns removed while stopped are
	// recorded.
	keepRemovedApart(ctx, st, site, loadedAt, log)
	moveRenamed(ctx, st, site, log)
	recordRemovedCampaigns(ctx, st, site, nil, loadedAt, log)
	logUnservedNotes(ctx, st, site, time.Now(), log) // erasurenotes.go
	// Closed last, after the committer has drained and the HTTP server has
	// stopped (deferred calls run in reverse order).
	defer func() {
		if err := st.Close(); err != nil {
			log.Error("closing the signature database", "err", err)
		}
	}()
	committer := store.NewCommitter(st, store.CommitterOptions{})
	defer committer.Close()

	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return failure("cannot listen on %s: %v", c.addr, err)
	}
	base := c.baseURL
	if base == "" {
		base = "http://" + ln.Addr().String()
	}
	if err := c.mail.prepare(ctx, st, base, c.secret, log); err != nil {
		ln.Close()
		return err
	}
	deliveries := newOutboxRunner(c, st, log, committer)
	var srv *web.Server
	// The reloader's server is set below, before any request arrives.
	rl := &reloader{dir: c.campaigns, opts: c.load, log: log}
	rl.moves = func(s *campaign.Site) { moveRenamed(ctx, st, s, log) } // move.go
	rl.loadedAt.Store(loadedAt.UnixNano())
	rl.keepApart = func(s *campaign.Site, loaded time.Time) { // removed.go
		// The figures held for a name whose rows were just moved are the
		// removed campaign's: read again before the new pages are built,
		// so not one response shows its count or its signers.
		if keepRemovedApart(ctx, st, s, loaded, log) && rl.srv != nil {
			if err := rl.srv.Poll(ctx); err != nil && ctx.Err() == nil {
				log.Warn("reading the signature counts after keeping a removed campaign's signatures apart failed; pages catch up at the next change", "err", err)
			}
		}
	}
	rl.removed = func(s, prev *campaign.Site, loaded time.Time) {
		recordRemovedCampaigns(ctx, st, s, prev, loaded, log)
		logUnservedNotes(ctx, st, s, time.Now(), log) // erasurenotes.go
	}
	var settledSums chan folderSums
	if !startProblems.HasErrors() {
		// Summed again after the load (adopt.go), beside the site's build.
		settledSums = make(chan folderSums, 1)
		go func() { settledSums <- settled(c.campaigns, sums) }()
	}
	admin, err := c.console(base, log, st, deliveries, func() *web.Server { return srv }, rl.reload) // serve_admin.go
	if err != nil {
		ln.Close()
		return failure("%v", err)
	}
	cfg := c.webConfig(base, log, st, committer)
	cfg.WakeOutbox = deliveries.Wake
	cfg.MailTokens = c.mail.linkTokens()
	if c.adminAddr == "" {
		cfg.Admin = admin
	}
	srv, err = web.NewContext(ctx, cfg, site)
	if settledSums != nil {
		rl.sums = <-settledSums
	}
	if err != nil {
		ln.Close()
		if ctx.Err() != nil {
			log.Info("stopped before serving")
			return nil // asked to stop while starting, as SIGTERM does
		}
		return failure("%v", err)
	}
	rl.srv = srv
	// The work left after answers (data-page links, confirmations queued
	// again) ends before the committer and the store close: deferred
	// calls run in reverse order, after the HTTP server has stopped.
	defer srv.Drain()
	// Under --dev a broken file at start is shown in the preview's
	// overlay, as after a reload, until it is fixed.
	if startProblems.HasErrors() {
		srv.ReportProblems(startProblems)
	}
	defer startPolling(ctx, srv, log)()
	defer deliveries.start(ctx, srv.CurrentSite, rl.loaded)()
	hs := &http.Server{
		Handler:           srv,
		ConnContext:       web.ConnContext, // the read path's one write per page
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
	defer startBackground(ctx, c, rl, st, site, loaded, log)()
	stopAdmin, err := c.serveAdmin(ctx, admin, log) // serve_admin.go
	if err != nil {
		return err
	}
	defer stopAdmin()
	logListening(log, c, ln.Addr().String(), base, site)
	return serveUntilDone(ctx, hs, web.CoalescingListener(ln), log)
}

// loadServeSite loads the campaigns folder to serve. Problems are printed
// and refuse the start, except under --dev (dev): the preview then starts
// with no campaigns and returns the problems for its overlay, and the
// first good save loads the files. Warnings are logged.
func loadServeSite(dir string, opts campaign.LoadOptions, dev bool, stderr io.Writer, log *slog.Logger) (*campaign.Site, campaign.Problems, error) {
	var site *campaign.Site
	var problems campaign.Problems
	web.Frugally(func() { site, problems = campaign.LoadWith(dir, opts) })
	if problems.HasErrors() {
		printProblems(stderr, problems)
		if dev {
			log.Warn("the campaigns have problems: the preview shows them until they are fixed",
				"dir", dir, "problems", len(problems.Errors()))
			return campaign.NewSite(nil), problems, nil
		}
		return nil, nil, failure("the campaigns in %s have %s; fix them and start again (placard check %s lists them too)",
			dir, countText(len(problems.Errors()), "problem", "problems"), dir)
	}
	for _, p := range problems.Warnings() {
		log.Warn(p.String())
	}
	return site, nil, nil
}

// webConfig is the server's configuration for serve, answering at base.
func (c serveConfig) webConfig(base string, log *slog.Logger, st store.Store, committer *store.Committer) web.Config {
	rate := c.rateLimit
	if rate == 0 {
		rate = -1 // web.Config: negative is no limit, 0 the default
	}
	return web.Config{
		BaseURL: base, Logger: log, Dev: c.dev,
		Store: st, Recorder: committer, RateLimit: rate,
		ClientIPHeader: c.clientIPHeader, TrustedProxies: c.trustedProxies, Secret: c.secret,
		SiteOrigins: c.siteOrigins, PreviewKey: c.previewKey,
	}
}

// startPolling fills in the live counts before the first reader arrives,
// then keeps them current until the returned function is called, which
// waits for the poller to stop.
func startPolling(ctx context.Context, srv *web.Server, log *slog.Logger) (stop func()) {
	if err := srv.Poll(ctx); err != nil {
		log.Warn("reading the signature counts failed; pages show none until it works", "err", err)
	}
	pollCtx, stopPolling := context.WithCancel(context.Background())
	polled := make(chan struct{})
	go func() { srv.Run(pollCtx); close(polled) }()
	return func() { stopPolling(); <-polled }
}

// startBackground starts serve's work beside the requests: reloading on
// SIGHUP, and on file changes with --watch or --dev (from the files as they
// were when loaded fingerprinted them), and the retention purge, at start
// and then daily, with the site as last (re)loaded. SIGHUP is caught before
// it returns, so a supervisor that waits for the listening line can signal
// safely. The returned function stops it all and waits.
func startBackground(ctx context.Context, c serveConfig, rl *reloader, st store.Store, site *campaign.Site, loaded string, log *slog.Logger) (stop func()) {
	rctx, stopAll := context.WithCancel(ctx)
	var wg sync.WaitGroup
	rl.site.Store(site)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	wg.Go(func() {
		for {
			select {
			case <-rctx.Done():
				return
			case <-hup:
				rl.reload("SIGHUP")
			}
		}
	})
	if c.dev || c.watch {
		wg.Go(func() { watch(rctx, c.campaigns, loaded, rl, log) })
	}
	purgeTicker := time.NewTicker(purgeInterval)
	flush := func(ctx context.Context) error { // the credits it holds, before purging
		if rl.srv == nil {
			return nil
		}
		return rl.srv.FlushCredits(ctx)
	}
	wg.Go(func() {
		purgeLoop(rctx, st, settlingFirst(rctx, st, rl, log), time.Now, purgeTicker.C, flush, log)
	})
	// Signatures nobody confirmed are erased once their days are up, even
	// after email is turned off (mail_serve.go).
	unconfirmedTicker := time.NewTicker(unconfirmedInterval)
	if ms, ok := st.(store.Mail); ok {
		wg.Go(func() { unconfirmedLoop(rctx, ms, rl.site.Load, time.Now, unconfirmedTicker.C, log) })
	}
	// Held-back inboxes and the queues' domain counts go on a clock,
	// not only when the next letter comes (contact_serve.go).
	sweepTicker := time.NewTicker(targetSweepInterval)
	if tm, ok := st.(store.TargetMail); ok {
		wg.Go(func() { targetSweepLoop(rctx, tm, time.Now, sweepTicker.C, log) })
	}
	// What erasures owe the disk, at start and every minute (rewrites.go).
	rewriteTicker := time.NewTicker(rewriteInterval)
	if rw, ok := st.(store.Rewrites); ok {
		wg.Go(func() { rewriteLoop(rctx, rw, rewriteTicker.C, log) })
	}
	return func() {
		stopAll()
		wg.Wait()
		signal.Stop(hup)
		purgeTicker.Stop()
		unconfirmedTicker.Stop()
		sweepTicker.Stop()
		rewriteTicker.Stop()
	}
}

// logListening logs the line tests and supervisors wait for, and how the
// rate limit finds the client's address when a proxy's header names it.
func logListening(log *slog.Logger, c serveConfig, addr, base string, site *campaign.Site) {
	orgs, camps := siteCounts(site)
	log.Info("listening", "addr", addr, "url", base, "campaigns", c.campaigns,
		"organisations", orgs, "campaign_pages", camps, "dev", c.dev,
		"db", redactDB(c.db), "rate_limit_per_minute", c.rateLimit)
	if h := c.clientIPHeader; h != "" {
		from := "loopback only (set --trusted-proxies for a proxy on another machine)"
		if len(c.trustedProxies) > 0 {
			from = c.proxyList
		}
		log.Info("the rate limit reads the client's address from a proxy's header", "header", h, "trusted_from", from)
	}
}

// serveUntilDone serves hs on ln until ctx ends, then shuts down within
// shutdownTimeout, letting requests in flight finish.
func serveUntilDone(ctx context.Context, hs *http.Server, ln net.Listener, log *slog.Logger) error {
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

// siteCounts is how many organisations and public campaign pages site has.
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
