package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// ConfirmingStore is a store that confirms signatures with their
// messages, and shows its outbox.
type ConfirmingStore interface {
	store.Store
	store.Mail
	store.Outbox
	store.Confirming
}

// RunConfirming runs store.Confirming's behavioural suite against stores
// from open.
func RunConfirming(t *testing.T, open func(t *testing.T) ConfirmingStore) {
	t.Run("MessagesWithTheConfirmation", func(t *testing.T) { testConfirmMessages(t, open(t)) })
	t.Run("OnlyTheSignatureNamed", func(t *testing.T) { testConfirmNamed(t, open(t)) })
}

func crmMessage(s *signing.Signature) signing.Message {
	return signing.Message{ID: signing.NewMessageID(), Kind: signing.MessageWebhook, Target: "https://crm.example.org/hook",
		Email: s.Email, Org: s.Org, Campaign: s.Campaign, Payload: []byte(`{"status":"` + string(s.Status) + `"}`)}
}

func testConfirmMessages(t *testing.T, s ConfirmingStore) {
	ctx := context.Background()
	add(t, s, unconfirmed("o", "c", "p@example.org"))
	if es, _ := s.List(ctx, ""); len(es) != 0 {
		t.Fatalf("outbox before confirming: %d messages, want none", len(es))
	}
	calls := 0
	then := func(sig *signing.Signature) []signing.Message {
		calls++
		return []signing.Message{crmMessage(sig)}
	}
	got, err := s.ConfirmSigned(ctx, "o", "c", "p@example.org", time.Time{}, then)
	if err != nil || got.Status != signing.StatusApproved {
		t.Fatalf("ConfirmSigned: %+v, %v; want approved", got, err)
	}
	es, err := s.List(ctx, "")
	if err != nil || len(es) != 1 || es[0].Email != "p@example.org" || string(es[0].Payload) != `{"status":"approved"}` {
		t.Fatalf("outbox after confirming: %+v, %v; want the one message made from the confirmed signature", es, err)
	}
	// Used already: nothing confirmed, nothing asked for, nothing queued.
	if _, err := s.ConfirmSigned(ctx, "o", "c", "p@example.org", time.Time{}, then); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second ConfirmSigned: %v, want ErrNotFound", err)
	}
	if es, _ := s.List(ctx, ""); calls != 1 || len(es) != 1 {
		t.Errorf("after a second confirmation: %d calls, %d messages; want 1 and 1", calls, len(es))
	}
}

func testConfirmNamed(t *testing.T, s ConfirmingStore) {
	ctx := context.Background()
	first := unconfirmed("o", "c", "p@example.org")
	add(t, s, first)
	// The first link was never used; the signature expired, and a
	// stranger signed again with the same address.
	if n, err := s.EraseUnconfirmed(ctx, "o", "c", base.Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("EraseUnconfirmed: %d, %v", n, err)
	}
	later := unconfirmed("o", "c", "p@example.org")
	later.CreatedAt = base.Add(72 * time.Hour)
	add(t, s, later)
	if _, err := s.ConfirmSigned(ctx, "o", "c", "p@example.org", first.CreatedAt, func(sig *signing.Signature) []signing.Message { return []signing.Message{crmMessage(sig)} }); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("the first signature's link confirmed the later one: %v", err)
	}
	if c := countOf(t, s, "o", "c"); c.Signatures != 0 {
		t.Errorf("after an old link: %+v, want nothing counted", c)
	}
	if es, _ := s.List(ctx, ""); len(es) != 0 {
		t.Errorf("after an old link: %d messages queued, want none", len(es))
	}
	got, err := s.ConfirmSigned(ctx, "o", "c", "p@example.org", later.CreatedAt, nil)
	if err != nil || got.ID != later.ID || got.Status != signing.StatusApproved {
		t.Fatalf("ConfirmSigned with its own time: %+v, %v; want signature %d approved", got, err, later.ID)
	}
}
