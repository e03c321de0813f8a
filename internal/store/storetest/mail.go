package storetest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// MailStore is a store that also keeps what email needs.
type MailStore interface {
	store.Store
	store.Mail
}

// RunMail runs store.Mail's behavioural suite against stores from open.
func RunMail(t *testing.T, open func(t *testing.T) MailStore) {
	t.Run("UnconfirmedCountsNowhereUntilConfirmed", func(t *testing.T) { testConfirm(t, open(t)) })
	t.Run("EraseUnconfirmed", func(t *testing.T) { testEraseUnconfirmed(t, open(t)) })
	t.Run("Suppression", func(t *testing.T) { testSuppression(t, open(t)) })
	t.Run("SupporterChoices", func(t *testing.T) { testSupporter(t, open(t)) })
}

func unconfirmed(org, campaign, email string) *signing.Signature {
	s := Sig(org, campaign, email)
	s.Status = signing.StatusUnconfirmed
	s.Public = true
	return s
}

func countOf(t *testing.T, s store.Store, org, campaign string) signing.Count {
	t.Helper()
	cs, err := s.Counts(context.Background())
	if err != nil {
		t.Fatalf("Counts: %v", err)
	}
	for _, c := range cs {
		if c.Org == org && c.Campaign == campaign {
			return c
		}
	}
	return signing.Count{Org: org, Campaign: campaign}
}

func testConfirm(t *testing.T, s MailStore) {
	ctx := context.Background()
	person := unconfirmed("o", "c", "p@example.org")
	org := unconfirmed("o", "c", "org@example.org")
	org.Kind, org.Organisation = signing.KindOrganisation, "Riverside Tenants"
	add(t, s, person, org, Sig("o", "c", "counted@example.org"))
	if got := countOf(t, s, "o", "c"); got.Signatures != 1 || got.Pending != 0 || got.Organisations != 0 {
		t.Errorf("before confirming: %+v, want only the one approved signature counted", got)
	}
	if ps, _ := s.PublicSigners(ctx, "o", "c", 10); len(ps) != 0 {
		t.Errorf("an unconfirmed public signer is listed: %+v", ps)
	}
	got, err := s.Confirm(ctx, "o", "c", "p@example.org")
	if err != nil || got.ID != person.ID || got.Status != signing.StatusApproved || got.Lang != "en" {
		t.Fatalf("Confirm: %+v, %v; want signature %d approved", got, err, person.ID)
	}
	if _, err := s.Confirm(ctx, "o", "c", "p@example.org"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second Confirm: %v, want ErrNotFound (links are single-use)", err)
	}
	for _, k := range [][3]string{{"o", "c", "nobody@example.org"}, {"o", "d", "p@example.org"}, {"x", "c", "p@example.org"}, {"o", "c", "counted@example.org"}} {
		if _, err := s.Confirm(ctx, k[0], k[1], k[2]); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Confirm %v: %v, want ErrNotFound", k, err)
		}
	}
	if got, err := s.Confirm(ctx, "o", "c", "org@example.org"); err != nil || got.Status != signing.StatusPending {
		t.Errorf("Confirm organisation: %+v, %v; want pending (moderation next)", got, err)
	}
	if got := countOf(t, s, "o", "c"); got.Signatures != 2 || got.Pending != 1 {
		t.Errorf("after confirming: %+v, want 2 signatures and 1 pending", got)
	}
	if ps, _ := s.PublicSigners(ctx, "o", "c", 10); len(ps) != 1 {
		t.Errorf("after confirming, %d public signers, want 1", len(ps))
	}
}

