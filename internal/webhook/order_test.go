package webhook_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/internal/webhook"
)

// flakyCRM is a receiver on loopback that refuses (503) the first
// attempt of each event of type failFirst and keeps, in the order it
// accepted them, "type address" for every event it took.
type flakyCRM struct {
	srv       *httptest.Server
	failFirst string
	mu        sync.Mutex
	failed    bool
	took      []string
}

func newFlakyCRM(t *testing.T, failFirst string) *flakyCRM {
	c := &flakyCRM{failFirst: failFirst}
	c.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var ev webhook.Event
		if json.Unmarshal(body, &ev) != nil || len(ev.Data.Signature.Person.EmailAddresses) == 0 {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if ev.Type == c.failFirst && !c.failed {
			c.failed = true
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		c.took = append(c.took, ev.Type+" "+ev.Data.Signature.Person.EmailAddresses[0].Address)
	}))
	t.Cleanup(c.srv.Close)
	return c
}

func (c *flakyCRM) accepted() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.took)
}

// deliverInOrder runs serve's outbox worker over st, retrying at once
// (no backoff), until the outbox is empty or 10 rounds have passed.
func deliverInOrder(t *testing.T, st *sqlite.DB, o *campaign.Org) {
	t.Helper()
	p := webhook.Policy{AllowLoopback: true}
	d := &webhook.Deliverer{Client: webhook.NewClient(p), Policy: p, Now: time.Now,
		Getenv:  func(string) string { return "whsec_c2VjcmV0" },
		Org:     func(string) *campaign.Org { return o },
		Earlier: st.Earlier,
	}
	w := outbox.NewWorker(st, map[string]outbox.Deliverer{signing.MessageWebhook: d},
		outbox.Options{FirstRetry: time.Nanosecond, MaxRetry: time.Nanosecond})
	for range 10 {
		if _, err := w.Once(context.Background()); err != nil {
			t.Fatal(err)
		}
		if es, _ := st.List(context.Background(), ""); len(es) == 0 {
			return
		}
	}
	es, _ := st.List(context.Background(), "")
	t.Fatalf("%d messages still undelivered after 10 rounds: %+v", len(es), es)
}

// TestOnePersonsEventsInOrder: what a CRM hears of one person reaches it
// in the order it happened, though the receiver refuses an earlier event
// once and the worker retries it. Failed before (no Deliverer.Earlier):
// signature.created, refused once, was retried after the
// signature.updated (the signer withdrawing their permission) that
// followed it had been accepted, so the CRM ended with the person
// subscribed; and a re-signature's signature.created overtook the
// retried signature.erased of the erasure before it, so the CRM erased
// the person who had just signed again.
func TestOnePersonsEventsInOrder(t *testing.T) {
	for _, c := range []struct{ name, failFirst string }{
		{"CreatedThenUpdated", campaign.EventSignatureCreated},
		{"ErasedThenCreated", campaign.EventSignatureErased},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			crm := newFlakyCRM(t, c.failFirst)
			s := site(t, "webhooks:\n  - url: "+crm.srv.URL+"/hook\n    secret_env: PLACARD_ORG_NORTH__HOOK\n"+
				"    events: [signature.created, signature.updated, signature.erased]\n")
			o := s.Org("north")
			st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "placard.db"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			sig := &signing.Signature{ID: 1, Org: "north", Campaign: "rent", Action: "petition", Kind: signing.KindIndividual,
				Status: signing.StatusApproved, Name: "Ana Ruiz", Email: "ana@example.org", ContactAt: at, CreatedAt: at}
			created := webhook.Messages(o, o.Campaign("rent"), sig, webhook.Occasion{Event: campaign.EventSignatureCreated, Final: true, At: at})
			var want []string
			var msgs []signing.Message
			if c.failFirst == campaign.EventSignatureCreated {
				withdrawn := *sig
				withdrawn.ContactAt = time.Time{}
				msgs = append(created, webhook.Updated(o, o.Campaign("rent"), &withdrawn, at, "")...)
				want = []string{"signature.created ana@example.org", "signature.updated ana@example.org"}
			} else {
				// An erasure's notice, then the same address signing again.
				erased := webhook.Erased(o, "ana@example.org", at)
				again := webhook.Messages(o, o.Campaign("rent"), sig, webhook.Occasion{Event: campaign.EventSignatureCreated, Final: true, At: at})
				msgs = append(erased, again...)
				want = []string{"signature.erased ana@example.org", "signature.created ana@example.org"}
			}
			// Another person's event is not held up by ana's.
			bo := *sig
			bo.Email = "bo@example.org"
			msgs = append(msgs, webhook.Messages(o, o.Campaign("rent"), &bo, webhook.Occasion{Event: campaign.EventSignatureUpdated, At: at})...)
			if len(msgs) != 3 {
				t.Fatalf("%d messages made, want 3", len(msgs))
			}
			if err := st.Enqueue(ctx, msgs); err != nil {
				t.Fatal(err)
			}
			deliverInOrder(t, st, o)
			var ana []string
			for _, a := range crm.accepted() {
				if a != "signature.updated bo@example.org" {
					ana = append(ana, a)
				}
			}
			if !slices.Equal(ana, want) {
				t.Errorf("the CRM accepted %q, want %q, in that order", ana, want)
			}
			if got := crm.accepted(); len(got) != 3 {
				t.Errorf("the CRM accepted %q, want 3 events", got)
			}
		})
	}
}

