package postgres_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/pgtest"
	"github.com/placard/placard/internal/store/postgres"
	"github.com/placard/placard/internal/store/storetest"
)

// TestServerLogHoldsNoAddress: inviting an organiser twice, giving a role
// or a status the tables refuse, and signing twice each fail or do nothing
// as the store says — and the server's own log, read from the cluster's
// file, holds no address or name: PostgreSQL logs a failed statement's
// "Key (org, email)=(…) already exists" or "Failing row contains (…)",
// beyond any erasure's reach.
func TestServerLogHoldsNoAddress(t *testing.T) {
	ctx := context.Background()
	cl := pgtest.NewCluster(t)
	db, err := postgres.Open(ctx, cl.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const organiser, signer, name = "leaked-organiser@example.org", "leaked-signer@example.org", "Leaked Signername"

	o := accounts.Organiser{Org: "o", Email: organiser, Role: accounts.RoleEditor}
	if err := db.AddOrganiser(ctx, &o); err != nil {
		t.Fatal(err)
	}
	again := accounts.Organiser{Org: "o", Email: organiser, Role: accounts.RoleViewer}
	if err := db.AddOrganiser(ctx, &again); !errors.Is(err, store.ErrExists) {
		t.Errorf("inviting the same address twice: got %v, want store.ErrExists", err)
	}
	odd := accounts.Organiser{Org: "p", Email: organiser, Role: "owner"}
	if err := db.AddOrganiser(ctx, &odd); err == nil {
		t.Error("an organiser with the role 'owner' was stored")
	}
	if err := db.SetRole(ctx, o.ID, "owner"); err == nil {
		t.Error("SetRole to 'owner' succeeded")
	}

	s := storetest.Sig("o", "c", signer)
	s.Name = name
	if errs, err := db.AddSignatures(ctx, []*signing.Signature{s}); err != nil || errs[0] != nil {
		t.Fatalf("signing: %v %v", err, errs)
	}
	dup := storetest.Sig("o", "c", signer)
	dup.Name = name
	if errs, err := db.AddSignatures(ctx, []*signing.Signature{dup}); err != nil || !errors.Is(errs[0], store.ErrAlreadySigned) {
		t.Errorf("signing twice: got %v %v, want store.ErrAlreadySigned", err, errs)
	}
	if err := db.SetStatus(ctx, s.ID, "held"); err == nil {
		t.Error("SetStatus to 'held' succeeded")
	}
	if _, err := db.Decide(ctx, "o", []int64{s.ID}, "", "held", nil); err == nil {
		t.Error("Decide to 'held' succeeded")
	}

	log := cl.ServerLog(t)
	for _, secret := range []string{organiser, signer, name} {
		if i := strings.Index(log, secret); i >= 0 {
			t.Errorf("the server's log holds %q:\n%s", secret, log[max(0, strings.LastIndex(log[:i], "\n")):min(len(log), i+200)])
		}
	}
}

// TestRefusedRows: a row the table would refuse is refused alone, before
// any SQL, the rest of its batch stored — and nothing of it reaches the
// server's log (storetest.RunRefusedRows).
func TestRefusedRows(t *testing.T) {
	storetest.RunRefusedRows(t, func(t *testing.T) (store.Store, func(testing.TB) string) {
		cl := pgtest.NewFilesCluster(t)
		db, err := postgres.Open(context.Background(), cl.Database(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db, cl.ServerLog
	})
}
