package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/pgtest"
	"github.com/placard/placard/internal/store/postgres"
	"github.com/placard/placard/internal/store/storetest"
)

// TestEmailForms runs the address-rewrite suite on a real PostgreSQL.
func TestEmailForms(t *testing.T) {
	storetest.RunEmailForms(t, func(t *testing.T) store.Store { return open(t, migrated(t)) })
	storetest.RunEmailFormsLate(t, func(t *testing.T) func() (store.Store, error) {
		dsn := pgtest.DSN(t)
		return func() (store.Store, error) { return postgres.Open(context.Background(), dsn) }
	})
}

// TestEmailFormsAtUpgrade: a database written before migration 024 — one
// mailbox signed as an A-label and as Unicode on one campaign — is
// rewritten when the new version opens it: one signer, in the current
// form, and nothing more to do at the next start.
func TestEmailFormsAtUpgrade(t *testing.T) {
	ctx := context.Background()
	dsn := migrated(t)
	db := open(t, dsn)
	a, u := storetest.Sig("o", "c", "ann@xn--bcher-kva.example"), storetest.Sig("o", "c", "ann@bücher.example")
	u.CreatedAt = u.CreatedAt.Add(time.Minute)
	if res, err := db.AddSignatures(ctx, []*signing.Signature{a, u}); err != nil || res[0] != nil || res[1] != nil {
		t.Fatalf("AddSignatures: %v %v", res, err)
	}
	db.Close()
	// The database as the version before 024 left it.
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Exec(ctx, `DELETE FROM schema_migrations WHERE version = 24`); err != nil {
		t.Fatal(err)
	}
	c.Close(ctx)
	for range 2 {
		db := open(t, dsn)
		var got []string
		err := db.Signatures(ctx, "o", "c", "", func(s *signing.Signature) error {
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
