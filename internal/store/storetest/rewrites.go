package storetest

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// testRewriteOwed: an erasure whose rewrite cannot be made (a reader
// holds what it must rewrite) still erases, and the rewrite stays owed
// (store.Rewrites): the erased signer's bytes are still in the files
// while it is held back, and PayRewrites, once the reader is gone,
// takes them out. Before, the failed rewrite was the erasure's error and
// nothing made it again: the bytes stayed until another erasure happened
// to rewrite the same table.
func testRewriteOwed(t *testing.T, disk Disk) {
	ctx := context.Background()
	d := disk(t)
	if d.Hold == nil {
		t.Fatal("the engine cannot hold a rewrite back")
	}
	s, err := d.Open()
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	rw, ok := s.(store.Rewrites)
	if !ok {
		s.Close()
		t.Fatalf("%T does not implement store.Rewrites: a rewrite that fails is never made again", s)
	}
	gone := wipeMarkers{marker("gone") + "@example.org", marker("Gone Name "), marker("gonecomment"), marker("gonecontact")}
	kept := wipeMarkers{email: marker("kept") + "@example.org", name: marker("Kept Name "), comment: marker("keptcomment")}
	var batch []*signing.Signature
	for i := range 20 {
		batch = append(batch, Sig("o", "c", marker("other")+"@example.org"))
		batch[i].Comment = longComment(marker("other"))
	}
	mine := Sig("o", "c", gone.email)
	mine.Name, mine.Comment = gone.name, longComment(gone.comment)
	mine.ContactText, mine.ContactAt = "Keep me posted "+gone.contact, base
	keep := Sig("o", "c", kept.email)
	keep.Name, keep.Comment = kept.name, longComment(kept.comment)
	add(t, s, append(batch, mine, keep)...)
	if d.Signed != nil {
		d.Signed(t)
	}
	release := d.Hold(t)
	if n, err := s.Erase(ctx, gone.email); err != nil || n != 1 {
		release()
		s.Close()
		t.Fatalf("Erase with its rewrite held back: got %d, %v, want 1, nil (the rows are gone; the rewrite is owed)", n, err)
	}
	if c, err := s.Counts(ctx); err != nil || len(c) != 1 || c[0].Signatures != 21 {
		t.Errorf("after the erasure: counts %+v, %v, want 21 signatures", c, err)
	}
	// Not yet due (it has just failed): nothing made, still owed.
	if paid, owed, err := rw.PayRewrites(ctx, false); err != nil || paid != 0 || owed == 0 {
		t.Errorf("PayRewrites before its next try: got %d made, %d owed, %v, want none made, some owed, nil", paid, owed, err)
	}
	// The hold worked: the bytes are still there (else this test proves
	// nothing).
	if !onDisk(t, d.Files(t), gone.email, gone.comment) {
		t.Error("the held-back rewrite left no byte of the erased signer on disk: the hold did not hold")
	}
	release()
	if paid, owed, err := rw.PayRewrites(ctx, true); err != nil || paid == 0 || owed != 0 {
		t.Fatalf("PayRewrites once the reader is gone: got %d made, %d owed, %v, want some made, 0 owed, nil", paid, owed, err)
	}
	search(t, "after paying the rewrite", d.Files(t), gone, kept)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	search(t, "after Close", d.Files(t), gone, kept)
}

// onDisk reports whether any file in paths holds one of the markers.
func onDisk(t *testing.T, paths []string, markers ...string) bool {
	t.Helper()
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatalf("reading %s: %v", p, err)
		}
		for _, m := range markers {
			if bytes.Contains(b, []byte(m)) {
				return true
			}
		}
	}
	return false
}
