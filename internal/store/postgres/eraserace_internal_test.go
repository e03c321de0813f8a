package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/storetest"
)

// TestEraseSigningRace: a signing batch from another instance (its own
// connection) that commits at the exact point between an erasure's
// deletion of the signatures and that of their messages must not leave
// its signature without its confirmation message, nor the message
// without the signature: either both go or both stay (the signature then
// came after the erasure). The erasure's hook starts the batch and waits
// until it has committed or is waiting for a lock, so the point is the
// same on every run.
func TestEraseSigningRace(t *testing.T) {
	for _, c := range []struct {
		name  string
		erase func(ctx context.Context, db *DB, email string) (int, error)
	}{
		{"Erase", func(ctx context.Context, db *DB, email string) (int, error) { return db.Erase(ctx, email) }},
		{"EraseSupporter", func(ctx context.Context, db *DB, email string) (int, error) {
			return db.EraseSupporter(ctx, "o", email)
		}},
		{"EraseIn", func(ctx context.Context, db *DB, email string) (int, error) {
			return db.EraseIn(ctx, "o", email)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			dsn := migratedDSN(t)
			eraser := openDB(ctx, t, dsn)
			signer := openDB(ctx, t, dsn)
			watch := connect(ctx, t, dsn)

			const email = "ada@example.org"
			first := storetest.Sig("o", "c", email)
			first.Outbox = []signing.Message{storetest.Msg("o", "c", email)}
			if _, err := signer.AddSignatures(ctx, []*signing.Signature{first}); err != nil {
				t.Fatal(err)
			}
			late := storetest.Sig("o", "d", email)
			late.Outbox = []signing.Message{storetest.Msg("o", "d", email)}
			signed := make(chan error, 1)
			erasing = func() {
				erasing = nil
				go func() {
					res, err := signer.AddSignatures(ctx, []*signing.Signature{late})
					if err == nil {
						err = res[0]
					}
					signed <- err
				}()
				// Wait until the batch has committed, or is held by a lock
				// this transaction has (then it commits after it).
				deadline := time.Now().Add(30 * time.Second)
				for time.Now().Before(deadline) {
					select {
					case err := <-signed:
						signed <- err
						return
					default:
					}
					var waiting bool
					if err := watch.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
						WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO signatures%')`).Scan(&waiting); err != nil {
						t.Error(err)
						return
					}
					if waiting {
						return
					}
					time.Sleep(time.Millisecond) // polling pg_stat_activity, not waiting for a result
				}
				t.Error("the signing batch neither committed nor waited for a lock within 30 s")
			}
			defer func() { erasing = nil }()
			if _, err := c.erase(ctx, eraser, email); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if err := <-signed; err != nil {
				t.Fatalf("signing during the erasure: %v", err)
			}
			var sigs int
			if err := watch.QueryRow(ctx, `SELECT count(*) FROM signatures WHERE email = $1 AND campaign = 'd'`, email).Scan(&sigs); err != nil {
				t.Fatal(err)
			}
			es, err := eraser.List(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			msgs := 0
			for _, e := range es {
				if e.Email == email {
					msgs++
					if e.Campaign != "d" {
						t.Errorf("the erased signature's message on campaign %s is still in the outbox", e.Campaign)
					}
				}
			}
			if sigs != msgs {
				t.Errorf("after %s during a signing batch: %d signatures of the batch stay with %d of their messages, want both or neither", c.name, sigs, msgs)
			}
		})
	}
}
