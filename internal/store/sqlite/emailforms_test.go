package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/internal/store/storetest"
)

// TestEmailForms runs the address-rewrite suite on real SQLite files.
func TestEmailForms(t *testing.T) {
	storetest.RunEmailForms(t, func(t *testing.T) store.Store { return openTemp(t) })
	storetest.RunEmailFormsLate(t, func(t *testing.T) func() (store.Store, error) {
		path := filepath.Join(t.TempDir(), "placard.db")
		return func() (store.Store, error) { return sqlite.Open(context.Background(), path) }
	})
}

// TestEmailFormsAtUpgrade: a file written before migration 024 — one
// mailbox signed as an A-label and as Unicode on one campaign — is
// rewritten when the new version opens it: one signer, in the current
// form, and nothing more to do at the next start.
func TestEmailFormsAtUpgrade(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "placard.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	a, u := storetest.Sig("o", "c", "ann@xn--bcher-kva.example"), storetest.Sig("o", "c", "ann@bücher.example")
	u.CreatedAt = u.CreatedAt.Add(time.Minute)
	if res, err := db.AddSignatures(ctx, []*signing.Signature{a, u}); err != nil || res[0] != nil || res[1] != nil {
		t.Fatalf("AddSignatures: %v %v", res, err)
	}
	db.Close()
	// The file as the version before 024 left it.
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`DELETE FROM schema_migrations WHERE version = 24`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	for range 2 {
		db, err = sqlite.Open(ctx, path)
		if err != nil {
			t.Fatalf("Open after the upgrade: %v", err)
		}
		var got []string
		err = db.Signatures(ctx, "o", "c", "", func(s *signing.Signature) error {
			got = append(got, s.Email)
			return nil
		})
		cs, _ := db.Counts(ctx)
		db.Close()
		if err != nil || len(got) != 1 || got[0] != "ann@bücher.example" || len(cs) != 1 || cs[0].Signatures != 1 {
			t.Errorf("after opening: signatures %q (%v), counts %+v; want one, ann@bücher.example, counted once", got, err, cs)
		}
	}
}

// TestLateMarksExact: the late-row look remembers exactly how far it
// read — the highest signature and organiser ids — so the next start
// reads only rows stored since, and a start with nothing new writes
// nothing. Failed before: the mark was the highest id less 10,000, so
// every start read the newest 10,000 signatures again, and organiser
// accounts and the whole outbox were scanned at every start (no mark).
func TestLateMarksExact(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "placard.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var sigs []*signing.Signature
	for _, e := range []string{"a@example.org", "b@example.org", "c@bücher.example"} {
		sigs = append(sigs, storetest.Sig("o", "c", e))
	}
	if _, err := db.AddSignatures(ctx, sigs); err != nil {
		t.Fatal(err)
	}
	for _, e := range []string{"ed@example.org", "vi@example.org"} {
		if err := db.AddOrganiser(ctx, &accounts.Organiser{Org: "o", Email: e, Role: accounts.RoleEditor}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	setting := func(key string) string {
		t.Helper()
		raw, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		var v []byte
		if err := raw.QueryRow(`SELECT value FROM settings WHERE key = ?`, key).Scan(&v); err != nil && err != sql.ErrNoRows {
			t.Fatal(err)
		}
		return string(v)
	}
	for range 2 {
		db, err = sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
		if got := setting(store.LateMarkKey); got != "3" {
			t.Errorf("signatures' mark %q, want 3, the highest id read", got)
		}
		if got := setting(store.LateOrganisersKey); got != "2" {
			t.Errorf("organisers' mark %q, want 2", got)
		}
		if got := setting(store.LateSeenKey); got != "" {
			t.Errorf("seen %q, want none: nothing was out of its form", got)
		}
	}
	// A late A-label row is found and rewritten at the next start, past
	// the mark; the look notes it saw one, and clears that at the start
	// after, which finds nothing.
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddSignatures(ctx, []*signing.Signature{storetest.Sig("o", "d", "ann@xn--bcher-kva.example")}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if r := db.OpenRewrite(); r.Signatures != 1 {
		t.Errorf("OpenRewrite: %+v, want the late signature rewritten", r)
	}
	db.Close()
	if got, seen := setting(store.LateMarkKey), setting(store.LateSeenKey); got != "4" || seen == "" {
		t.Errorf("after a late row: mark %q, seen %q; want 4 and seen", got, seen)
	}
	db, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if seen := setting(store.LateSeenKey); seen != "" {
		t.Errorf("seen %q after a start that found nothing, want cleared", seen)
	}
}
