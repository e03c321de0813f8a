package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

// RunEmailForms checks store.EmailForms: addresses stored by a version
// that kept a domain as typed (A-labels, an ideographic full stop) are
// rewritten in signing.NormaliseEmail's current form, duplicates merged,
// and every lookup by either spelling finds the one signer.
func RunEmailForms(t *testing.T, open Opener) {
	t.Run("OldRowsMigrate", func(t *testing.T) { testRenormalise(t, open(t)) })
	t.Run("UnconfirmedGivesWay", func(t *testing.T) { testRenormaliseUnconfirmed(t, open(t)) })
	t.Run("ApprovedKept", func(t *testing.T) { testRenormaliseApprovedKept(t, open(t)) })
	t.Run("OutboxFollows", func(t *testing.T) { testRenormaliseOutbox(t, open(t)) })
	t.Run("SuppressionFollows", func(t *testing.T) { testRenormaliseSuppression(t, open(t)) })
	t.Run("Organisers", func(t *testing.T) { testRenormaliseOrganisers(t, open(t)) })
}

// Spellings an earlier version stored for the mailbox ann@bücher.example.
const (
	annU     = "ann@bücher.example"
	annA     = "ann@xn--bcher-kva.example"
	annUpper = "ann@xn--BCHER-kva.example"
)

func renormalise(t *testing.T, s store.Store) store.RenormaliseResult {
	t.Helper()
	r, err := s.(store.EmailForms).RenormaliseEmails(context.Background())
	if err != nil {
		t.Fatalf("RenormaliseEmails: %v", err)
	}
	return r
}

// sigAt is Sig made at base plus d.
func sigAt(org, campaign, email string, d time.Duration) *signing.Signature {
	s := Sig(org, campaign, email)
	s.CreatedAt, s.ConsentAt = base.Add(d), base.Add(d)
	return s
}

// testRenormalise: one mailbox stored as an A-label and as Unicode on one
// campaign counts once after the rewrite, the earliest signature kept;
// every row of it carries the current form, so the data page and an
// erasure by either spelling find them all; an address the current rules
// refuse is left as it was; a second run changes nothing.
func testRenormalise(t *testing.T, s store.Store) {
	ctx := context.Background()
	first := sigAt("o", "c", annA, 0)
	first.Name = "First Ann"
	later := sigAt("o", "c", annU, time.Minute)
	later.Name = "Later Ann"
	add(t, s, first, later,
		sigAt("o", "c", annUpper, 2*time.Minute), // a third spelling, later still
		sigAt("o", "d", annA, 0),
		sigAt("p", "c", annU, 0),
		sigAt("o", "c", "cy@mail\u3002bücher.example", 0), // kept as typed before
		sigAt("o", "c", "bob@example.org", 0),
		sigAt("o", "c", "zed@xn--zz.example", 0)) // refused now: stays
	wantCounts(t, s,
		signing.Count{Org: "o", Campaign: "c", Signatures: 6},
		signing.Count{Org: "o", Campaign: "d", Signatures: 1},
		signing.Count{Org: "p", Campaign: "c", Signatures: 1})

	r := renormalise(t, s)
	if r.Duplicates != 2 || r.Addresses != 3 || r.Signatures != 3 {
		t.Errorf("RenormaliseEmails: got %+v, want 3 addresses, 3 signatures rewritten, 2 duplicates", r)
	}
	wantCounts(t, s,
		signing.Count{Org: "o", Campaign: "c", Signatures: 4},
		signing.Count{Org: "o", Campaign: "d", Signatures: 1},
		signing.Count{Org: "p", Campaign: "c", Signatures: 1})
	got := slices.Sorted(slices.Values(emails(t, s, "o", "c", "")))
	if want := []string{annU, "bob@example.org", "cy@mail.bücher.example", "zed@xn--zz.example"}; !slices.Equal(got, want) {
		t.Errorf("o/c after the rewrite: %q, want %q", got, want)
	}
	var kept *signing.Signature
	s.Signatures(ctx, "o", "c", "", func(sig *signing.Signature) error {
		if sig.Email == annU {
			c := *sig
			kept = &c
		}
		return nil
	})
	if kept == nil || kept.Name != "First Ann" || !kept.CreatedAt.Equal(base) {
		t.Errorf("o/c keeps %+v, want the earliest signature (First Ann)", kept)
	}
	// Signing again in either spelling is a repeat.
	for _, e := range []string{annU, signing.CurrentForm(annA)} {
		res, err := s.AddSignatures(ctx, []*signing.Signature{sigAt("o", "c", e, time.Hour)})
		if err != nil || len(res) != 1 || res[0] == nil {
			t.Errorf("signing o/c again as %q: got %v, %v; want already signed", e, res, err)
		}
	}
	if r := renormalise(t, s); r != (store.RenormaliseResult{}) {
		t.Errorf("second RenormaliseEmails: got %+v, want nothing done", r)
	}
	// Erasing the address as typed in its A-label form removes it
	// everywhere (signing.EraseForms is what every erasure tries).
	n := 0
	for _, f := range signing.EraseForms(annA) {
		k, err := s.Erase(ctx, f)
		if err != nil {
			t.Fatalf("Erase(%q): %v", f, err)
		}
		n += k
	}
	if n != 3 {
		t.Errorf("erasing %q: %d signatures, want 3 (o/c, o/d, p/c)", annA, n)
	}
	wantCounts(t, s,
		signing.Count{Org: "o", Campaign: "c", Signatures: 3})
}