func testEraseUnconfirmed(t *testing.T, s MailStore) {
	ctx := context.Background()
	old := unconfirmed("o", "c", "old@example.org")
	fresh := unconfirmed("o", "c", "fresh@example.org")
	fresh.CreatedAt = base.Add(48 * time.Hour)
	counted := Sig("o", "c", "counted@example.org")
	elsewhere := unconfirmed("o", "d", "old@example.org")
	add(t, s, old, fresh, counted, elsewhere)
	before := revision(t, s, "o", "c")
	n, err := s.EraseUnconfirmed(ctx, "o", "c", base.Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("EraseUnconfirmed: %d, %v; want 1", n, err)
	}
	var left []string
	s.Signatures(ctx, "o", "c", "", func(sig *signing.Signature) error { left = append(left, sig.Email); return nil })
	slices.Sort(left)
	if len(left) != 2 || left[0] != "counted@example.org" || left[1] != "fresh@example.org" {
		t.Errorf("left %v, want the fresh unconfirmed and the counted signature", left)
	}
	if got := countOf(t, s, "o", "c"); got.Signatures != 1 {
		t.Errorf("count %+v, want 1", got)
	}
	if r := revision(t, s, "o", "c"); r <= before {
		t.Errorf("revision %d after erasing, was %d: want it moved", r, before)
	}
	if n, err := s.EraseUnconfirmed(ctx, "o", "c", base.Add(time.Hour)); err != nil || n != 0 {
		t.Errorf("again: %d, %v; want 0", n, err)
	}
	// Every campaign at once: the other campaign's old one goes too.
	if n, err := s.EraseUnconfirmed(ctx, "", "", base.Add(time.Hour)); err != nil || n != 1 {
		t.Errorf("every campaign: %d, %v; want 1", n, err)
	}
}

func revision(t *testing.T, s store.Store, org, campaign string) int64 {
	t.Helper()
	ts, err := s.Tallies(context.Background())
	if err != nil {
		t.Fatalf("Tallies: %v", err)
	}
	for _, x := range ts {
		if x.Org == org && x.Campaign == campaign {
			return x.Revision
		}
	}
	return 0
}

