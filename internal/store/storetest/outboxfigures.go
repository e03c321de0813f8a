package storetest

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// RunOutboxFigures checks store.OutboxFigures on stores from open.
func RunOutboxFigures(t *testing.T, open Opener) {
	t.Run("OutboxFiguresCount", func(t *testing.T) { testOutboxFigures(t, open(t)) })
	t.Run("ErasureNotesCountedApart", func(t *testing.T) { testNoteFigures(t, open(t)) })
	t.Run("UnservedNotesExpire", func(t *testing.T) { testNoteExpiry(t, open(t)) })
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

// testNoteExpiry: an organisation seen unserved keeps the time it was
// first seen so until it is seen served again; DropUnservedNotes deletes
// only the erasure notes both made and seen unserved at or before its
// time, of recorded organisations only, never another message, and two
// instances dropping at once delete each note once. Failed before: no
// such record or drop existed — a note of an organisation no longer
// served kept the erased address without a time limit.
func testNoteExpiry(t *testing.T, s store.Store) {
	ctx := context.Background()
	ob := outboxOf(t, s)
	ne, ok := s.(store.NoteExpiry)
	if !ok {
		t.Fatalf("%T does not implement store.NoteExpiry", s)
	}
	note := func(org, email string) signing.Message {
		return signing.Message{ID: signing.NewMessageID(), Kind: "erasure", Org: org,
			Payload: []byte(`{"erased":"` + email + `","at":"2026-12-05T16:00:00Z"}`)}
	}
	made := time.Now()
	g1, g2, back, served := note("gone", "n1@example.org"), note("gone", "n2@example.org"), note("back", "n3@example.org"), note("served", "n4@example.org")
	hook := Msg("gone", "c", "w@example.org")
	if err := ob.Enqueue(ctx, []signing.Message{g1, g2, back, served, hook}); err != nil {
		t.Fatal(err)
	}
	afterMade := time.Now().Add(time.Second)
	day := 24 * time.Hour
	base := made.Add(-60 * day).UTC().Truncate(time.Second)
	mark := func(at time.Time, unserved ...string) {
		t.Helper()
		if err := ne.MarkUnserved(ctx, unserved, at); err != nil {
			t.Fatalf("MarkUnserved(%v, %v): %v", unserved, at, err)
		}
	}
	mark(base, "gone", "back")
	mark(base.Add(10*day), "gone", "back", "gone") // seen again: the first time stays
	mark(base.Add(20*day), "gone")                 // back served again: its clock stops
	later := afterMade.Add(time.Hour).UTC().Truncate(time.Second)
	mark(later, "back", "gone") // and unserved again, from later
	us, err := ne.UnservedNotes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(us) != 2 || us[0].Org != "back" || !us[0].Since.Equal(later) || us[0].Notes != 1 ||
		us[1].Org != "gone" || !us[1].Since.Equal(base) || us[1].Notes != 2 {
		t.Fatalf("UnservedNotes = %+v; want back since %v (1 note), gone since %v (2 notes)", us, later, base)
	}
	for _, u := range us {
		if u.Oldest.Before(made.Add(-time.Second)) || u.Newest.After(afterMade) || u.Newest.Before(u.Oldest) {
			t.Errorf("UnservedNotes %s: notes made %v to %v; want within %v and %v", u.Org, u.Oldest, u.Newest, made, afterMade)
		}
	}
	// At a time before the notes were made, though gone was seen unserved
	// long before: a note is kept its full time after it was made.
	if d, err := ne.DropUnservedNotes(ctx, base.Add(30*day)); err != nil || len(d) != 0 {
		t.Fatalf("DropUnservedNotes before the notes were made = %v, %v; want nothing dropped", d, err)
	}
	// Two instances at once, after the notes were made: gone's two go,
	// once; back's (seen unserved only later), served's (never recorded)
	// and gone's webhook call stay.
	var wg sync.WaitGroup
	res := make([]map[string]int, 2)
	errs := make([]error, 2)
	for i := range res {
		wg.Go(func() { res[i], errs[i] = ne.DropUnservedNotes(ctx, afterMade) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if res[0]["gone"]+res[1]["gone"] != 2 || len(res[0])+len(res[1]) > 2 || res[0]["back"]+res[1]["back"]+res[0]["served"]+res[1]["served"] != 0 {
		t.Errorf("two DropUnservedNotes at once = %v and %v; want gone's 2 notes dropped once, nothing else", res[0], res[1])
	}
	es, err := ob.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, e := range es {
		left = append(left, e.ID)
	}
	slices.Sort(left)
	want := []string{back.ID, served.ID, hook.ID}
	slices.Sort(want)
	if !slices.Equal(left, want) {
		t.Errorf("outbox after the drop holds %v; want back's and served's notes and gone's webhook call %v", left, want)
	}
	// Marked again with what is left: gone, without notes, is forgotten.
	mark(afterMade.Add(2*time.Hour), "back")
	if us, err := ne.UnservedNotes(ctx); err != nil || len(us) != 1 || us[0].Org != "back" || !us[0].Since.Equal(later) {
		t.Errorf("UnservedNotes after the drop = %+v, %v; want back alone, since %v", us, err, later)
	}
	if d, err := ne.DropUnservedNotes(ctx, later); err != nil || d["back"] != 1 || len(d) != 1 {
		t.Errorf("DropUnservedNotes at back's time = %v, %v; want back's note", d, err)
	}
}