// testRenormaliseApprovedKept: where one mailbox signed a campaign twice
// in two spellings and the earlier signature was rejected (a moderator
// taking it for a repeat, say) or is still waiting for approval, the
// later approved one is the one kept: it is the valid, counted
// signature, and the rewrite must never take a counted signature off.
func testRenormaliseApprovedKept(t *testing.T, s store.Store) {
	rejected := sigAt("o", "c", annA, 0)
	rejected.Status = signing.StatusRejected
	pending := sigAt("o", "d", annA, 0)
	pending.Kind, pending.Status = signing.KindOrganisation, signing.StatusPending
	pending.Organisation = "Readers"
	later := sigAt("o", "d", annU, time.Minute)
	later.Kind, later.Organisation = signing.KindOrganisation, "Readers"
	add(t, s, rejected, sigAt("o", "c", annU, time.Minute), pending, later)
	before, err := s.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if r := renormalise(t, s); r.Duplicates != 2 {
		t.Errorf("RenormaliseEmails: got %+v, want 2 duplicates", r)
	}
	after, err := s.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The pending duplicate goes; every approved signature stays counted.
	for i := range before {
		before[i].Pending = 0
	}
	if !slices.Equal(before, after) {
		t.Errorf("counts before the rewrite %+v (pending left out), after %+v: an approved signature was taken off", before, after)
	}
	for _, c := range []string{"c", "d"} {
		if got := emails(t, s, "o", c, signing.StatusApproved); !slices.Equal(got, []string{annU}) {
			t.Errorf("o/%s approved after the rewrite: %q, want %q", c, got, annU)
		}
	}
}

// testRenormaliseOutbox: an undelivered message queued for an old
// spelling is filed under the current form after the rewrite (message by
// message, by id), so an erasure by the current form alone drops it; a
// message for another address is left alone.
func testRenormaliseOutbox(t *testing.T, s store.Store) {
	ctx := context.Background()
	ob := outboxOf(t, s)
	old, other := Msg("o", "c", annA), Msg("o", "c", "bob@example.org")
	if err := ob.Enqueue(ctx, []signing.Message{old, other}); err != nil {
		t.Fatalf("Enqueue: %v", err)
	}
	renormalise(t, s)
	if _, err := s.Erase(ctx, annU); err != nil {
		t.Fatalf("Erase: %v", err)
	}
	if got, want := outboxIDs(t, ob, ""), sortedIDs(other); !slices.Equal(got, want) {
		t.Errorf("outbox after the rewrite and erasing %q: got %v, want %v", annU, got, want)
	}
}

// testRenormaliseUnconfirmed: an earlier signature still waiting for its
// confirmation gives way to a later confirmed one, as a rename merges.
func testRenormaliseUnconfirmed(t *testing.T, s store.Store) {
	add(t, s, func() *signing.Signature {
		u := unconfirmed("o", "c", annA)
		u.Name = "Waiting"
		return u
	}(), sigAt("o", "c", annU, time.Minute))
	if r := renormalise(t, s); r.Duplicates != 1 {
		t.Errorf("RenormaliseEmails: got %+v, want 1 duplicate", r)
	}
	wantCounts(t, s, signing.Count{Org: "o", Campaign: "c", Signatures: 1})
	if got := emails(t, s, "o", "c", signing.StatusApproved); !slices.Equal(got, []string{annU}) {
		t.Errorf("approved after the rewrite: %q, want %q", got, annU)
	}
	if got := emails(t, s, "o", "c", signing.StatusUnconfirmed); len(got) != 0 {
		t.Errorf("unconfirmed after the rewrite: %q, want none", got)
	}
}