func testSuppression(t *testing.T, s MailStore) {
	ctx := context.Background()
	key, err := s.Secret(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h := store.AddressHash(key, "u@example.org")
	if ok, err := s.Suppressed(ctx, "o", h); err != nil || ok {
		t.Fatalf("Suppressed before: %v, %v", ok, err)
	}
	for range 2 {
		if err := s.Suppress(ctx, "o", h, base); err != nil {
			t.Fatalf("Suppress: %v", err)
		}
	}
	if ok, _ := s.Suppressed(ctx, "o", h); !ok {
		t.Error("not suppressed after Suppress")
	}
	if ok, _ := s.Suppressed(ctx, "other", h); ok {
		t.Error("suppressed for another organisation")
	}
	if ok, _ := s.Suppressed(ctx, "o", store.AddressHash(key, "v@example.org")); ok {
		t.Error("another address is suppressed")
	}
	// Erase keeps the address's unsubscriptions, as the keyed hash
	// alone: someone whose address a stranger typed, who erased it,
	// must not get mail again the next time it is typed.
	add(t, s, Sig("o", "c", "u@example.org"))
	if n, err := s.Erase(ctx, "u@example.org"); err != nil || n != 1 {
		t.Fatalf("Erase: %d, %v", n, err)
	}
	if ok, _ := s.Suppressed(ctx, "o", h); !ok {
		t.Error("off the suppression list after Erase: the erased address would get mail again")
	}
}

func testSupporter(t *testing.T, s MailStore) {
	ctx := context.Background()
	a := Sig("o", "a", "me@example.org")
	a.Public, a.ContactText, a.ContactAt = true, "Keep me informed", base
	b := unconfirmed("o", "b", "me@example.org")
	elsewhere := Sig("other", "a", "me@example.org")
	elsewhere.Public = true
	add(t, s, a, b, elsewhere, Sig("o", "a", "you@example.org"))
	got, err := s.Supporter(ctx, "o", "me@example.org")
	if err != nil || len(got) != 2 || got[0].ID != a.ID || got[1].ID != b.ID || got[0].ContactText != "Keep me informed" || got[1].Status != signing.StatusUnconfirmed {
		t.Fatalf("Supporter: %+v, %v; want this organisation's two signatures, oldest first", got, err)
	}
	if got, _ := s.Supporter(ctx, "o", "nobody@example.org"); len(got) != 0 {
		t.Errorf("Supporter of an unknown address: %+v", got)
	}
	if n, err := s.WithdrawContact(ctx, "o", "me@example.org", nil); err != nil || n != 1 {
		t.Errorf("WithdrawContact: %d, %v; want 1", n, err)
	}
	rev := revision(t, s, "o", "a")
	if n, err := s.HideName(ctx, "o", "me@example.org", nil); err != nil || n != 2 {
		t.Errorf("HideName: %d, %v; want 2", n, err)
	}
	if r := revision(t, s, "o", "a"); r <= rev {
		t.Error("HideName did not move the revision: pages would keep the name")
	}
	if ps, _ := s.PublicSigners(ctx, "o", "a", 10); len(ps) != 0 {
		t.Errorf("hidden name still listed: %+v", ps)
	}
	got, _ = s.Supporter(ctx, "o", "me@example.org")
	for _, g := range got {
		if g.Public || g.ContactText != "" || !g.ContactAt.IsZero() {
			t.Errorf("after withdraw and hide: %+v", g)
		}
	}
	if ps, _ := s.PublicSigners(ctx, "other", "a", 10); len(ps) != 1 {
		t.Error("another organisation's public signature was hidden")
	}
	key, _ := s.Secret(ctx)
	s.Suppress(ctx, "o", store.AddressHash(key, "me@example.org"), base)
	s.Suppress(ctx, "other", store.AddressHash(key, "me@example.org"), base)
	queueAbout(t, s, "o", "me@example.org")
	queueAbout(t, s, "other", "me@example.org")
	if n, err := s.EraseSupporter(ctx, "o", "me@example.org"); err != nil || n != 2 {
		t.Fatalf("EraseSupporter: %d, %v; want 2", n, err)
	}
	checkOutboxLeft(t, s, "EraseSupporter(o, me)", "other/me@example.org")
	if got, _ := s.Supporter(ctx, "o", "me@example.org"); len(got) != 0 {
		t.Errorf("after EraseSupporter: %+v", got)
	}
	if got, _ := s.Supporter(ctx, "other", "me@example.org"); len(got) != 1 {
		t.Error("EraseSupporter erased another organisation's signature")
	}
	if ok, _ := s.Suppressed(ctx, "o", store.AddressHash(key, "me@example.org")); !ok {
		t.Error("EraseSupporter removed the organisation's unsubscription: the erased address would get mail again")
	}
	if ok, _ := s.Suppressed(ctx, "other", store.AddressHash(key, "me@example.org")); !ok {
		t.Error("EraseSupporter removed another organisation's unsubscription")
	}
	if got := countOf(t, s, "o", "a"); got.Signatures != 1 {
		t.Errorf("count after EraseSupporter: %+v, want 1", got)
	}
}

// RunMailWipe checks the on-disk promise of EraseSupporter,
// EraseUnconfirmed and Erase: once they return, no byte of the erased
// address, name or comment is in any file the engine names. The
// address's suppression stays, as its keyed hash alone (Mail.Suppress):
// it is what keeps the erased address from being mailed again.
func RunMailWipe(t *testing.T, disk Disk) {
	t.Run("EraseSupporterLeavesNoBytes", func(t *testing.T) { testMailWipe(t, disk, "supporter") })
	t.Run("EraseUnconfirmedLeavesNoBytes", func(t *testing.T) { testMailWipe(t, disk, "unconfirmed") })
	t.Run("EraseKeepsOnlyTheSuppressionHash", func(t *testing.T) { testMailWipe(t, disk, "erase") })
}

func testMailWipe(t *testing.T, disk Disk, how string) {
	ctx := context.Background()
	d := disk(t)
	st, err := d.Open()
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	s, ok := st.(MailStore)
	if !ok {
		t.Fatal("the store does not keep mail")
	}
	gone := wipeMarkers{marker("gone") + "@example.org", marker("Gone Name "), marker("gonecomment"), marker("gonecontact")}
	kept := wipeMarkers{email: marker("kept") + "@example.org", name: marker("Kept Name "), comment: marker("keptcomment")}
	var batch []*signing.Signature
	for range 30 {
		o := Sig("o", "c", marker("other")+"@example.org")
		o.Comment = longComment(marker("other"))
		batch = append(batch, o)
	}
	mine := Sig("o", "c", gone.email)
	if how == "unconfirmed" {
		mine.Status = signing.StatusUnconfirmed
	}
	mine.Name, mine.Comment, mine.Public = gone.name, longComment(gone.comment), true
	mine.ContactText, mine.ContactAt = "Keep me posted "+gone.contact, base
	keep := Sig("o", "c", kept.email)
	keep.Name, keep.Comment = kept.name, longComment(kept.comment)
	// The erased signature's messages wait in the outbox (a webhook
	// holding its name, as signature.created's does; the confirmation
	// email, undelivered for as long as the signature was unconfirmed),
	// and so does a kept signer's.
	mine.Outbox = []signing.Message{Msg("o", "c", gone.email), Msg("o", "c", gone.email)}
	mine.Outbox[1].Payload = []byte(`{"name":"` + gone.name + `","email":"` + gone.email + `"}`)
	keep.Outbox = []signing.Message{Msg("o", "c", kept.email)}
	batch = append(batch, mine, keep)
	add(t, s, batch...)
	key, err := s.Secret(ctx)
	if err != nil {
		t.Fatal(err)
	}
	h := store.AddressHash(key, gone.email)
	keptHash := store.AddressHash(key, kept.email)
	if how != "unconfirmed" {
		if err := s.Suppress(ctx, "o", h, base); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Suppress(ctx, "o", keptHash, base); err != nil {
		t.Fatal(err)
	}
	if d.Signed != nil {
		d.Signed(t)
	}
	switch how {
	case "supporter":
		if n, err := s.EraseSupporter(ctx, "o", gone.email); err != nil || n != 1 {
			t.Fatalf("EraseSupporter: %d, %v", n, err)
		}
	case "unconfirmed":
		if n, err := s.EraseUnconfirmed(ctx, "o", "c", base.Add(time.Hour)); err != nil || n != 1 {
			t.Fatalf("EraseUnconfirmed: %d, %v", n, err)
		}
	case "erase":
		if n, err := s.Erase(ctx, gone.email); err != nil || n != 1 {
			t.Fatalf("Erase: %d, %v", n, err)
		}
	}
	if ob, ok := st.(store.Outbox); ok {
		// Only the erased signature's messages went.
		es, err := ob.List(ctx, store.OutboxPending)
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if len(es) != 1 || es[0].Email != kept.email {
			t.Errorf("after the erasure the outbox holds %d messages, want the kept signer's one", len(es))
		}
	}
	if how != "unconfirmed" {
		if ok, err := s.Suppressed(ctx, "o", h); err != nil || !ok {
			t.Errorf("after the erasure the address is not suppressed (%v): it would be mailed again", err)
		}
	}
	// The search reads the data: the kept hashes are found (the erased
	// address's too: it is what stays of it), a hash never stored is not.
	never := store.AddressHash(key, marker("never")+"@example.org")
	search(t, "while open", d.Files(t), gone, kept)
	searchHash(t, "while open", d.Files(t), never, keptHash)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	search(t, "after Close", d.Files(t), gone, kept)
	searchHash(t, "after Close", d.Files(t), never, keptHash)
	if how != "unconfirmed" {
		searchHash(t, "after Close", d.Files(t), never, h)
	}
}

// searchHash fails if any file holds gone, or none holds kept.
func searchHash(t *testing.T, when string, paths []string, gone, kept [32]byte) {
	t.Helper()
	var sawKept bool
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			t.Fatalf("reading %s: %v", p, err)
		}
		if bytes.Contains(b, gone[:]) {
			t.Errorf("%s: the erased address's suppression hash is still in %s", when, p)
		}
		sawKept = sawKept || bytes.Contains(b, kept[:])
	}
	if !sawKept {
		t.Errorf("%s: a kept address's suppression hash is in none of the files: the search does not read the data", when)
	}
}
