package storetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// Disk returns a fresh database whose files a test can read.
type Disk func(t *testing.T) WipeDisk

// WipeDisk is one database for RunWipe.
type WipeDisk struct {
	// Open opens the database.
	Open func() (store.Store, error)
	// Signed, when set, runs once the signatures are stored and before the
	// erasure: housekeeping the engine may do on its own at any time, such
	// as PostgreSQL's ANALYZE, which copies sample values elsewhere.
	Signed func(t *testing.T)
	// Files makes the engine write out what it caches and returns the path
	// of every file to search. It is called once while the store is still
	// open (after the erasure) and once after it is closed.
	Files func(t *testing.T) []string
	// Damage damages the bundles holding marker (Damaged.Damage), for
	// the tests whose erased signer's bundle cannot be read.
	Damage func(t *testing.T, how Damage, marker string)
	// Hold keeps the erasure's rewrite from being made until release is
	// called (a reader the rewrite waits for, past the engine's bound
	// on that wait), for RewriteOwed.
	Hold func(t *testing.T) (release func())
}

// RunWipe checks the on-disk promise of Erase and Purge: once they return —
// with the store still open, and again after a clean Close — no byte of an
// erased signer's email, name, comment or contact permission is left in any
// file the engine names, while everyone else's are still there (which shows
// the search reads real data).
func RunWipe(t *testing.T, disk Disk) {
	t.Run("EraseLeavesNoBytes", func(t *testing.T) { testWipe(t, disk, false, "") })
	t.Run("PurgeLeavesNoBytes", func(t *testing.T) { testWipe(t, disk, true, "") })
	// A damaged bundle (quarantine.go) holding the erased signer's
	// messages goes too, its bytes with it.
	t.Run("EraseDamagedLeavesNoBytes", func(t *testing.T) { testWipe(t, disk, false, DamageMessage) })
	t.Run("PurgeDamagedLeavesNoBytes", func(t *testing.T) { testWipe(t, disk, true, DamageVersion) })
	t.Run("EraseInLeavesNoBytes", func(t *testing.T) { testWipeIn(t, disk) }) // accounts.go
	t.Run("PurgeWithoutSignaturesLeavesNoBytes", func(t *testing.T) { testPurgeUnsigned(t, disk) })
	t.Run("DropQuarantinedLeavesNoBytes", func(t *testing.T) { testWipeDropQuarantined(t, disk) }) // wipequarantine.go
	t.Run("RenormaliseLeavesNoBytes", func(t *testing.T) { testWipeRenormalise(t, disk) })         // emailforms.go
	t.Run("DropLeavesNoBytes", func(t *testing.T) { testWipeDrop(t, disk) })                       // rewrites.go
	t.Run("RewriteOwed", func(t *testing.T) { testRewriteOwed(t, disk) })                          // rewrites.go
}

// testPurgeUnsigned: Purge of a campaign that holds no signature (its
// supporters only wrote to decision-makers, or its signatures went
// earlier) still takes every message of the campaign — a contact
// letter with its sender's address and message, the sender's keyed hash,
// a dead message — from the disk, and leaves other campaigns' messages.
func testPurgeUnsigned(t *testing.T, disk Disk) {
	ctx := context.Background()
	d := disk(t)
	s, err := d.Open()
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	gone := wipeMarkers{email: marker("gone") + "@example.org", name: marker("Gone Name "), comment: marker("goneletter"), contact: marker("gonenone")}
	kept := wipeMarkers{email: marker("kept") + "@example.org", name: marker("Kept Name "), comment: marker("keptletter")}
	tm, ob := targetMail(t, s)
	letter := func(campaign string, w wipeMarkers) {
		q := mailing(campaign, "moss", w.email, 10, base)
		q.Messages[0].Payload = []byte(`{"to":"moss@legislature.example","reply_to":"` + w.email + `","name":"` + w.name + `","body":"` + longComment(w.comment) + `"}`)
		if _, err := tm.QueueTargetMail(ctx, q); err != nil {
			t.Fatalf("QueueTargetMail: %v", err)
		}
	}
	letter("e", gone)
	letter("c", kept)
	// A kept signature elsewhere, so the search also reads signatures.
	keep := Sig("o", "c", kept.email)
	keep.Name = kept.name
	add(t, s, keep)
	// A message of the campaign that could not be delivered: dead.
	dead := Msg("o", "e", gone.email)
	dead.Payload = []byte(`{"email":"` + gone.email + `","name":"` + gone.name + `"}`)
	if err := ob.Enqueue(ctx, []signing.Message{dead}); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	for {
		es, err := ob.Claim(ctx, "w", 10, time.Hour)
		if err != nil {
			t.Fatalf("Claim: %v", err)
		}
		if len(es) == 0 {
			t.Fatal("the dead-to-be message was never claimed")
		}
		found := false
		for _, e := range es {
			if e.ID == dead.ID {
				found = true
				if err := ob.Dead(ctx, e.ID, "550 no such mailbox"); err != nil {
					t.Fatalf("Dead: %v", err)
				}
			}
		}
		if found {
			break
		}
	}
	if d.Signed != nil {
		d.Signed(t)
	}
	if n, err := s.Purge(ctx, "o", "e"); err != nil || n != 0 {
		t.Fatalf("Purge of a campaign without signatures: got %d, %v, want 0, nil", n, err)
	}
	es, err := ob.List(ctx, "")
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	for _, e := range es {
		if e.Campaign == "e" {
			t.Errorf("after Purge: campaign e's message %s (%s) is still in the outbox", e.ID, e.Status)
		}
	}
	// The one-per-target rule forgot the campaign's senders.
	if _, err := tm.QueueTargetMail(ctx, mailing("e", "moss", gone.email, 10, base)); err != nil {
		t.Errorf("QueueTargetMail after Purge: %v, want the sender forgotten", err)
	} else if _, err := s.Purge(ctx, "o", "e"); err != nil {
		t.Fatalf("Purge: %v", err)
	}
	files := d.Files(t)
	search(t, "while open", files, gone, kept)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	search(t, "after Close", d.Files(t), gone, kept)
}

