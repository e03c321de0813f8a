package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// RunAccounts checks an engine's store.Accounts: organisers and their
// isolation by organisation, single-use expiring tokens (also when many
// race), sessions, passkeys, the audit log, per-day counts, and what Erase
// removes. open's stores must implement store.Accounts.
func RunAccounts(t *testing.T, open Opener) {
	acc := func(t *testing.T) store.Accounts {
		s := open(t)
		a, ok := s.(store.Accounts)
		if !ok {
			t.Fatalf("%T does not implement store.Accounts", s)
		}
		return a
	}
	t.Run("Organisers", func(t *testing.T) { testOrganisers(t, acc(t)) })
	t.Run("TokensSingleUse", func(t *testing.T) { testTokens(t, acc(t)) })
	t.Run("Sessions", func(t *testing.T) { testSessions(t, acc(t)) })
	t.Run("Credentials", func(t *testing.T) { testCredentials(t, acc(t)) })
	t.Run("Audit", func(t *testing.T) { testAudit(t, acc(t)) })
	t.Run("SignaturesPerDay", func(t *testing.T) { testPerDay(t, open(t)) })
	t.Run("EraseOrganiser", func(t *testing.T) { testEraseOrganiser(t, open(t)) })
	t.Run("EraseIn", func(t *testing.T) { testEraseIn(t, open(t)) })
}

func addOrganiser(t *testing.T, a store.Accounts, org, email string, role accounts.Role) accounts.Organiser {
	t.Helper()
	o := accounts.Organiser{Org: org, Email: email, Role: role}
	if err := a.AddOrganiser(context.Background(), &o); err != nil {
		t.Fatalf("AddOrganiser(%s, %s): %v", org, email, err)
	}
	if o.ID == 0 || o.CreatedAt.IsZero() {
		t.Fatalf("AddOrganiser left ID %d, CreatedAt %v unset", o.ID, o.CreatedAt)
	}
	return o
}

func testOrganisers(t *testing.T, a store.Accounts) {
	ctx := context.Background()
	sam := addOrganiser(t, a, "riverside", "sam@example.org", accounts.RoleEditor)
	addOrganiser(t, a, "riverside", "ann@example.org", accounts.RoleViewer)
	other := addOrganiser(t, a, "harbour", "sam@example.org", accounts.RoleEditor)
	addOrganiser(t, a, "", "root@example.org", accounts.RoleSiteAdmin)
	if other.ID == sam.ID {
		t.Fatal("the same address in two organisations got one id")
	}
	dup := accounts.Organiser{Org: "riverside", Email: "sam@example.org", Role: accounts.RoleViewer}
	if err := a.AddOrganiser(ctx, &dup); !errors.Is(err, store.ErrExists) {
		t.Errorf("second sam@ in riverside: got %v, want ErrExists", err)
	}
	got, err := a.Organiser(ctx, sam.ID)
	if err != nil || got != sam {
		t.Errorf("Organiser(%d): got %+v, %v, want %+v", sam.ID, got, err, sam)
	}
	if got, err := a.FindOrganiser(ctx, "harbour", "sam@example.org"); err != nil || got.ID != other.ID {
		t.Errorf("FindOrganiser(harbour, sam): got %+v, %v, want id %d", got, err, other.ID)
	}
	if _, err := a.FindOrganiser(ctx, "harbour", "ann@example.org"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("FindOrganiser of another organisation's organiser: got %v, want ErrNotFound", err)
	}
	if _, err := a.Organiser(ctx, 99999); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Organiser(unknown): got %v, want ErrNotFound", err)
	}
	list, err := a.Organisers(ctx, "riverside")
	if err != nil || len(list) != 2 || list[0].Email != "ann@example.org" || list[1].Email != "sam@example.org" {
		t.Errorf("Organisers(riverside): got %+v, %v, want ann then sam", list, err)
	}
	all, err := a.Organisers(ctx, "")
	if err != nil || len(all) != 4 || all[0].Org != "" || all[1].Org != "harbour" {
		t.Errorf("Organisers(all): got %+v, %v, want 4 by org", all, err)
	}
	// Removing an organiser ends their sessions and tokens.
	now := time.Now().UTC().Truncate(time.Microsecond)
	_, h := accounts.NewSecret()
	_, th := accounts.NewSecret()
	if err := a.AddSession(ctx, accounts.Session{Hash: h, OrganiserID: sam.ID, CreatedAt: now, LastSeen: now}); err != nil {
		t.Fatal(err)
	}
	if err := a.AddToken(ctx, accounts.Token{Hash: th, Purpose: accounts.PurposeLink, OrganiserID: sam.ID, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := a.RemoveOrganiser(ctx, sam.ID); err != nil {
		t.Fatalf("RemoveOrganiser: %v", err)
	}
	if err := a.RemoveOrganiser(ctx, sam.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("RemoveOrganiser twice: got %v, want ErrNotFound", err)
	}
	if _, err := a.Session(ctx, h); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a removed organiser's session: got %v, want ErrNotFound", err)
	}
	if _, err := a.TakeToken(ctx, th, accounts.PurposeLink, now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a removed organiser's token: got %v, want ErrNotFound", err)
	}
}

