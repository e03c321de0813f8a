package storetest

import (
	"context"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// testWipeDropQuarantined: DropQuarantined (placard outbox drop
// --quarantined) keeps the on-disk promise of the erasures for what it
// drops: once it returns, with the store open and after Close, no byte of
// a dropped bundle's messages is left in any file, while a waiting
// bundle's are still there.
func testWipeDropQuarantined(t *testing.T, disk Disk) {
	ctx := context.Background()
	d := disk(t)
	if d.Damage == nil {
		t.Fatal("the engine cannot damage a bundle")
	}
	s, err := d.Open()
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	// Only the messages hold these markers (random text around them, so
	// no compression hides them): the signatures stay.
	goneEmail, goneNote := marker("dropped")+"@example.org", marker("droppednote")
	keptEmail, keptNote := marker("waiting")+"@example.org", marker("waitingnote")
	sign := func(email, note string) {
		t.Helper()
		sig := Sig("o", "c", email)
		m := Msg("o", "c", email)
		m.Payload = []byte(`{"email":"` + email + `","note":"` + longComment(note) + `"}`)
		sig.Outbox = []signing.Message{m}
		add(t, s, sig) // a batch, so a bundle, of its own
	}
	sign(goneEmail, goneNote)
	sign(keptEmail, keptNote)
	d.Damage(t, DamageVersion, goneEmail)
	ob, q := s.(store.Outbox), s.(store.Quarantine)
	if _, err := ob.List(ctx, ""); err != nil { // sets the damaged bundle aside
		t.Fatalf("List: %v", err)
	}
	checkQuarantined(t, q, "listing", 1)
	if d.Signed != nil {
		d.Signed(t)
	}
	if n, err := q.DropQuarantined(ctx); err != nil || n != 1 {
		t.Fatalf("DropQuarantined: got %d, %v, want 1, nil", n, err)
	}
	searchOne(t, "while open", d.Files(t), "dropped bundle's message", goneNote, keptNote)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	searchOne(t, "after Close", d.Files(t), "dropped bundle's message", goneNote, keptNote)
}