var _ store.OutboxOrder = (*sqlite.DB)(nil)

// erasedAtCheck is instance A's real SQLite store, whose first check of
// a claim (store.OutboxHeld) lets instance B's erasure land first: the
// moment between the claim and the POST.
type erasedAtCheck struct {
	*sqlite.DB
	before func()
}

func (s *erasedAtCheck) Held(ctx context.Context, worker, id string) (bool, error) {
	if f := s.before; f != nil {
		s.before = nil
		f()
	}
	return s.DB.Held(ctx, worker, id)
}

// TestCreatedNotSentAfterErasure: instance A's worker has claimed ana's
// signature.created and is about to post it when instance B, on the same
// database, erases her. Failed before: A posted it, so the CRM heard of
// the signature after (or racing) the erasure notice and kept a person
// who asked to be forgotten. Now the deliverer asks whether its claim
// still stands just before the POST (outbox.StillHeld): ana's event goes
// to no one and leaves no row; bo's, in the same round, goes.
func TestCreatedNotSentAfterErasure(t *testing.T) {
	ctx := context.Background()
	crm := newFlakyCRM(t, "")
	s := site(t, "webhooks:\n  - url: "+crm.srv.URL+"/hook\n    secret_env: PLACARD_ORG_NORTH__HOOK\n"+
		"    events: [signature.created, signature.updated, signature.erased]\n")
	o := s.Org("north")
	path := filepath.Join(t.TempDir(), "placard.db")
	open := func() *sqlite.DB {
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := &erasedAtCheck{DB: open()}, open()
	sig := &signing.Signature{ID: 1, Org: "north", Campaign: "rent", Action: "petition", Kind: signing.KindIndividual,
		Status: signing.StatusApproved, Name: "Ana Ruiz", Email: "ana@example.org", ContactAt: at, CreatedAt: at}
	bo := *sig
	bo.Email = "bo@example.org"
	msgs := append(webhook.Messages(o, o.Campaign("rent"), sig, webhook.Occasion{Event: campaign.EventSignatureCreated, Final: true, At: at}),
		webhook.Messages(o, o.Campaign("rent"), &bo, webhook.Occasion{Event: campaign.EventSignatureCreated, Final: true, At: at})...)
	if len(msgs) != 2 {
		t.Fatalf("%d messages made, want 2", len(msgs))
	}
	if err := a.Enqueue(ctx, msgs); err != nil {
		t.Fatal(err)
	}
	a.before = func() {
		if _, err := b.Erase(ctx, "ana@example.org"); err != nil {
			t.Error(err)
		}
	}
	p := webhook.Policy{AllowLoopback: true}
	d := &webhook.Deliverer{Client: webhook.NewClient(p), Policy: p, Now: time.Now,
		Getenv: func(string) string { return "whsec_c2VjcmV0" },
		Org:    func(string) *campaign.Org { return o },
	}
	w := outbox.NewWorker(a, map[string]outbox.Deliverer{signing.MessageWebhook: d}, outbox.Options{Name: "instance-a", Batch: 1})
	for range 2 {
		if _, err := w.Once(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := crm.accepted(); !slices.Equal(got, []string{"signature.created bo@example.org"}) {
		t.Errorf("the CRM accepted %q, want only bo's signature.created (ana was erased before hers left)", got)
	}
	es, err := a.List(ctx, store.OutboxPending)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if e.Email == "ana@example.org" {
			t.Errorf("an outbox row keeps the erased address: %+v", e)
		}
	}
}