// testRenormaliseSuppression: an unsubscription recorded under the
// A-label spelling of a stored address also stops mail to its current
// form, in its own organisation only.
func testRenormaliseSuppression(t *testing.T, s store.Store) {
	ctx := context.Background()
	m, ok := s.(store.Mail)
	if !ok {
		t.Skip("no store.Mail")
	}
	key, err := s.Secret(ctx)
	if err != nil {
		t.Fatal(err)
	}
	add(t, s, sigAt("o", "c", annA, 0), sigAt("p", "c", annA, 0))
	if err := m.Suppress(ctx, "o", store.AddressHash(key, annA), base); err != nil {
		t.Fatal(err)
	}
	renormalise(t, s)
	if off, err := m.Suppressed(ctx, "o", store.AddressHash(key, annU)); err != nil || !off {
		t.Errorf("Suppressed(o, %q) after the rewrite: %v, %v; want true", annU, off, err)
	}
	if off, _ := m.Suppressed(ctx, "p", store.AddressHash(key, annU)); off {
		t.Errorf("Suppressed(p, %q): true, want false (only o was asked)", annU)
	}
	if got, err := m.Supporter(ctx, "o", annU); err != nil || len(got) != 1 {
		t.Errorf("Supporter(o, %q): %d signatures, %v; want 1", annU, len(got), err)
	}
}

// testWipeRenormalise: the later of two spellings of one mailbox, deleted
// by RenormaliseEmails as a duplicate, leaves no byte of its name or
// comment in any file, with the store open and after Close, while the
// kept signature's are still there. (Part of RunWipe.)
func testWipeRenormalise(t *testing.T, disk Disk) {
	d := disk(t)
	s, err := d.Open()
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	local := marker("ann")
	first := sigAt("o", "c", local+"@xn--bcher-kva.example", 0)
	keptName, keptComment := marker("Kept Name "), marker("keptcomment")
	first.Name, first.Comment = keptName, longComment(keptComment)
	later := sigAt("o", "c", local+"@bücher.example", time.Minute)
	goneName, goneComment := marker("Gone Name "), marker("gonecomment")
	later.Name, later.Comment = goneName, longComment(goneComment)
	var batch []*signing.Signature
	for range 40 {
		o := Sig("o", "c", marker("other")+"@example.org")
		o.Comment = longComment(marker("other"))
		batch = append(batch, o)
	}
	add(t, s, append(batch, first, later)...)
	if d.Signed != nil {
		d.Signed(t)
	}
	if r := renormalise(t, s); r.Duplicates != 1 {
		t.Fatalf("RenormaliseEmails: got %+v, want 1 duplicate", r)
	}
	files := d.Files(t)
	searchOne(t, "while open", files, "name", goneName, keptName)
	searchOne(t, "while open", files, "comment", goneComment, keptComment)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	files = d.Files(t)
	searchOne(t, "after Close", files, "name", goneName, keptName)
	searchOne(t, "after Close", files, "comment", goneComment, keptComment)
}