func testTokens(t *testing.T, a store.Accounts) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	_, h := accounts.NewSecret()
	tok := accounts.Token{Hash: h, Purpose: accounts.PurposeInvite, OrganiserID: 7, Data: []byte("ceremony"), ExpiresAt: now.Add(time.Hour)}
	if err := a.AddToken(ctx, tok); err != nil {
		t.Fatalf("AddToken: %v", err)
	}
	if _, err := a.TakeToken(ctx, h, accounts.PurposeLink, now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TakeToken for another purpose: got %v, want ErrNotFound", err)
	}
	got, err := a.TakeToken(ctx, h, accounts.PurposeInvite, now)
	if err != nil || got.OrganiserID != 7 || !bytes.Equal(got.Data, tok.Data) || !got.ExpiresAt.Equal(tok.ExpiresAt) {
		t.Errorf("TakeToken: got %+v, %v, want %+v", got, err, tok)
	}
	if _, err := a.TakeToken(ctx, h, accounts.PurposeInvite, now); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TakeToken twice: got %v, want ErrNotFound (single use)", err)
	}
	// Expired: not returned, and gone.
	_, old := accounts.NewSecret()
	if err := a.AddToken(ctx, accounts.Token{Hash: old, Purpose: accounts.PurposeLink, OrganiserID: 1, ExpiresAt: now.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.TakeToken(ctx, old, accounts.PurposeLink, now.Add(time.Minute)); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("TakeToken at its expiry: got %v, want ErrNotFound", err)
	}
	// Many racing for one token: exactly one wins.
	_, raced := accounts.NewSecret()
	if err := a.AddToken(ctx, accounts.Token{Hash: raced, Purpose: accounts.PurposeInvite, OrganiserID: 3, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 12 {
		wg.Go(func() {
			_, err := a.TakeToken(ctx, raced, accounts.PurposeInvite, now)
			switch {
			case err == nil:
				wins.Add(1)
			case !errors.Is(err, store.ErrNotFound):
				t.Errorf("TakeToken racing: %v", err)
			}
		})
	}
	wg.Wait()
	if n := wins.Load(); n != 1 {
		t.Errorf("12 racing TakeTokens: %d won, want exactly 1", n)
	}
}

func testSessions(t *testing.T, a store.Accounts) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	_, h := accounts.NewSecret()
	s := accounts.Session{Hash: h, OrganiserID: 5, CreatedAt: now, LastSeen: now}
	if err := a.AddSession(ctx, s); err != nil {
		t.Fatalf("AddSession: %v", err)
	}
	got, err := a.Session(ctx, h)
	if err != nil || !sameSession(got, s) {
		t.Errorf("Session: got %+v, %v, want %+v", got, err, s)
	}
	later := now.Add(10 * time.Minute)
	if err := a.TouchSession(ctx, h, later); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.Session(ctx, h); !got.LastSeen.Equal(later) || !got.CreatedAt.Equal(now) {
		t.Errorf("after TouchSession: got %+v, want LastSeen %v", got, later)
	}
	if err := a.DeleteSession(ctx, h); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Session(ctx, h); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Session after DeleteSession: got %v, want ErrNotFound", err)
	}
	if err := a.DeleteSession(ctx, h); err != nil {
		t.Errorf("DeleteSession twice: %v, want nil", err)
	}
}