// marker returns a unique string no database could hold by chance.
func marker(prefix string) string {
	b := make([]byte, 8)
	rand.Read(b)
	return prefix + hex.EncodeToString(b)
}

// longComment is a comment near the 2,000-character limit, built around a
// marker from random base64 so it does not compress: PostgreSQL then keeps
// it out of line in the table's TOAST relation, SQLite in overflow pages.
func longComment(m string) string {
	b := make([]byte, 1400)
	rand.Read(b)
	s := base64.StdEncoding.EncodeToString(b)
	return s[:900] + " " + m + " " + s[900:]
}

func testWipe(t *testing.T, disk Disk, purge bool, damage Damage) {
	ctx := context.Background()
	d := disk(t)
	s, err := d.Open()
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	gone := wipeMarkers{
		marker("gone") + "@example.org", marker("Gone Name "), marker("gonecomment"), marker("gonecontact"),
	}
	kept := wipeMarkers{
		email: marker("kept") + "@example.org", name: marker("Kept Name "), comment: marker("keptcomment"),
	}
	// The erased signer signs two campaigns (one of them also as a
	// public organisation, moderated twice, so the engine holds older
	// versions of the row), among other signers on both.
	var batch []*signing.Signature
	for i := range 40 {
		batch = append(batch, Sig("o", "c", marker("other")+"@example.org"))
		batch[i].Comment = longComment(marker("other"))
	}
	mine := Sig("o", "c", gone.email)
	mine.Name, mine.Comment, mine.Public = gone.name, longComment(gone.comment), true
	mine.ContactText, mine.ContactAt = "Keep me posted "+gone.contact, base
	// Signed on a form asking for the names apart (name_fields: split):
	// the parts are columns of their own, searched for too.
	goneFamily, keptFamily := marker("gonefamily"), marker("keptfamily")
	mine.GivenName, mine.FamilyName = "Leila", goneFamily
	other := Sig("o", "d", gone.email)
	other.Name, other.Kind, other.Status, other.Organisation = gone.name, signing.KindOrganisation, signing.StatusPending, gone.name
	keep := Sig("o", "d", kept.email)
	keep.Name, keep.Comment = kept.name, longComment(kept.comment)
	keep.GivenName, keep.FamilyName = "Kept", keptFamily
	keepC := Sig("o", "c", kept.email)
	keepC.Name = kept.name
	// The erased signer's messages wait in the outbox, holding their
	// address and name in the payload; so do a kept signer's.
	mine.Outbox = []signing.Message{Msg("o", "c", gone.email), Msg("o", "c", gone.email)}
	mine.Outbox[1].Payload = []byte(`{"name":"` + gone.name + `","email":"` + gone.email + `"}`)
	other.Outbox = []signing.Message{Msg("o", "d", gone.email)}
	keep.Outbox = []signing.Message{Msg("o", "d", kept.email)}
	batch = append(batch, mine, other, keep)
	if purge {
		batch = append(batch, keepC)
	}
	add(t, s, batch...)
	for _, st := range []signing.Status{signing.StatusApproved, signing.StatusRejected} {
		if err := s.SetStatus(ctx, other.ID, st); err != nil {
			t.Fatalf("SetStatus: %v", err)
		}
	}
	wipeOrganisers(t, s, gone.email, kept.email) // accounts.go
	if damage != "" {
		if d.Damage == nil {
			t.Fatal("the engine cannot damage a bundle")
		}
		d.Damage(t, damage, gone.email)
	}
	// What the purged campaign's signing brought: a personal link's row
	// and a share source's counts (purgereach.go); d keeps its own.
	goneLink, keptLink, goneSource, keptSource := marker("gonelink"), marker("keptlink"), marker("gonesource"), marker("keptsource")
	if purge {
		addCredits(t, s, credit("c", goneSource, goneLink, 1), credit("d", keptSource, keptLink, 1))
	}
	if d.Signed != nil {
		d.Signed(t)
	}
	if purge {
		// Purge campaign c, then erase the signer from d: both paths.
		n, err := s.Purge(ctx, "o", "c")
		if err != nil || n != 42 {
			t.Fatalf("Purge: got %d, %v, want 42, nil", n, err)
		}
		if n, err := s.Erase(ctx, gone.email); err != nil || n != 1 {
			t.Fatalf("Erase: got %d, %v, want 1, nil", n, err)
		}
	} else if n, err := s.Erase(ctx, gone.email); err != nil || n != 2 {
		t.Fatalf("Erase: got %d, %v, want 2, nil", n, err)
	}
	// Searched twice: while the store is still open, as a server that
	// keeps running sees it (another process may have erased), and after
	// a clean Close.
	files := d.Files(t)
	search(t, "while open", files, gone, kept)
	searchOne(t, "while open", files, "family name", goneFamily, keptFamily)
	if purge {
		searchOne(t, "while open", files, "personal link", goneLink, keptLink)
		searchOne(t, "while open", files, "share source", goneSource, keptSource)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	files = d.Files(t)
	search(t, "after Close", files, gone, kept)
	searchOne(t, "after Close", files, "family name", goneFamily, keptFamily)
	if purge {
		searchOne(t, "after Close", files, "personal link", goneLink, keptLink)
		searchOne(t, "after Close", files, "share source", goneSource, keptSource)
	}
}

// searchOne is search for one more value, what: fails if any file in
// paths holds gone, or none holds kept.
func searchOne(t *testing.T, when string, paths []string, what, gone, kept string) {
	t.Helper()
	var inGone, inKept []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatalf("reading %s: %v", p, err)
		}
		if bytes.Contains(b, []byte(gone)) {
			inGone = append(inGone, p)
		}
		if bytes.Contains(b, []byte(kept)) {
			inKept = append(inKept, p)
		}
	}
	if len(inGone) > 0 {
		t.Errorf("%s: the erased signer's %s %q is still on disk in %v", when, what, gone, inGone)
	}
	if len(inKept) == 0 {
		t.Errorf("%s: a kept signer's %s %q is in none of the %d files searched", when, what, kept, len(paths))
	}
}

