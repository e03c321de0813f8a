package webhook_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/internal/webhook"
)

// TestErasureNoteTellsWhatErasureTells: an erasure made without the
// organisation's settings leaves one note per organisation it reaches
// (none for one whose only signature is unconfirmed, none for one the
// caller tells itself), naming no "address" an erasure notice would
// (store.ErasedAddress); turned with the settings (FromNote), the note
// gives the notices Erasure gives — signature.erased to each webhook and
// the Action Network unsubscribe — with ids after the note's and the
// same on every turn.
func TestErasureNoteTellsWhatErasureTells(t *testing.T) {
	s := site(t, "webhooks:\n  - url: https://crm.example.org/hook\n    secret_env: PLACARD_ORG_NORTH__HOOK_SECRET\n"+
		"    events: [signature.erased]\n"+
		"osdi:\n  url: https://actionnetwork.org/api/v2/petitions/abc/signatures\n  api_key_env: PLACARD_ORG_NORTH__AN_KEY\n")
	o := s.Org("north")
	counted := *sig()
	stranger := *sig()
	stranger.Org, stranger.Status = "south", signing.StatusUnconfirmed
	told := *sig()
	told.Org = "east"
	erased := []signing.Signature{stranger, counted, told}

	want, _ := webhook.Erasure(s.Org, counted.Email, at)(erased)
	notes, _ := webhook.ErasureNotes(counted.Email, at, func(slug string) bool { return slug == "east" })(erased)
	if len(notes) != 1 || notes[0].Kind != webhook.MessageErasure || notes[0].Org != "north" || notes[0].Email != "" {
		t.Fatalf("notes: %+v, want one for north, filed under no address", notes)
	}
	if strings.Contains(string(notes[0].Payload), `"address"`) {
		t.Errorf("note %s names an \"address\", as an erasure notice does", notes[0].Payload)
	}
	if again, _ := webhook.ErasureNotes(counted.Email, at, nil)(nil); again != nil {
		t.Errorf("an erasure that removed nothing left %d notes", len(again))
	}
	got, err := webhook.FromNote(o, notes[0])
	if err != nil || len(got) != 2 || len(want) != 2 {
		t.Fatalf("FromNote: %d messages, %v; Erasure: %d; want 2 each (signature.erased, unsubscribe)", len(got), err, len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Kind != w.Kind || g.Target != w.Target || g.Org != w.Org || g.Email != "" || string(g.Payload) != string(w.Payload) {
			t.Errorf("FromNote message %d: %s to %s %s, want %s to %s %s", i, g.Kind, g.Target, g.Payload, w.Kind, w.Target, w.Payload)
		}
		if g.ID <= notes[0].ID || !strings.HasPrefix(g.ID, notes[0].ID) {
			t.Errorf("FromNote message %d: id %s, want the note's (%s) and a number", i, g.ID, notes[0].ID)
		}
	}
	if again, _ := webhook.FromNote(o, notes[0]); again[0].ID != got[0].ID || again[1].ID != got[1].ID {
		t.Error("FromNote gave other ids the second time; a note turned twice would be sent twice")
	}
	if gone, err := webhook.FromNote(nil, notes[0]); gone != nil || err != nil {
		t.Errorf("FromNote for an organisation gone: %d messages, %v; want none", len(gone), err)
	}
	// The deliverer queues them and so lets the note go.
	var queued []signing.Message
	d := &webhook.NoteDeliverer{Org: s.Org, Enqueue: func(_ context.Context, ms []signing.Message) error {
		queued = append(queued, ms...)
		return nil
	}}
	if err := d.Deliver(context.Background(), notes[0]); err != nil || len(queued) != 2 {
		t.Errorf("NoteDeliverer: %v, queued %d; want the 2 notices", err, len(queued))
	}
}

// TestErasureNoteOutlivesAFailedQueue: an erasure note is the only record
// that an organisation's CRMs must still hear of an erasure (the
// signatures are gone), and a note may be older than the outbox's
// maximum age when it is first turned: migration 046 makes the notes an
// older serve marked dead (after 48 hours) notes again, and `placard
// signatures erase` may run days before serve does. A failure to queue
// its notices (the database busy for a moment) then made the worker mark
// the note dead for its age, and Dead deletes a note: the CRMs were never
// told and nothing showed it. A note that could not be queued now waits
// and is tried again however old it is.
func TestErasureNoteOutlivesAFailedQueue(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s := site(t, "webhooks:\n  - url: https://crm.example.org/hook\n    secret_env: PLACARD_ORG_NORTH__HOOK_SECRET\n"+
		"    events: [signature.erased]\n")
	notes, _ := webhook.ErasureNotes(sig().Email, at, nil)([]signing.Signature{*sig()})
	if len(notes) != 1 {
		t.Fatalf("%d notes, want 1", len(notes))
	}
	if err := st.Enqueue(ctx, notes); err != nil {
		t.Fatal(err)
	}
	busy := true
	d := &webhook.NoteDeliverer{Org: s.Org, Enqueue: func(ctx context.Context, msgs []signing.Message) error {
		if busy {
			busy = false
			return errors.New("database is locked")
		}
		return st.Enqueue(ctx, msgs)
	}}
	// Three days on: the note is past the maximum age (48 hours).
	now := time.Now().Add(72 * time.Hour)
	w := outbox.NewWorker(st, map[string]outbox.Deliverer{webhook.MessageErasure: d},
		outbox.Options{FirstRetry: time.Nanosecond, MaxRetry: time.Nanosecond, Now: func() time.Time { return now },
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if _, err := w.Once(ctx); err != nil {
		t.Fatal(err)
	}
	es, err := st.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].ID != notes[0].ID || es[0].Status != store.OutboxPending {
		t.Fatalf("after a failed queue the outbox holds %+v; want the note, pending: deleting it, no CRM hears of the erasure", es)
	}
	// Its turn comes (SQLite's claim reads the real clock): the notice is
	// queued and the note goes.
	if _, err := st.Requeue(ctx, []string{notes[0].ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Once(ctx); err != nil {
		t.Fatal(err)
	}
	es, _ = st.List(ctx, "")
	if len(es) != 1 || es[0].Kind != signing.MessageWebhook {
		t.Fatalf("after the second turn the outbox holds %+v; want the signature.erased notice alone", es)
	}
}

// TestErasureNoteKeptWhileItsOrganisationIsNotServed: a note whose
// organisation is not served (removed from the campaigns folder) cannot
// be turned into its notices, yet the CRM still holds the person erased
// here. It was deleted, and nobody knew. It now waits, counted for the
// operator (store.NoteFigures, UnservedNotes), and once the organisation
// is served again its notices go and it is deleted. Failed before: after
// the worker's turn the outbox was empty.
func TestErasureNoteKeptWhileItsOrganisationIsNotServed(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	s := site(t, "webhooks:\n  - url: https://crm.example.org/hook\n    secret_env: PLACARD_ORG_NORTH__HOOK_SECRET\n"+
		"    events: [signature.erased]\n")
	notes, _ := webhook.ErasureNotes(sig().Email, at, nil)([]signing.Signature{*sig()})
	if len(notes) != 1 {
		t.Fatalf("%d notes, want 1", len(notes))
	}
	if err := st.Enqueue(ctx, notes); err != nil {
		t.Fatal(err)
	}
	served := (*campaign.Site)(nil)
	d := &webhook.NoteDeliverer{Org: func(slug string) *campaign.Org { return served.Org(slug) }, Enqueue: st.Enqueue}
	now := time.Now().Add(72 * time.Hour) // past the maximum age, as a note may be
	w := outbox.NewWorker(st, map[string]outbox.Deliverer{webhook.MessageErasure: d},
		outbox.Options{Now: func() time.Time { return now }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if _, err := w.Once(ctx); err != nil {
		t.Fatal(err)
	}
	es, err := st.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].ID != notes[0].ID || es[0].Status != store.OutboxPending {
		t.Fatalf("after a turn with its organisation not served the outbox holds %+v; want the note, waiting", es)
	}
	if strings.Contains(es[0].LastError, sig().Email) || !strings.Contains(es[0].LastError, "no longer served") {
		t.Errorf("the note's last error %q: want it to say the organisation is not served, without the address", es[0].LastError)
	}
	counts, err := st.NoteCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if orgs, n := webhook.UnservedNotes(nil, counts); !slices.Equal(orgs, []string{"north"}) || n != 1 {
		t.Errorf("UnservedNotes with nothing served = %v, %d; want north, 1", orgs, n)
	}
	if orgs, n := webhook.UnservedNotes(s, counts); orgs != nil || n != 0 {
		t.Errorf("UnservedNotes with north served = %v, %d; want none", orgs, n)
	}
	// Served again: its turn comes, the notice is queued and the note goes.
	served = s
	if _, err := st.Requeue(ctx, []string{notes[0].ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Once(ctx); err != nil {
		t.Fatal(err)
	}
	es, _ = st.List(ctx, "")
	if len(es) != 1 || es[0].Kind != signing.MessageWebhook {
		t.Fatalf("after the organisation is served again the outbox holds %+v; want the signature.erased notice alone", es)
	}
}

// TestErasureNoticeWaitsForItsReceiver: an erasure's signature.erased
// notice whose organisation is not served for a moment (a reload that
// did not find it), or whose webhook was taken out of org.yaml and put
// back, waits and is tried again later instead of failing for good: the
// receiver, back, hears of the erasure. Any other message to a receiver
// no longer configured is still refused for good (nothing about a
// signer waits for a receiver the organisation dropped). Failed before:
// the notice was refused for good (outbox.Permanent) at its first
// attempt without its receiver, so it was marked dead and the CRM, back
// in org.yaml, kept the person erased here.
func TestErasureNoticeWaitsForItsReceiver(t *testing.T) {
	const secret = "whsec_c2VjcmV0LWtleS1mb3ItdGVzdHM="
	r := newReceiver(t, secret)
	hook := "webhooks:\n  - url: " + r.srv.URL + "/hook\n    secret_env: PLACARD_ORG_NORTH__HOOK_SECRET\n    events: [signature.created, signature.erased]\n"
	hook += "osdi:\n  url: " + r.srv.URL + "/api/v2/petitions/abc/signatures\n  api_key_env: PLACARD_ORG_NORTH__AN_KEY\n"
	with, without := site(t, hook), site(t, "")
	p := webhook.Policy{AllowLoopback: true, RootCAs: poolOf(r.srv)}
	env := map[string]string{"PLACARD_ORG_NORTH__HOOK_SECRET": secret, "PLACARD_ORG_NORTH__AN_KEY": "k"}
	notices := webhook.Erased(with.Org("north"), "ana@example.org", at)
	created := webhook.Messages(with.Org("north"), with.Campaign("north", "rent"), sig(), webhook.Occasion{Event: "signature.created", Final: true, At: at})
	if len(notices) != 1 || len(created) != 2 {
		t.Fatalf("%d notices and %d signature.created; want 1 and 2 (webhook, OSDI record)", len(notices), len(created))
	}
	// The erasure's Action Network unsubscribe (filed under no address),
	// as an erasure note turns into; a withdrawal's (filed under the
	// address) is a message about a signer.
	fromNote, err := webhook.FromNote(with.Org("north"), signing.Message{ID: signing.NewMessageID(), Kind: webhook.MessageErasure, Org: "north",
		Payload: []byte(`{"erased":"ana@example.org","at":"2026-03-01T09:30:15Z","unsubscribe":{"campaign":"rent","email":"ana@example.org"}}`)})
	if err != nil {
		t.Fatal(err)
	}
	waiting := []signing.Message{notices[0]}
	for _, m := range fromNote {
		if m.Kind == signing.MessageOSDI {
			waiting = append(waiting, m)
		}
	}
	refused := append(created, webhook.Unsubscribed(with.Org("north"), sig())...)
	if len(waiting) != 2 || len(refused) != 3 {
		t.Fatalf("%d erasure notices and %d other messages; want 2 and 3", len(waiting), len(refused))
	}
	for name, org := range map[string]func(string) *campaign.Org{
		"organisation not served":       func(string) *campaign.Org { return nil },
		"webhook taken out of org.yaml": without.Org,
	} {
		d := deliverer(t, with, p, env)
		d.Org = org
		for _, m := range waiting {
			if err := d.Deliver(context.Background(), m); err == nil || outbox.IsPermanent(err) {
				t.Errorf("%s: the erasure notice's (%s) attempt = %v; want an error to try again later, not a refusal for good", name, m.Kind, err)
			}
		}
		for _, m := range refused {
			if err := d.Deliver(context.Background(), m); !outbox.IsPermanent(err) {
				t.Errorf("%s: a %s about a signer, attempt = %v; want refused for good", name, m.Kind, err)
			}
		}
	}
	// Back in org.yaml: the notice goes.
	if err := deliverer(t, with, p, env).Deliver(context.Background(), notices[0]); err != nil {
		t.Fatalf("the notice once its webhook is back: %v", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.ok) != 1 || r.ok[0] != notices[0].ID {
		t.Errorf("receiver accepted %v; want the notice %s", r.ok, notices[0].ID)
	}
}