func testCredentials(t *testing.T, a store.Accounts) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	c := accounts.Credential{ID: []byte{1, 2, 3, 0, 255}, OrganiserID: 9, Data: []byte(`{"k":1}`), CreatedAt: now}
	if err := a.AddCredential(ctx, c); err != nil {
		t.Fatalf("AddCredential: %v", err)
	}
	if err := a.AddCredential(ctx, c); !errors.Is(err, store.ErrExists) {
		t.Errorf("AddCredential twice: got %v, want ErrExists", err)
	}
	c2 := accounts.Credential{ID: []byte{9}, OrganiserID: 9, Data: []byte(`{}`), CreatedAt: now.Add(time.Second)}
	if err := a.AddCredential(ctx, c2); err != nil {
		t.Fatal(err)
	}
	list, err := a.Credentials(ctx, 9)
	if err != nil || len(list) != 2 || !bytes.Equal(list[0].ID, c.ID) {
		t.Errorf("Credentials: got %+v, %v, want two, oldest first", list, err)
	}
	if list, _ := a.Credentials(ctx, 10); len(list) != 0 {
		t.Errorf("another organiser's Credentials: got %d, want 0", len(list))
	}
	if err := a.UpdateCredential(ctx, c.ID, []byte(`{"k":2}`), 0); err != nil {
		t.Fatal(err) // a passkey that does not count: 0 after 0 is fine
	}
	got, err := a.Credential(ctx, c.ID)
	if err != nil || string(got.Data) != `{"k":2}` || got.OrganiserID != 9 || !got.CreatedAt.Equal(now) {
		t.Errorf("Credential after update: got %+v, %v", got, err)
	}
	if err := a.UpdateCredential(ctx, c.ID, []byte(`{"k":3}`), 0); err != nil {
		t.Errorf("UpdateCredential, 0 again: %v, want nil (WebAuthn allows a counter that stays 0)", err)
	}
	if err := a.UpdateCredential(ctx, []byte{42}, nil, 1); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("UpdateCredential(unknown): got %v, want ErrNotFound", err)
	}

	// A counting passkey: the stored counter only moves on.
	k := accounts.Credential{ID: []byte{7, 7}, OrganiserID: 9, Data: []byte(`{"n":5}`), CreatedAt: now, SignCount: 5}
	if err := a.AddCredential(ctx, k); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		n    uint32
		want error
	}{{5, store.ErrCounterBehind}, {0, store.ErrCounterBehind}, {8, nil}, {7, store.ErrCounterBehind}, {8, store.ErrCounterBehind}, {9, nil}} {
		if err := a.UpdateCredential(ctx, k.ID, fmt.Appendf(nil, `{"n":%d}`, step.n), step.n); !errors.Is(err, step.want) || (step.want == nil && err != nil) {
			t.Errorf("UpdateCredential(counter %d): got %v, want %v", step.n, err, step.want)
		}
	}
	if got, err := a.Credential(ctx, k.ID); err != nil || string(got.Data) != `{"n":9}` {
		t.Errorf("after counters 8, 7, 8, 9: stored %s, %v, want counter 9's", got.Data, err)
	}
	if err := a.UpdateCredential(ctx, k.ID, []byte(`{}`), 1<<32-1); err != nil {
		t.Errorf("UpdateCredential(the largest counter): %v", err)
	}
	if _, err := a.Credential(ctx, []byte{42}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Credential(unknown): got %v, want ErrNotFound", err)
	}
}

