package storetest

import (
	"context"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// testWipeDrop: messages dropped undelivered ('placard outbox drop',
// 'placard outbox drop --erasure-notes ORG' once the people are erased in
// the CRM by hand) leave no byte of their address or payload in the
// files, as an erasure's; the others stay. Before, Drop deleted the rows
// and rewrote nothing: the addresses stayed in the files (PostgreSQL's
// dead tuples, SQLite's write-ahead log).
func testWipeDrop(t *testing.T, disk Disk) {
	ctx := context.Background()
	d := disk(t)
	s, err := d.Open()
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	ob := s.(store.Outbox)
	gone := wipeMarkers{email: marker("gone") + "@example.org", name: marker("Gone Name "), comment: marker("gonecomment"), contact: marker("gonecontact")}
	kept := wipeMarkers{email: marker("kept") + "@example.org", name: marker("Kept Name "), comment: marker("keptcomment")}
	msg := func(w wipeMarkers) signing.Message {
		m := Msg("o", "c", w.email)
		m.Payload = []byte(`{"email":"` + w.email + `","name":"` + w.name + `","comment":"` + longComment(w.comment) + `","contact":"` + w.contact + `"}`)
		return m
	}
	var ms []signing.Message
	for range 20 {
		ms = append(ms, msg(wipeMarkers{email: marker("other") + "@example.org", name: marker("Other "), comment: marker("other")}))
	}
	mine, keep := msg(gone), msg(kept)
	if err := ob.Enqueue(ctx, append(ms, mine, keep)); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	// A kept signature too, so the search also reads signatures.
	ks := Sig("o", "c", kept.email)
	ks.Name, ks.Comment = kept.name, longComment(kept.comment)
	add(t, s, ks)
	if d.Signed != nil {
		d.Signed(t)
	}
	if n, err := ob.Drop(ctx, []string{mine.ID}); err != nil || n != 1 {
		t.Fatalf("Drop: got %d, %v, want 1, nil", n, err)
	}
	search(t, "while open", d.Files(t), gone, kept)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	search(t, "after Close", d.Files(t), gone, kept)
}
