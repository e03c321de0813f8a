package storetest

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/store"
)

// sameSession reports whether two sessions are the same row, field by
// field (times to the microsecond).
func sameSession(a, b accounts.Session) bool {
	return a.Hash == b.Hash && a.OrganiserID == b.OrganiserID && a.CreatedAt.Equal(b.CreatedAt) &&
		a.LastSeen.Equal(b.LastSeen) && a.Method == b.Method && bytes.Equal(a.Passkey, b.Passkey)
}

// hashes are the sessions' hashes, sorted, for comparing sets.
func hashes(list []accounts.Session) [][32]byte {
	out := make([][32]byte, 0, len(list))
	for _, s := range list {
		out = append(out, s.Hash)
	}
	slices.SortFunc(out, func(a, b [32]byte) int { return bytes.Compare(a[:], b[:]) })
	return out
}

// RunSessions checks an engine's store.Sessions and store.Roles, and that
// Passkeys.RemoveCredential ends the sessions the passkey opened: each
// session keeps how it signed in (which passkey, or an emailed link, or
// an invitation); removing a passkey ends its sessions and those whose
// way was not recorded, and no other, in the same transaction; an
// organiser ends one of their sessions or every other, never another
// organiser's; a role changes in place.
func RunSessions(t *testing.T, open Opener) {
	t.Run("HowSignedIn", func(t *testing.T) {
		s := open(t)
		a, ss := s.(store.Accounts), s.(store.Sessions)
		ctx := context.Background()
		o := addOrganiser(t, a, "riverside", "sam@example.org", accounts.RoleEditor)
		_, h1 := accounts.NewSecret()
		_, h2 := accounts.NewSecret()
		_, h3 := accounts.NewSecret()
		pk := accounts.Session{Hash: h1, OrganiserID: o.ID, CreatedAt: base, LastSeen: base.Add(time.Minute), Method: accounts.MethodPasskey, Passkey: []byte{1, 0, 255}}
		link := accounts.Session{Hash: h2, OrganiserID: o.ID, CreatedAt: base.Add(time.Hour), LastSeen: base.Add(time.Hour), Method: accounts.MethodLink}
		inv := accounts.Session{Hash: h3, OrganiserID: o.ID, CreatedAt: base.Add(2 * time.Hour), LastSeen: base.Add(2 * time.Hour), Method: accounts.MethodInvite}
		for _, x := range []accounts.Session{pk, link, inv} {
			if err := a.AddSession(ctx, x); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := a.Session(ctx, h1); err != nil || !sameSession(got, pk) {
			t.Errorf("a passkey's session: got %+v, %v, want %+v", got, err, pk)
		}
		if got, err := a.Session(ctx, h2); err != nil || !sameSession(got, link) || got.Passkey != nil {
			t.Errorf("an emailed link's session: got %+v, %v, want %+v with no passkey", got, err, link)
		}
		list, err := ss.OrganiserSessions(ctx, o.ID)
		if err != nil || len(list) != 3 || !sameSession(list[0], inv) || !sameSession(list[1], link) || !sameSession(list[2], pk) {
			t.Errorf("OrganiserSessions: %+v, %v; want the invitation's, the link's, the passkey's (newest first)", list, err)
		}
		if list, err := ss.OrganiserSessions(ctx, o.ID+100); err != nil || len(list) != 0 {
			t.Errorf("OrganiserSessions of nobody: %+v, %v", list, err)
		}
	})

	t.Run("RemovingAPasskeyEndsItsSessions", func(t *testing.T) {
		s := open(t)
		a, p, ss := s.(store.Accounts), s.(store.Passkeys), s.(store.Sessions)
		ctx := context.Background()
		o := addOrganiser(t, a, "riverside", "sam@example.org", accounts.RoleEditor)
		kim := addOrganiser(t, a, "harbour", "kim@example.org", accounts.RoleEditor)
		lost, kept := []byte{1, 2, 3}, []byte{4, 5}
		for _, c := range []accounts.Credential{
			{ID: lost, OrganiserID: o.ID, Data: []byte(`{}`), CreatedAt: base},
			{ID: kept, OrganiserID: o.ID, Data: []byte(`{}`), CreatedAt: base},
			{ID: []byte{9}, OrganiserID: kim.ID, Data: []byte(`{}`), CreatedAt: base},
		} {
			if err := a.AddCredential(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		add := func(org int64, m accounts.Method, passkey []byte) accounts.Session {
			t.Helper()
			_, h := accounts.NewSecret()
			x := accounts.Session{Hash: h, OrganiserID: org, CreatedAt: base, LastSeen: base, Method: m, Passkey: passkey}
			if err := a.AddSession(ctx, x); err != nil {
				t.Fatal(err)
			}
			return x
		}
		thief1 := add(o.ID, accounts.MethodPasskey, lost)
		thief2 := add(o.ID, accounts.MethodPasskey, lost)
		old := add(o.ID, accounts.MethodUnknown, nil) // before migration 025: may be the lost one's
		mine := add(o.ID, accounts.MethodPasskey, kept)
		mail := add(o.ID, accounts.MethodLink, nil)
		// Another organiser's session with a passkey of the same id bytes,
		// and one not recorded: theirs, never ended by sam's removal.
		kims := add(kim.ID, accounts.MethodPasskey, lost)
		kimOld := add(kim.ID, accounts.MethodUnknown, nil)

		// Someone else's passkey: nothing is removed, nothing ends.
		if ended, err := p.RemoveCredential(ctx, o.ID, []byte{9}); !errors.Is(err, store.ErrNotFound) || len(ended) != 0 {
			t.Errorf("RemoveCredential(another's): %d ended, %v; want none, ErrNotFound", len(ended), err)
		}
		if list, _ := ss.OrganiserSessions(ctx, o.ID); len(list) != 5 {
			t.Fatalf("after a refused removal: %d sessions, want 5", len(list))
		}

		ended, err := p.RemoveCredential(ctx, o.ID, lost)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := hashes(ended), hashes([]accounts.Session{thief1, thief2, old}); !slices.Equal(got, want) {
			t.Errorf("RemoveCredential ended %d sessions, want the lost passkey's two and the unrecorded one", len(ended))
		}
		for _, x := range ended {
			if x.OrganiserID != o.ID {
				t.Errorf("an ended session of organiser %d, want %d", x.OrganiserID, o.ID)
			}
		}
		for _, gone := range []accounts.Session{thief1, thief2, old} {
			if _, err := a.Session(ctx, gone.Hash); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("a session the removed passkey may have opened: %v, want ErrNotFound", err)
			}
		}
		for _, stays := range []accounts.Session{mine, mail, kims, kimOld} {
			if _, err := a.Session(ctx, stays.Hash); err != nil {
				t.Errorf("a session opened otherwise (%q) after the removal: %v", stays.Method, err)
			}
		}
		// Again: the passkey is gone, and so is nothing more.
		if ended, err := p.RemoveCredential(ctx, o.ID, lost); !errors.Is(err, store.ErrNotFound) || len(ended) != 0 {
			t.Errorf("RemoveCredential twice: %d ended, %v", len(ended), err)
		}
	})

	// A session nobody signs out of kept its row for good: who signed in
	// when, and how. DeleteEndedSessions deletes exactly the sessions
	// accounts.Session.Ended calls over (the boundaries included) and the
	// tokens expired at now, every organisation's, and nothing live.
	t.Run("EndedSessionsDeleted", func(t *testing.T) {
		s := open(t)
		a, ss := s.(store.Accounts), s.(store.Sessions)
		ctx := context.Background()
		o := addOrganiser(t, a, "riverside", "sam@example.org", accounts.RoleEditor)
		kim := addOrganiser(t, a, "harbour", "kim@example.org", accounts.RoleEditor)
		now := base.Add(48 * time.Hour)
		µs := time.Microsecond
		var all []accounts.Session
		add := func(org int64, created, seen time.Time) accounts.Session {
			_, h := accounts.NewSecret()
			x := accounts.Session{Hash: h, OrganiserID: org, CreatedAt: created, LastSeen: seen, Method: accounts.MethodLink}
			if err := a.AddSession(ctx, x); err != nil {
				t.Fatal(err)
			}
			all = append(all, x)
			return x
		}
		add(o.ID, now.Add(-time.Hour), now.Add(-time.Minute))                                 // live
		add(o.ID, now.Add(-3*time.Hour), now.Add(-accounts.IdleTimeout))                      // idle, just
		add(o.ID, now.Add(-3*time.Hour), now.Add(-accounts.IdleTimeout+µs))                   // not yet idle
		add(kim.ID, now.Add(-accounts.MaxLifetime), now.Add(-time.Minute))                    // busy but past its lifetime
		add(kim.ID, now.Add(-accounts.MaxLifetime+µs), now.Add(-time.Minute))                 // just within it
		add(kim.ID, now.Add(-30*24*time.Hour), now.Add(-30*24*time.Hour+accounts.TouchEvery)) // long forgotten
		_, expired := accounts.NewSecret()
		_, live := accounts.NewSecret()
		for _, tk := range []accounts.Token{
			{Hash: expired, Purpose: accounts.PurposeLink, OrganiserID: o.ID, ExpiresAt: now},
			{Hash: live, Purpose: accounts.PurposeLink, OrganiserID: o.ID, ExpiresAt: now.Add(µs)},
		} {
			if err := a.AddToken(ctx, tk); err != nil {
				t.Fatal(err)
			}
		}

		n, err := ss.DeleteEndedSessions(ctx, now)
		if err != nil || n != 3 {
			t.Errorf("DeleteEndedSessions: %d, %v; want 3 deleted", n, err)
		}
		for i, x := range all {
			_, err := a.Session(ctx, x.Hash)
			if gone := errors.Is(err, store.ErrNotFound); gone != x.Ended(now) || (err != nil && !gone) {
				t.Errorf("session %d (created %v, last seen %v before now): gone %v (%v), want gone %v",
					i, now.Sub(x.CreatedAt), now.Sub(x.LastSeen), gone, err, x.Ended(now))
			}
		}
		// Taken as if earlier, when both were valid: only the live one is left.
		if _, err := a.TakeToken(ctx, expired, accounts.PurposeLink, base); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the token expired at now: %v, want it deleted (ErrNotFound)", err)
		}
		if _, err := a.TakeToken(ctx, live, accounts.PurposeLink, base); err != nil {
			t.Errorf("the token still valid at now: %v, want it kept", err)
		}
		if n, err := ss.DeleteEndedSessions(ctx, now); err != nil || n != 0 {
			t.Errorf("DeleteEndedSessions again: %d, %v; want nothing left to delete", n, err)
		}
	})

	t.Run("EndOneOrAllOthers", func(t *testing.T) {
		s := open(t)
		a, ss := s.(store.Accounts), s.(store.Sessions)
		ctx := context.Background()
		o := addOrganiser(t, a, "riverside", "sam@example.org", accounts.RoleEditor)
		kim := addOrganiser(t, a, "harbour", "kim@example.org", accounts.RoleEditor)
		add := func(org int64) accounts.Session {
			t.Helper()
			_, h := accounts.NewSecret()
			x := accounts.Session{Hash: h, OrganiserID: org, CreatedAt: base, LastSeen: base, Method: accounts.MethodLink}
			if err := a.AddSession(ctx, x); err != nil {
				t.Fatal(err)
			}
			return x
		}
		here, a1, a2, a3 := add(o.ID), add(o.ID), add(o.ID), add(o.ID)
		theirs := add(kim.ID)
		if err := ss.EndSession(ctx, o.ID, theirs.Hash); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("EndSession(another's): %v, want ErrNotFound", err)
		}
		if err := ss.EndSession(ctx, o.ID, a1.Hash); err != nil {
			t.Fatal(err)
		}
		if err := ss.EndSession(ctx, o.ID, a1.Hash); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("EndSession twice: %v, want ErrNotFound", err)
		}
		ended, err := ss.EndOtherSessions(ctx, o.ID, here.Hash)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := hashes(ended), hashes([]accounts.Session{a2, a3}); !slices.Equal(got, want) {
			t.Errorf("EndOtherSessions ended %d, want the two others", len(ended))
		}
		list, _ := ss.OrganiserSessions(ctx, o.ID)
		if len(list) != 1 || list[0].Hash != here.Hash {
			t.Errorf("after EndOtherSessions: %d sessions, want only the kept one", len(list))
		}
		if _, err := a.Session(ctx, theirs.Hash); err != nil {
			t.Errorf("another organiser's session after EndOtherSessions: %v", err)
		}
		if ended, err := ss.EndOtherSessions(ctx, o.ID, here.Hash); err != nil || len(ended) != 0 {
			t.Errorf("EndOtherSessions again: %d, %v; want none", len(ended), err)
		}
	})

	t.Run("SetRole", func(t *testing.T) {
		s := open(t)
		a, r := s.(store.Accounts), s.(store.Roles)
		ctx := context.Background()
		o := addOrganiser(t, a, "riverside", "sam@example.org", accounts.RoleEditor)
		kim := addOrganiser(t, a, "riverside", "kim@example.org", accounts.RoleEditor)
		if err := r.SetRole(ctx, o.ID, accounts.RoleViewer); err != nil {
			t.Fatal(err)
		}
		if got, _ := a.Organiser(ctx, o.ID); got.Role != accounts.RoleViewer {
			t.Errorf("after SetRole: %q, want viewer", got.Role)
		}
		if got, _ := a.Organiser(ctx, kim.ID); got.Role != accounts.RoleEditor {
			t.Errorf("another organiser after SetRole: %q, want editor", got.Role)
		}
		if err := r.SetRole(ctx, o.ID+kim.ID+100, accounts.RoleViewer); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("SetRole(nobody): %v, want ErrNotFound", err)
		}
	})
}
