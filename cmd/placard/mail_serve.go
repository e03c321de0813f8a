package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/store"
)

// Email in serve: the links' tokens, the deliverer the outbox worker runs
// for "email" messages, and the erasure of signatures nobody confirmed.

// prepare finishes the email settings once the store is open and the
// public address known: the links in emails are sealed with the same key
// as the forms (PLACARD_SECRET, else the database's), so every instance
// opens every other's links. Nil m (no --smtp) does nothing.
func (m *mailConfig) prepare(ctx context.Context, st store.Store, base string, secret []byte, log *slog.Logger) error {
	if m == nil {
		return nil
	}
	if _, ok := st.(store.Mail); !ok {
		return failure("this database cannot keep what email needs")
	}
	key := secret
	if len(key) == 0 {
		k, err := st.Secret(ctx)
		if err != nil {
			return failure("reading the installation's key from the database: %v", err)
		}
		key = k
	}
	m.tokens = mail.NewTokens(key)
	m.base = base
	m.store = st
	log.Info("emailing signers", "smtp", m.server.String(), "from", m.from.Address, "rate_per_second", m.rate)
	return nil
}

// linkTokens is what web.Config.MailTokens takes: nil without email.
func (m *mailConfig) linkTokens() *mail.Tokens {
	if m == nil {
		return nil
	}
	return m.tokens
}

// deliverer is the outbox's deliverer of emails, rendering from the
// campaigns r serves at the moment of delivery; nil without email.
func (m *mailConfig) deliverer(r *outboxRunner) outbox.Deliverer {
	if m == nil || m.tokens == nil {
		return nil
	}
	ms := m.store.(store.Mail)
	if mp, ok := m.store.(store.MailPace); ok {
		r.pace = &mail.SharedPace{Store: mp, Secret: m.store.Secret, Log: r.log}
	}
	return &mail.Deliverer{
		Pace: r.pace,
		Renderer: &mail.Renderer{
			Base: m.base, Tokens: m.tokens, Now: time.Now,
			Site: func() *campaign.Site {
				if r.site == nil {
					return nil
				}
				return r.site()
			},
			// A campaign these files lack may be in another
			// instance's newer ones (mail.ErrNotLoaded).
			Loaded: func() time.Time {
				if r.loaded == nil {
					return time.Now()
				}
				return r.loaded()
			},
		},
		Sender: m.sender(),
		// A confirmation held for days asks whether its signature still
		// waits before it goes or is counted as never sent.
		Waiting: mail.WaitingIn(ms),
		Suppressed: func(ctx context.Context, org, email string) (bool, error) {
			key, err := m.store.Secret(ctx)
			if err != nil {
				return false, err
			}
			return store.SuppressedAddress(ctx, ms, key, org, email)
		},
	}
}

// unconfirmedInterval is how often serve erases signatures whose time to
// be confirmed has passed.
const unconfirmedInterval = time.Hour

// unconfirmedLoop erases, at start and then at every tick, each
// campaign's signatures still unconfirmed after its unconfirmed_days, and
// those of campaigns no longer in the files after the longest allowed
// wait (90 days). It logs counts only.
func unconfirmedLoop(ctx context.Context, ms store.Mail, site func() *campaign.Site, now func() time.Time, tick <-chan time.Time, log *slog.Logger) {
	for {
		n, err := eraseUnconfirmed(ctx, ms, site(), now())
		if n > 0 {
			log.Info("erased signatures nobody confirmed in time", "signatures", n)
		}
		if err != nil && ctx.Err() == nil {
			log.Error("erasing unconfirmed signatures failed; trying again in an hour", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick:
		}
	}
}

// eraseUnconfirmed is one pass of unconfirmedLoop.
func eraseUnconfirmed(ctx context.Context, ms store.Mail, site *campaign.Site, now time.Time) (int, error) {
	total := 0
	if site != nil {
		for _, o := range site.Orgs {
			for _, c := range o.Campaigns {
				days := c.UnconfirmedDays
				if days <= 0 {
					days = campaign.DefaultUnconfirmedDays
				}
				n, err := ms.EraseUnconfirmed(ctx, o.Slug, c.Slug, now.Add(-time.Duration(days)*24*time.Hour))
				total += n
				if err != nil {
					return total, err
				}
			}
		}
	}
	n, err := ms.EraseUnconfirmed(ctx, "", "", now.Add(-maxUnconfirmedWait))
	return total + n, err
}

// maxUnconfirmedWait is the longest unconfirmed_days allows.
const maxUnconfirmedWait = 90 * 24 * time.Hour
