package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/storetest"
	"github.com/placard/placard/internal/webhook"
)

// olderClaimSQL is the claim of a placard from before erasure notes
// (internal/store/postgres/outbox.go at d01ff2b, the main line just
// before erasecrm was merged), verbatim but for outboxColumns written
// out: an instance of that placard still serving beside this one on the
// same database (a rolling upgrade) claims with it. It knows no kind
// "erasure": it put a note back every hour and after 48 hours marked it
// dead, keeping the erased address and telling no CRM.
const olderClaimSQL = `WITH due AS (
			SELECT id FROM outbox WHERE status = 'pending' AND not_before <= $1
			ORDER BY not_before LIMIT $2 FOR UPDATE SKIP LOCKED
		), claimed AS (
			UPDATE outbox o SET not_before = $3, claimed_by = $4, attempts = o.attempts + 1
			FROM due WHERE o.id = due.id
			RETURNING o.*
		)
		SELECT id, kind, target, email, org, campaign, payload, status, attempts, not_before, last_error, created_at FROM claimed ORDER BY created_at, id`

// olderClaim claims as an older serve would, a minute ahead of now (so
// whatever is due in the next minute is due for it).
func olderClaim(t *testing.T, db *DB) []store.OutboxEntry {
	t.Helper()
	now := time.Now().UTC().Add(time.Minute)
	es, err := collectOutbox(db.pool.Query(context.Background(), olderClaimSQL, now, 100, now.Add(time.Minute), "older-serve"))
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// TestOlderServeCannotClaimNotes: an erasure made without the campaign
// files (placard signatures erase, webhook.ErasureNotes) leaves a note
// that an older serve sharing the database does not see: its claim,
// run as it was written, takes the other messages and not the note,
// which this placard's claim takes. A note an older serve had already
// marked dead before the upgrade is made a note again by migration 046,
// for this serve to tell the CRM and delete. Failed before 046: the
// older claim took the note (and would have marked it dead in 48 hours),
// and the dead note stayed dead, holding the address.
func TestOlderServeCannotClaimNotes(t *testing.T) {
	ctx := context.Background()
	dsn := migratedDSN(t)
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { db.Close() }()
	if _, err := db.AddSignatures(ctx, []*signing.Signature{storetest.Sig("o", "c", "erased@example.org")}); err != nil {
		t.Fatal(err)
	}
	n, err := db.EraseTold(ctx, "erased@example.org", webhook.ErasureNotes("erased@example.org", time.Now(), nil))
	if err != nil || n != 1 {
		t.Fatalf("EraseTold = %d, %v; want 1 signature erased", n, err)
	}
	other := storetest.Msg("o", "c", "other@example.org")
	if err := db.Enqueue(ctx, []signing.Message{other}); err != nil {
		t.Fatal(err)
	}
	got := olderClaim(t, db)
	if len(got) != 1 || got[0].ID != other.ID {
		t.Fatalf("an older serve's claim took %+v; want only the webhook message, never the erasure note", got)
	}
	es, err := db.Claim(ctx, "this-serve", 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].Kind != webhook.MessageErasure || es[0].Status != store.OutboxPending {
		t.Fatalf("this serve's claim took %+v; want the erasure note", es)
	}
	note := es[0]

	// As an older serve left it before the upgrade: dead after 48 hours
	// of "no deliverer", the address still in its payload. Migration 046
	// runs again on Open once its record is gone.
	if _, err := db.pool.Exec(ctx, `UPDATE outbox SET status = 'dead', claimed_by = '',
		not_before = now() - interval '1 hour', last_error = 'no deliverer for "erasure" messages on this instance'
		WHERE id = $1`, note.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `DELETE FROM schema_migrations WHERE version = 46`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = Open(ctx, dsn); err != nil {
		t.Fatal(err)
	}
	if got := olderClaim(t, db); len(got) != 0 {
		t.Fatalf("after 046 an older serve's claim took %+v; want nothing", got)
	}
	es, err = db.Claim(ctx, "this-serve", 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].ID != note.ID || es[0].Status != store.OutboxPending {
		t.Fatalf("after 046 this serve's claim took %+v; want the note an older serve had marked dead, pending again", es)
	}
}