func testAudit(t *testing.T, a store.Accounts) {
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 10, 0, 0, 123456789, time.UTC)
	for i, e := range []accounts.AuditEntry{
		{Org: "riverside", Actor: "sam@example.org", Action: accounts.ActSignIn, Detail: "with a passkey", At: at},
		{Org: "harbour", Actor: "kim@example.org", Action: accounts.ActExport, Detail: "c as CSV", At: at},
		{Org: "riverside", Actor: "sam@example.org", Action: accounts.ActApprove, Detail: "1 organisation", At: at.Add(time.Second)},
	} {
		if err := a.AddAudit(ctx, &e); err != nil || e.ID == 0 {
			t.Fatalf("AddAudit %d: %v (id %d)", i, err, e.ID)
		}
	}
	got, err := a.Audit(ctx, "riverside", 10)
	if err != nil || len(got) != 2 || got[0].Action != accounts.ActApprove || got[1].Detail != "with a passkey" ||
		!got[1].At.Equal(at.Truncate(time.Microsecond)) || got[1].Actor != "sam@example.org" {
		t.Errorf("Audit(riverside): got %+v, %v, want approve then sign-in", got, err)
	}
	if got, _ := a.Audit(ctx, "riverside", 1); len(got) != 1 {
		t.Errorf("Audit limit 1: got %d entries", len(got))
	}
}