// testRenormaliseOrganisers: an organiser invited with the A-label
// spelling of their address (kept as typed then) signs in by typing it
// either way once rewritten; an organisation that had invited both
// spellings has them merged into the account of the current spelling,
// which keeps the weaker of the two roles (failed before: the stronger
// was kept, so an editor demoted under one spelling got the editor role
// back) until a site admin restores it, and every erasure still finds it.
func testRenormaliseOrganisers(t *testing.T, s store.Store) {
	ctx := context.Background()
	acc, ok := s.(store.Accounts)
	if !ok {
		t.Skip("no store.Accounts")
	}
	ids := map[string]int64{}
	for _, o := range []accounts.Organiser{{Org: "o", Email: annA, Role: accounts.RoleEditor},
		{Org: "p", Email: annA, Role: accounts.RoleViewer}, {Org: "p", Email: annU, Role: accounts.RoleEditor},
		{Org: "q", Email: annA, Role: accounts.RoleEditor}, {Org: "q", Email: annU, Role: accounts.RoleViewer}} {
		if err := acc.AddOrganiser(ctx, &o); err != nil {
			t.Fatalf("AddOrganiser(%s, %s): %v", o.Org, o.Email, err)
		}
		ids[o.Org+" "+o.Email] = o.ID
	}
	// q's editor, under the old spelling, has a passkey and a session;
	// q's viewer, under the current one, has a passkey of their own.
	goneID, keptID := ids["q "+annA], ids["q "+annU]
	for _, c := range []accounts.Credential{{ID: []byte("old-key"), OrganiserID: goneID, Data: []byte("{}"), CreatedAt: base},
		{ID: []byte("new-key"), OrganiserID: keptID, Data: []byte("{}"), CreatedAt: base}} {
		if err := acc.AddCredential(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	sess := accounts.Session{Hash: [32]byte{1}, OrganiserID: goneID, CreatedAt: base, LastSeen: base, Method: accounts.MethodPasskey, Passkey: []byte("old-key")}
	if err := acc.AddSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	if r := renormalise(t, s); r.Merged != 2 || r.RolesLowered != 2 {
		t.Errorf("RenormaliseEmails: got %+v, want 2 accounts merged, both keeping the weaker role", r)
	}
	if o, err := acc.FindOrganiser(ctx, "o", annU); err != nil || o.Role != accounts.RoleEditor {
		t.Errorf("FindOrganiser(o, %q) after the rewrite: %+v, %v; want the editor", annU, o, err)
	}
	// Each organisation whose two accounts were merged with a role lowered
	// has it in its log: whose (the account's address, as actors are),
	// why (the action) and which roles — no more than that. Failed
	// before: only serve's start-up log counted them.
	for org, n := range map[string]int{"o": 0, "p": 1, "q": 1} {
		entries, err := acc.Audit(ctx, org, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != n {
			t.Errorf("%s's audit log after the merge: %+v; want %d entries", org, entries, n)
			continue
		}
		for _, e := range entries {
			if e.Action != accounts.ActRoleMerged || e.Actor != annU || e.Detail != "viewer, not editor" || e.At.IsZero() {
				t.Errorf("%s's audit entry: %+v; want %s by %s, \"viewer, not editor\"", org, e, accounts.ActRoleMerged, annU)
			}
		}
	}
	// Two accounts of one organisation are merged, the weaker role kept:
	// one spelling may have been made a viewer on purpose, and a merge
	// must not give back what was taken away (least privilege).
	for org, want := range map[string]accounts.Role{"p": accounts.RoleViewer, "q": accounts.RoleViewer} {
		if o, err := acc.FindOrganiser(ctx, org, annU); err != nil || o.Role != want || o.ID != ids[org+" "+annU] {
			t.Errorf("FindOrganiser(%s, %q): %+v, %v; want the account of that spelling, %s", org, annU, o, err, want)
		}
		if o, err := acc.FindOrganiser(ctx, org, annA); err == nil {
			t.Errorf("FindOrganiser(%s, %q): %+v; want the old spelling's account merged away", org, annA, o)
		}
	}
	if list, err := acc.Organisers(ctx, "q"); err != nil || len(list) != 1 {
		t.Errorf("q's organisers: %+v, %v; want one", list, err)
	}
	// Both passkeys are the kept account's now; the moved one keeps the
	// handle it was made with, the other has its organiser's.
	creds, err := acc.Credentials(ctx, keptID)
	if err != nil || len(creds) != 2 {
		t.Fatalf("the kept account's passkeys: %+v, %v; want 2", creds, err)
	}
	for _, c := range creds {
		want := accounts.UserHandle(keptID)
		if string(c.ID) == "old-key" {
			want = accounts.UserHandle(goneID)
		}
		if string(c.Handle()) != string(want) {
			t.Errorf("passkey %s: handle %q, want %q", c.ID, c.Handle(), want)
		}
		if got, err := acc.Credential(ctx, c.ID); err != nil || string(got.Handle()) != string(want) || got.OrganiserID != keptID {
			t.Errorf("Credential(%s): %+v, %v; want the kept account's, handle %q", c.ID, got, err, want)
		}
	}
	if got, err := acc.Session(ctx, sess.Hash); err != nil || got.OrganiserID != keptID {
		t.Errorf("the old account's session: %+v, %v; want it moved to the kept account %d", got, err, keptID)
	}
	// A site admin gives the role back by hand (placard organisers role
	// calls SetRole), and a later rewrite leaves it so.
	if r, ok := s.(store.Roles); ok {
		if err := r.SetRole(ctx, keptID, accounts.RoleEditor); err != nil {
			t.Fatalf("SetRole(the merged account, editor): %v", err)
		}
		if o, err := acc.FindOrganiser(ctx, "q", annU); err != nil || o.Role != accounts.RoleEditor {
			t.Errorf("FindOrganiser(q, %q) after SetRole: %+v, %v; want the editor again", annU, o, err)
		}
	}
	if r := renormalise(t, s); r != (store.RenormaliseResult{}) {
		t.Errorf("second RenormaliseEmails: got %+v, want nothing done", r)
	}
	for _, f := range signing.EraseForms(annU) {
		if _, err := s.Erase(ctx, f); err != nil {
			t.Fatal(err)
		}
	}
	for _, org := range []string{"p", "q"} {
		// The merge's entry stays, naming nobody now; the erasure adds
		// its own "remove" entry (also naming nobody) for the account.
		entries, err := acc.Audit(ctx, org, 10)
		merged := 0
		for _, e := range entries {
			if e.Action == accounts.ActRoleMerged {
				merged++
			}
			if e.Actor != "" {
				merged = -1
				break
			}
		}
		if err != nil || merged != 1 {
			t.Errorf("%s's audit log after erasing every form: %+v, %v; want the role-merged entry, every entry naming nobody", org, entries, err)
		}
	}
	if left, err := acc.Organisers(ctx, ""); err != nil || len(left) != 0 {
		t.Errorf("organisers after erasing every form: %+v, %v; want none", left, err)
	}
	if left, err := acc.Credentials(ctx, keptID); err != nil || len(left) != 0 {
		t.Errorf("passkeys after erasing every form: %+v, %v; want none", left, err)
	}
}

// RunEmailFormsLate checks the rewrite's second chance: an instance
// still running a version from before migration 024 during a rolling
// upgrade (PostgreSQL: it checked the migrations when it started) can
// store an A-label spelling after the one-off rewrite ran. The next
// start of a current version finds such rows and rewrites them, duplicate
// and all; an address the current rules refuse is left as it was, and
// starting again with nothing to do changes nothing.
func RunEmailFormsLate(t *testing.T, place Place) {
	t.Run("LateRowsRewritten", func(t *testing.T) {
		ctx := context.Background()
		open := place(t)
		reopen := func() store.Store {
			t.Helper()
			s, err := open()
			if err != nil {
				t.Fatalf("open: %v", err)
			}
			return s
		}
		s := reopen()
		// What the old instance stored after the rewrite: the A-label
		// spelling of a mailbox that signed campaign c in Unicode, one
		// that signed only in A-labels, and one that does not decode.
		first := sigAt("o", "c", annU, 0)
		late := sigAt("o", "c", annA, time.Minute)
		only := sigAt("o", "c2", annA, 2*time.Minute)
		bad := sigAt("o", "c3", "ann@xn--zz.example", 3*time.Minute)
		if res, err := s.AddSignatures(ctx, []*signing.Signature{first, late, only, bad}); err != nil || slices.ContainsFunc(res, func(e error) bool { return e != nil }) {
			t.Fatalf("AddSignatures: %v %v", res, err)
		}
		s.Close()
		check := func(s store.Store, when string) {
			t.Helper()
			for _, w := range []struct{ campaign, email string }{{"c", annU}, {"c2", annU}, {"c3", "ann@xn--zz.example"}} {
				var got []string
				if err := s.Signatures(ctx, "o", w.campaign, "", func(sg *signing.Signature) error {
					got = append(got, sg.Email)
					return nil
				}); err != nil || len(got) != 1 || got[0] != w.email {
					t.Errorf("%s: campaign %s holds %q (%v), want the one signature as %q", when, w.campaign, got, err, w.email)
				}
			}
			cs, err := s.Counts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				if c.Signatures != 1 {
					t.Errorf("%s: %s/%s counts %d, want 1", when, c.Org, c.Campaign, c.Signatures)
				}
			}
		}
		s = reopen()
		check(s, "after the next start")
		s.Close()
		s = reopen()
		check(s, "after starting again")
		// A row stored late after that start is found at the one after.
		if res, err := s.AddSignatures(ctx, []*signing.Signature{sigAt("o", "c4", annA, 4*time.Minute)}); err != nil || res[0] != nil {
			t.Fatalf("AddSignatures: %v %v", res, err)
		}
		s.Close()
		s = reopen()
		defer s.Close()
		var got []string
		if err := s.Signatures(ctx, "o", "c4", "", func(sg *signing.Signature) error {
			got = append(got, sg.Email)
			return nil
		}); err != nil || len(got) != 1 || got[0] != annU {
			t.Errorf("campaign c4 holds %q (%v), want the one signature as %q", got, err, annU)
		}
	})
}
