package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// signBatches signs batches of size signatures on o/c, each with one
// message, the second of every batch signing again an address signed
// before (so its message must never appear), and returns the messages of
// the signatures actually stored, in the order they were signed.
func signBatches(t *testing.T, s store.Store, batches, size int) []signing.Message {
	t.Helper()
	var kept []signing.Message
	n := 0
	for range batches {
		var sigs []*signing.Signature
		for i := range size {
			email := fmt.Sprintf("batched%d@example.org", n)
			if i == 1 && n > 1 {
				email = "batched0@example.org" // already signed
			} else {
				n++
			}
			sig := Sig("o", "c", email)
			sig.Outbox = []signing.Message{Msg("o", "c", email)}
			sigs = append(sigs, sig)
		}
		res, err := s.AddSignatures(context.Background(), sigs)
		if err != nil {
			t.Fatalf("AddSignatures: %v", err)
		}
		for i, e := range res {
			if e == nil {
				kept = append(kept, sigs[i].Outbox[0])
			}
		}
	}
	return kept
}

// testOutboxSignedClaim: the messages signatures bring (which an engine
// may keep packed per batch) are claimed like any other — by claimers
// running at once, each exactly once, oldest batch first, never a
// duplicate signature's — and keep the time they entered the outbox, so
// their maximum age counts from the signature.
func testOutboxSignedClaim(t *testing.T, s store.Store) {
	ctx := context.Background()
	ob := outboxOf(t, s)
	before := time.Now().Add(-time.Second)
	kept := signBatches(t, s, 6, 10)
	after := time.Now().Add(time.Second)
	// One claim smaller than a batch takes the oldest signature's first.
	first, err := ob.Claim(ctx, "first", 3, time.Hour)
	if err != nil || len(first) != 3 {
		t.Fatalf("Claim(3): %d messages, %v", len(first), err)
	}
	for _, e := range first {
		if !slices.ContainsFunc(kept[:10], func(m signing.Message) bool { return m.ID == e.ID }) {
			t.Errorf("the first claim took %s, not a message of the first batch", e.ID)
		}
		if e.CreatedAt.Before(before) || e.CreatedAt.After(after) {
			t.Errorf("claimed message entered the outbox at %v, not when it was signed (%v–%v)", e.CreatedAt, before, after)
		}
		if e.Attempts != 1 {
			t.Errorf("claimed message: %d attempts, want 1", e.Attempts)
		}
	}
	seen := map[string]int{}
	for _, e := range first {
		seen[e.ID]++
	}
	claimAll(ctx, t, ob, 4, seen)
	if len(seen) != len(kept) {
		t.Errorf("claimed %d distinct messages, want the %d of the signatures stored", len(seen), len(kept))
	}
	for _, m := range kept {
		if seen[m.ID] != 1 {
			t.Errorf("message %s claimed %d times, want once", m.ID, seen[m.ID])
		}
	}
}

// testOutboxSignedManage: retry and drop by id, and every erasure, reach
// a signature's message though nothing has claimed or listed it yet.
func testOutboxSignedManage(t *testing.T, s store.Store) {
	ctx := context.Background()
	ob := outboxOf(t, s)
	kept := signBatches(t, s, 1, 3)
	if n, err := ob.Requeue(ctx, []string{kept[0].ID}); err != nil || n != 1 {
		t.Errorf("Requeue(a signed message): %d, %v; want 1", n, err)
	}
	if n, err := ob.Drop(ctx, []string{kept[1].ID}); err != nil || n != 1 {
		t.Errorf("Drop(a signed message): %d, %v; want 1", n, err)
	}
	if got, want := outboxIDs(t, ob, ""), sortedIDs(kept[0], kept[2]); !slices.Equal(got, want) {
		t.Errorf("after Drop: %v, want %v", got, want)
	}

	erasers := []struct {
		name  string
		erase func(email string) error
	}{
		{"Erase", func(email string) error { _, err := s.Erase(ctx, email); return err }},
		{"EraseIn", func(email string) error {
			a, ok := s.(store.Accounts)
			if !ok {
				t.Skip("no accounts")
			}
			_, err := a.EraseIn(ctx, "o", email)
			return err
		}},
		{"EraseSupporter", func(email string) error {
			m, ok := s.(store.Mail)
			if !ok {
				t.Skip("no mail")
			}
			_, err := m.EraseSupporter(ctx, "o", email)
			return err
		}},
		{"Purge", func(string) error { _, err := s.Purge(ctx, "o", "c"); return err }},
	}
	for i, e := range erasers {
		t.Run(e.name, func(t *testing.T) {
			// A fresh batch whose messages nothing has touched yet.
			var sigs []*signing.Signature
			for k := range 3 {
				email := fmt.Sprintf("erase%d-%d@example.org", i, k)
				sig := Sig("o", "c", email)
				sig.Outbox = []signing.Message{Msg("o", "c", email)}
				sigs = append(sigs, sig)
			}
			add(t, s, sigs...)
			if err := e.erase(sigs[0].Email); err != nil {
				t.Fatalf("%s: %v", e.name, err)
			}
			es, err := ob.List(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range es {
				if m.Email == sigs[0].Email || e.name == "Purge" && m.Campaign == "c" {
					t.Errorf("after %s: message %s about %s is still in the outbox", e.name, m.ID, m.Email)
				}
			}
			if e.name != "Purge" && !slices.ContainsFunc(es, func(m store.OutboxEntry) bool { return m.ID == sigs[1].Outbox[0].ID }) {
				t.Errorf("after %s: another signer's message is gone", e.name)
			}
		})
	}
}
