package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/console"
	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/webhook"
)

// outboxRunner is serve's delivery worker: it delivers the store's outbox
// (webhooks, OSDI records, and whatever other deliverers are registered
// in deliverers) while the server runs. Every instance runs one; on
// PostgreSQL they share the work.
type outboxRunner struct {
	w *outbox.Worker // nil when nothing can be delivered
	// pace is the mail pace every instance shares, which the email
	// deliverer takes (mail_serve.go); nil without email.
	pace *mail.SharedPace
	log  *slog.Logger
	// site returns the campaigns served now, and loaded when their files
	// were read; set by start.
	site   func() *campaign.Site
	loaded func() time.Time
}

// signingQuiet is how long after the committer's last batch the worker
// still counts signing as busy and leaves the database to it.
const signingQuiet = 200 * time.Millisecond

// newOutboxRunner builds the worker for st with serve's deliverers. The
// worker yields to committer: it claims nothing while signatures arrive.
func newOutboxRunner(c serveConfig, st store.Store, log *slog.Logger, committer *store.Committer) *outboxRunner {
	r := &outboxRunner{log: log}
	ob, ok := st.(store.Outbox)
	if !ok {
		return r
	}
	ds := r.deliverers(c, st)
	if len(ds) == 0 {
		return r
	}
	o := outboxOptions(c, log)
	if committer != nil {
		o.Busy = func() bool { return committer.Busy(time.Now(), signingQuiet) }
	}
	r.w = outbox.NewWorker(ob, ds, o)
	return r
}

// outboxOptions are the worker's settings: the defaults, except that
// PLACARD_OUTBOX_LEASE, PLACARD_OUTBOX_FIRST_RETRY and
// PLACARD_OUTBOX_MAX_YIELD (durations such as 5s) shorten how long a
// killed instance's claims stay taken, the first wait after a failure and
// the longest the worker leaves the database to a burst of signing. Tests use them to see a crash recovered in
// seconds rather than minutes.
func outboxOptions(c serveConfig, log *slog.Logger) outbox.Options {
	o := outbox.Options{Log: log}
	if c.getenv == nil {
		return o
	}
	for _, v := range []struct {
		name string
		d    *time.Duration
	}{{"PLACARD_OUTBOX_LEASE", &o.Lease}, {"PLACARD_OUTBOX_FIRST_RETRY", &o.FirstRetry}, {"PLACARD_OUTBOX_MAX_YIELD", &o.MaxYield}} {
		s := c.getenv(v.name)
		if s == "" {
			continue
		}
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			log.Warn("ignoring an outbox setting that is not a duration such as 30s", "variable", v.name)
			continue
		}
		*v.d = d
	}
	if o.Lease > 0 && o.Lease < 2*time.Second {
		o.Lease = 2 * time.Second
	}
	if o.Lease > 0 {
		// A delivery must end well inside its lease.
		o.Timeout = o.Lease / 2
	}
	return o
}

// deliverers registers a deliverer per kind of message this server can
// send. Webhooks and OSDI records are always on: whether an organisation
// has any is read from its current org.yaml at each delivery, so a reload
// that adds one needs no restart.
func (r *outboxRunner) deliverers(c serveConfig, st store.Store) map[string]outbox.Deliverer {
	getenv := c.getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	p := webhook.Policy{AllowPrivate: c.webhooksAllowPrivate, AllowLoopback: c.dev}
	hooks := &webhook.Deliverer{
		Client: webhook.NewClient(p), Policy: p, Getenv: getenv, SecretEnv: c.load.SecretEnv, Now: time.Now,
		Org: func(slug string) *campaign.Org {
			if r.site == nil {
				return nil
			}
			return r.site().Org(slug)
		},
		// A receiver these files lack may be in another instance's
		// newer ones (webhook.ErrNotLoaded).
		Loaded: func() time.Time {
			if r.loaded == nil {
				return time.Now()
			}
			return r.loaded()
		},
	}
	if ms, ok := st.(store.Mail); ok {
		hooks.Consent = webhook.ConsentFrom(ms.Supporter) // an OSDI record only while permission holds
	}
	if oo, ok := st.(store.OutboxOrder); ok {
		hooks.Earlier = oo.Earlier // one person's events in the order they happened
	}
	ds := map[string]outbox.Deliverer{signing.MessageWebhook: hooks, signing.MessageOSDI: hooks}
	if ob, ok := st.(store.Outbox); ok {
		// An erasure made without the campaign files (placard signatures
		// erase) left a note: turn it into its notices with the settings
		// served now.
		ds[webhook.MessageErasure] = &webhook.NoteDeliverer{Org: hooks.Org, Enqueue: ob.Enqueue}
	}
	if d := c.mail.deliverer(r); d != nil {
		ds[signing.MessageEmail] = d // mail_serve.go
	}
	if d := c.mail.signInDeliverer(); d != nil {
		ds[console.MessageSignIn] = d // serve_admin.go
	}
	return ds
}

// Wake tells the worker a signature with messages was stored.
func (r *outboxRunner) Wake() {
	if r.w != nil {
		r.w.Wake()
	}
}

// start runs the worker until ctx ends or the returned function is called,
// which waits for the deliveries in flight to be recorded.
func (r *outboxRunner) start(ctx context.Context, site func() *campaign.Site, loaded func() time.Time) (stop func()) {
	if r.w == nil {
		return func() {}
	}
	r.site, r.loaded = site, loaded
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { r.w.Run(ctx) })
	if r.pace != nil {
		wg.Go(func() { r.pace.Run(ctx) }) // its counts told, its rows purged
	}
	return func() {
		cancel()
		wg.Wait()
	}
}