func testPerDay(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := s.(store.Accounts)
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var sigs []*signing.Signature
	for i, at := range []time.Time{day.Add(-time.Minute), day, day.Add(23 * time.Hour), day.Add(24 * time.Hour), day.Add(72*time.Hour + time.Second)} {
		sig := Sig("o", "c", "p"+string(rune('a'+i))+"@example.org")
		sig.CreatedAt = at
		sigs = append(sigs, sig)
	}
	other := Sig("o", "d", "z@example.org")
	other.CreatedAt = day
	add(t, s, append(sigs, other)...)
	got, err := a.SignaturesPerDay(ctx, "o", "c", day)
	want := []store.DayCount{{Day: day, Count: 2}, {Day: day.AddDate(0, 0, 1), Count: 1}, {Day: day.AddDate(0, 0, 3), Count: 1}}
	if err != nil || len(got) != len(want) {
		t.Fatalf("SignaturesPerDay: got %+v, %v, want %+v", got, err, want)
	}
	for i := range want {
		if !got[i].Day.Equal(want[i].Day) || got[i].Count != want[i].Count || got[i].Day.Location() != time.UTC {
			t.Errorf("SignaturesPerDay[%d]: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func testEraseOrganiser(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := s.(store.Accounts)
	gone := addOrganiser(t, a, "riverside", "gone@example.org", accounts.RoleEditor)
	addOrganiser(t, a, "harbour", "gone@example.org", accounts.RoleViewer)
	kept := addOrganiser(t, a, "riverside", "kept@example.org", accounts.RoleEditor)
	now := time.Now().UTC().Truncate(time.Microsecond)
	_, h := accounts.NewSecret()
	if err := a.AddSession(ctx, accounts.Session{Hash: h, OrganiserID: gone.ID, CreatedAt: now, LastSeen: now}); err != nil {
		t.Fatal(err)
	}
	for _, actor := range []string{"gone@example.org", "kept@example.org"} {
		if err := a.AddAudit(ctx, &accounts.AuditEntry{Org: "riverside", Actor: actor, Action: accounts.ActSignIn, At: now}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Erase(ctx, "gone@example.org"); err != nil {
		t.Fatalf("Erase: %v", err)
	}
	if list, _ := a.Organisers(ctx, ""); len(list) != 1 || list[0].ID != kept.ID {
		t.Errorf("organisers after Erase: got %+v, want only kept@", list)
	}
	if _, err := a.Session(ctx, h); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the erased organiser's session: got %v, want ErrNotFound", err)
	}
	log, _ := a.Audit(ctx, "riverside", 10)
	if len(log) != 3 || log[1].Actor != "kept@example.org" || log[2].Actor != "" {
		t.Errorf("audit after Erase: got %+v, want the erased actor blanked and the entry kept, under the removal", log)
	}
	// Each organisation whose organiser the erasure removed says so in
	// its own log, as `placard organisers remove` does: the account's
	// role, no actor and no address (an editor's access must not vanish
	// unrecorded).
	for org, role := range map[string]accounts.Role{"riverside": accounts.RoleEditor, "harbour": accounts.RoleViewer} {
		log, err := a.Audit(ctx, org, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(log) == 0 || log[0].Action != accounts.ActRemove || log[0].Detail != string(role) || log[0].Actor != "" || log[0].At.Before(now) {
			t.Errorf("%s's log after erasing its organiser: got %+v, want a %q entry first with detail %q and no actor", org, log, accounts.ActRemove, role)
		}
	}
}

// wipeOrganisers, in RunWipe, makes the erased signer's address also an
// organiser's (with a session, a passkey and audit entries as actor), and
// the kept signer's too, so the search covers the console's tables.
func wipeOrganisers(t *testing.T, s store.Store, gone, kept string) {
	t.Helper()
	a, ok := s.(store.Accounts)
	if !ok {
		return
	}
	ctx := context.Background()
	now := time.Now().UTC()
	for _, email := range []string{gone, kept} {
		o := addOrganiser(t, a, "o", email, accounts.RoleEditor)
		_, h := accounts.NewSecret()
		if err := a.AddSession(ctx, accounts.Session{Hash: h, OrganiserID: o.ID, CreatedAt: now, LastSeen: now}); err != nil {
			t.Fatal(err)
		}
		if err := a.AddCredential(ctx, accounts.Credential{ID: []byte(email), OrganiserID: o.ID, Data: []byte(email), CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
		if err := a.AddToken(ctx, accounts.Token{Hash: h, Purpose: accounts.PurposeLink, OrganiserID: o.ID, Data: []byte(email), ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			if err := a.AddAudit(ctx, &accounts.AuditEntry{Org: "o", Actor: email, Action: accounts.ActSignIn, At: now}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// testEraseIn: an organisation's erasure removes the address from its own
// campaigns only, and the tallies follow.
func testEraseIn(t *testing.T, s store.Store) {
	ctx := context.Background()
	a := s.(store.Accounts)
	pend := Sig("o", "d", "x@example.org")
	pend.Kind, pend.Status, pend.Organisation = signing.KindOrganisation, signing.StatusPending, "Org"
	add(t, s, Sig("o", "c", "x@example.org"), pend, Sig("o", "c", "y@example.org"), Sig("p", "c", "x@example.org"))
	queueAbout(t, s, "o", "x@example.org")
	queueAbout(t, s, "o", "y@example.org")
	queueAbout(t, s, "p", "x@example.org")
	n, err := a.EraseIn(ctx, "o", "x@example.org")
	if err != nil || n != 2 {
		t.Fatalf("EraseIn(o): got %d, %v, want 2", n, err)
	}
	checkOutboxLeft(t, s, "EraseIn(o, x)", "o/y@example.org", "p/x@example.org")
	counts, _ := s.Counts(ctx)
	want := map[string][2]int{"o/c": {1, 0}, "o/d": {0, 0}, "p/c": {1, 0}}
	for _, c := range counts {
		w := want[c.Org+"/"+c.Campaign]
		if c.Signatures != w[0] || c.Pending != w[1] {
			t.Errorf("count %s/%s after EraseIn: got %d signatures, %d pending, want %v", c.Org, c.Campaign, c.Signatures, c.Pending, w)
		}
	}
	var left []string
	for _, camp := range [][2]string{{"o", "c"}, {"o", "d"}, {"p", "c"}} {
		s.Signatures(ctx, camp[0], camp[1], "", func(sig *signing.Signature) error {
			left = append(left, sig.Org+"/"+sig.Campaign+"/"+sig.Email)
			return nil
		})
	}
	if len(left) != 2 || left[0] != "o/c/y@example.org" || left[1] != "p/c/x@example.org" {
		t.Errorf("signatures after EraseIn(o, x): got %v, want y on o/c and x on p/c", left)
	}
	if n, err := a.EraseIn(ctx, "o", "x@example.org"); err != nil || n != 0 {
		t.Errorf("EraseIn again: got %d, %v, want 0, nil", n, err)
	}
}

// testWipeIn: EraseIn keeps Erase's on-disk promise for the organisation
// it erases in, and leaves the same address on another organisation's
// campaign.
func testWipeIn(t *testing.T, disk Disk) {
	ctx := context.Background()
	d := disk(t)
	s, err := d.Open()
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	a, ok := s.(store.Accounts)
	if !ok {
		s.Close()
		t.Skip("the engine keeps no organisers")
	}
	gone := wipeMarkers{marker("gone") + "@example.org", marker("Gone Name "), marker("gonecomment"), marker("gonecontact")}
	kept := wipeMarkers{email: marker("kept") + "@example.org", name: marker("Kept Name "), comment: marker("keptcomment")}
	var batch []*signing.Signature
	for range 20 {
		o := Sig("o", "c", marker("other")+"@example.org")
		o.Comment = longComment(marker("other"))
		batch = append(batch, o)
	}
	mine := Sig("o", "c", gone.email)
	mine.Name, mine.Comment, mine.Public = gone.name, longComment(gone.comment), true
	mine.ContactText, mine.ContactAt = "Keep me posted "+gone.contact, base
	// The same person on another organisation's campaign keeps that
	// signature, under a name of its own there (kept's markers).
	elsewhere := Sig("p", "c", kept.email)
	elsewhere.Name, elsewhere.Comment = kept.name, longComment(kept.comment)
	add(t, s, append(batch, mine, elsewhere)...)
	if d.Signed != nil {
		d.Signed(t)
	}
	if n, err := a.EraseIn(ctx, "o", gone.email); err != nil || n != 1 {
		t.Fatalf("EraseIn: got %d, %v, want 1, nil", n, err)
	}
	if n, err := a.EraseIn(ctx, "o", kept.email); err != nil || n != 0 {
		t.Fatalf("EraseIn of another organisation's signer: got %d, %v, want 0, nil", n, err)
	}
	search(t, "while open", d.Files(t), gone, kept)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	search(t, "after Close", d.Files(t), gone, kept)
}

// testPasskeyCounterShared: sign-ins with one passkey finish on two
// instances in whatever order, each storing the counter it saw. The
// stored counter must end at the highest of them (each write a
// compare-and-set), never at whichever wrote last: before, an overwrite
// moved it back, and a copied key's later use no longer tripped the
// clone check.
func testPasskeyCounterShared(t *testing.T, s1, s2 store.Store) {
	ctx := context.Background()
	a1, ok1 := s1.(store.Accounts)
	a2, ok2 := s2.(store.Accounts)
	if !ok1 || !ok2 {
		t.Fatalf("%T does not implement store.Accounts", s1)
	}
	id := []byte("shared-passkey")
	if err := a1.AddCredential(ctx, accounts.Credential{ID: id, OrganiserID: 3, Data: []byte(`{"n":1}`), CreatedAt: time.Now(), SignCount: 1}); err != nil {
		t.Fatal(err)
	}
	// The second instance finishes a later sign-in first; the first
	// instance's, behind it, changes nothing.
	if err := a2.UpdateCredential(ctx, id, []byte(`{"n":3}`), 3); err != nil {
		t.Fatal(err)
	}
	if err := a1.UpdateCredential(ctx, id, []byte(`{"n":2}`), 2); !errors.Is(err, store.ErrCounterBehind) {
		t.Errorf("the sign-in behind, on the other instance: got %v, want ErrCounterBehind", err)
	}
	// Many at once through both: the highest wins whatever the order.
	const top = 40
	var wg sync.WaitGroup
	errs := make(chan error, top)
	for n := uint32(top); n > 3; n-- {
		a := a1
		if n%2 == 0 {
			a = a2
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := a.UpdateCredential(ctx, id, fmt.Appendf(nil, `{"n":%d}`, n), n); err != nil && !errors.Is(err, store.ErrCounterBehind) {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for i, a := range []store.Accounts{a1, a2} {
		if got, err := a.Credential(ctx, id); err != nil || string(got.Data) != fmt.Sprintf(`{"n":%d}`, top) {
			t.Errorf("instance %d reads %s, %v, want the highest counter's (%d)", i+1, got.Data, err, top)
		}
	}
}
