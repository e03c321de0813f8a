package storetest

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// RunOutboxFigures checks store.OutboxFigures on stores from open.
func RunOutboxFigures(t *testing.T, open Opener) {
	t.Run("OutboxFiguresCount", func(t *testing.T) { testOutboxFigures(t, open(t)) })
	t.Run("ErasureNotesCountedApart", func(t *testing.T) { testNoteFigures(t, open(t)) })
}

// testOutboxFigures: an organisation's waiting and failed messages are
// counted as List shows them, signing's bundled ones included; held is
// handed exactly its pending emails due later, one by one, and its error
// comes back as it was.
func testOutboxFigures(t *testing.T, s store.Store) {
	ctx := context.Background()
	ob := outboxOf(t, s)
	f, ok := s.(store.OutboxFigures)
	if !ok {
		t.Fatalf("%T does not implement store.OutboxFigures", s)
	}
	// Signing's messages, bundled: an email and a webhook each.
	for _, e := range []string{"a@example.org", "b@example.org", "c@example.org"} {
		sig := Sig("o", "c", e)
		m := Msg("o", "c", e)
		mail := Msg("o", "c", e)
		mail.Kind, mail.Target = signing.MessageEmail, ""
		sig.Outbox = []signing.Message{m, mail}
		add(t, s, sig)
	}
	now := time.Now().UTC()
	later := func(campaign, body string) signing.Message {
		m := Msg("o", campaign, "w@example.org")
		m.Kind, m.Target, m.Payload, m.NotBefore = signing.MessageEmail, "", []byte(body), now.Add(3*time.Hour)
		return m
	}
	held1, held2 := later("call", `{"template":"contact","to":"mayor@council.example"}`), later("call2", `{"template":"contact","to":"clerk@council.example"}`)
	hook := Msg("o", "c", "w@example.org")
	hook.NotBefore = now.Add(3 * time.Hour) // later, but no email
	elsewhere := later("call", `{"template":"contact","to":"x@council.example"}`)
	elsewhere.Org = "x"
	dying := Msg("o", "c", "d@example.org")
	if err := ob.Enqueue(ctx, []signing.Message{held1, held2, hook, elsewhere, dying}); err != nil {
		t.Fatal(err)
	}
	claimed, err := ob.Claim(ctx, "w", 100, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(claimed, func(e store.OutboxEntry) bool { return e.ID == dying.ID }) {
		t.Fatalf("Claim did not take the due message %s", dying.ID)
	}
	if err := ob.Dead(ctx, dying.ID, "refused"); err != nil {
		t.Fatal(err)
	}
	// The other claimed ones wait again, due now.
	for _, e := range claimed {
		if e.ID != dying.ID {
			if err := ob.Retry(ctx, e.ID, now.Add(-time.Second), "try again"); err != nil {
				t.Fatal(err)
			}
		}
	}
	var seen []string
	waiting, dead, err := f.OutboxFigures(ctx, "o", now, func(campaign string, payload []byte) error {
		seen = append(seen, campaign+" "+string(payload))
		return nil
	})
	if err != nil {
		t.Fatalf("OutboxFigures: %v", err)
	}
	if waiting != 9 || dead != 1 {
		t.Errorf("OutboxFigures: %d waiting, %d dead; want 9 (6 signing, 2 held, 1 webhook) and 1", waiting, dead)
	}
	slices.Sort(seen)
	if want := []string{"call " + string(held1.Payload), "call2 " + string(held2.Payload)}; !slices.Equal(seen, want) {
		t.Errorf("held: %q, want %q", seen, want)
	}
	if w, d, err := f.OutboxFigures(ctx, "x", now, nil); err != nil || w != 1 || d != 0 {
		t.Errorf("another organisation's figures: %d, %d, %v; want 1, 0", w, d, err)
	}
	if w, d, err := f.OutboxFigures(ctx, "nobody", now, nil); err != nil || w != 0 || d != 0 {
		t.Errorf("an organisation without messages: %d, %d, %v", w, d, err)
	}
	stop := errors.New("stop")
	if _, _, err := f.OutboxFigures(ctx, "o", now, func(string, []byte) error { return stop }); err != stop {
		t.Errorf("held's error came back as %v", err)
	}
}

// testNoteFigures: erasure notes (kind "erasure") are counted apart, by
// organisation, and not among the messages waiting, also once tried
// again; a note given up is not counted. Failed before: notes were
// counted as webhooks and emails waiting, and nothing counted them as
// what they are.
func testNoteFigures(t *testing.T, s store.Store) {
	ctx := context.Background()
	ob := outboxOf(t, s)
	f, ok := s.(store.OutboxFigures)
	nf, ok2 := s.(store.NoteFigures)
	if !ok || !ok2 {
		t.Fatalf("%T does not implement store.OutboxFigures and store.NoteFigures", s)
	}
	note := func(org, email string) signing.Message {
		return signing.Message{ID: signing.NewMessageID(), Kind: "erasure", Org: org,
			Payload: []byte(`{"erased":"` + email + `","at":"2026-12-05T16:00:00Z"}`)}
	}
	o1, o2, gone := note("o", "n1@example.org"), note("o", "n2@example.org"), note("gone", "n3@example.org")
	if err := ob.Enqueue(ctx, []signing.Message{o1, o2, gone, Msg("o", "c", "w@example.org")}); err != nil {
		t.Fatal(err)
	}
	if counts, err := nf.NoteCounts(ctx); err != nil || !maps.Equal(counts, map[string]int{"o": 2, "gone": 1}) {
		t.Errorf("NoteCounts = %v, %v; want o: 2, gone: 1", counts, err)
	}
	if w, d, err := f.OutboxFigures(ctx, "o", time.Now(), nil); err != nil || w != 1 || d != 0 {
		t.Errorf("OutboxFigures with 2 notes and a webhook call: %d waiting, %d dead, %v; want 1, 0 (the notes counted apart)", w, d, err)
	}
	// Tried again later: still a note, still counted; given up: gone.
	if err := ob.Retry(ctx, gone.ID, time.Now().Add(time.Hour), "organisation gone is no longer served"); err != nil {
		t.Fatal(err)
	}
	if err := ob.Dead(ctx, o1.ID, "given up"); err != nil {
		t.Fatal(err)
	}
	if counts, err := nf.NoteCounts(ctx); err != nil || !maps.Equal(counts, map[string]int{"o": 1, "gone": 1}) {
		t.Errorf("NoteCounts after one note was tried again and another given up = %v, %v; want o: 1, gone: 1", counts, err)
	}
	if w, d, err := f.OutboxFigures(ctx, "o", time.Now(), nil); err != nil || w != 1 || d != 0 {
		t.Errorf("OutboxFigures after a note was given up: %d waiting, %d dead, %v; want 1, 0", w, d, err)
	}
}
