package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// testErasureNoteKept: an erasure note (kind "erasure",
// webhook.ErasureNotes: an erasure made without the campaign files leaves
// it for placard serve to turn into the CRM notices) is stored so that no
// older placard's claim selects it (migration 046; each engine's
// TestOlderServeCannotClaimNotes runs the older claim's own SQL), yet this
// one claims it — before a backlog of other messages, so a note is not
// starved behind them — reports it pending, keeps it a note when it is
// tried again, and, should it be given up (Dead), deletes it rather than
// keeping the erased address in a dead row nothing would ever turn.
func testErasureNoteKept(t *testing.T, s TellingStore) {
	ctx := context.Background()
	var backlog []signing.Message
	for _, e := range []string{"b1@example.org", "b2@example.org", "b3@example.org"} {
		backlog = append(backlog, Msg("o", "c", e))
	}
	if err := s.Enqueue(ctx, backlog); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	note := signing.Message{ID: signing.NewMessageID(), Kind: "erasure", Org: "o",
		Payload: []byte(`{"erased":"noted@example.org","at":"2026-12-05T16:00:00Z"}`)}
	if err := s.Enqueue(ctx, []signing.Message{note}); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	if ids := outboxIDs(t, s, store.OutboxPending); !slices.Contains(ids, note.ID) {
		t.Fatalf("List(pending) = %v; want the note among them", ids)
	}
	got, err := s.Claim(ctx, "w", 1, time.Minute)
	if err != nil {
		t.Fatalf("Claim: %v", err)
	}
	if len(got) != 1 || got[0].ID != note.ID || got[0].Status != store.OutboxPending || string(got[0].Payload) != string(note.Payload) {
		t.Fatalf("Claim(1) behind a backlog of 3 older messages = %+v; want the erasure note, pending", got)
	}
	// Tried again (serve could not queue its notices): still a note,
	// still holding back the erased person's re-signature, due again.
	if err := s.Retry(ctx, note.ID, time.Now().Add(-time.Second), "queueing an erasure's notices: busy"); err != nil {
		t.Fatalf("Retry: %v", err)
	}
	resigned := Msg("o", "c", "noted@example.org")
	if ok, err := s.Earlier(ctx, resigned); err != nil || !ok {
		t.Errorf("Earlier for the re-signature after the note was tried again = %v, %v; want true", ok, err)
	}
	got, err = s.Claim(ctx, "w", 10, time.Minute)
	if err != nil {
		t.Fatalf("Claim: %v", err)
	}
	var ids []string
	for _, e := range got {
		ids = append(ids, e.ID)
	}
	if len(got) != 4 || !slices.Contains(ids, note.ID) {
		t.Fatalf("Claim(10) after the note was tried again = %v; want the note and the 3 others", ids)
	}
	// Given up: gone, the address with it. Another kind of message given
	// up stays dead, for an operator to retry or drop, as before.
	if err := s.Dead(ctx, note.ID, "not an erasure note"); err != nil {
		t.Fatalf("Dead: %v", err)
	}
	if err := s.Dead(ctx, backlog[0].ID, "refused"); err != nil {
		t.Fatalf("Dead: %v", err)
	}
	all, err := s.List(ctx, "")
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	for _, e := range all {
		if e.ID == note.ID {
			t.Errorf("a given-up erasure note is kept (%s, %q); want it deleted with the address it held", e.Status, e.Payload)
		}
	}
	if dead := outboxIDs(t, s, store.OutboxDead); !slices.Equal(dead, []string{backlog[0].ID}) {
		t.Errorf("dead messages = %v; want only the webhook given up (%s)", dead, backlog[0].ID)
	}
}
