package webhook_test

import (
	"context"
	"strings"
	"testing"

	"github.com/placard/placard/internal/signing"
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