type wipeMarkers struct{ email, name, comment, contact string }

// search reads every file in paths and fails if any holds one of gone's
// markers, or if none holds one of kept's.
func search(t *testing.T, when string, paths []string, gone, kept wipeMarkers) {
	t.Helper()
	if len(paths) == 0 {
		t.Fatal("the engine named no database files to search")
	}
	found := map[string][]string{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			// A file removed since it was listed (PostgreSQL unlinks old
			// relation files at checkpoints) holds nothing any more.
			if os.IsNotExist(err) {
				continue
			}
			t.Fatalf("reading %s: %v", p, err)
		}
		for _, m := range []string{gone.email, gone.name, gone.comment, gone.contact, kept.email, kept.name, kept.comment} {
			if bytes.Contains(b, []byte(m)) {
				found[m] = append(found[m], p)
			}
		}
	}
	for what, m := range map[string]string{"email": gone.email, "name": gone.name, "comment": gone.comment, "contact permission text": gone.contact} {
		if len(found[m]) > 0 {
			t.Errorf("%s: the erased signer's %s %q is still on disk in %v", when, what, m, found[m])
		}
	}
	for what, m := range map[string]string{"email": kept.email, "name": kept.name, "comment": kept.comment} {
		if len(found[m]) == 0 {
			t.Errorf("%s: a kept signer's %s %q is in none of the %d files searched: the search does not read the data", when, what, m, len(paths))
		}
	}
}
