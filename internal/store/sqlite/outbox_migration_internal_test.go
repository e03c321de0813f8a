package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/internal/migrate"
)

// TestMigration017KeepsMessages: migration 017 rebuilds the outbox as an
// append-only rowid table. Messages queued before it keep their ids (the
// idempotency key receivers deduplicate by), status, attempts, error and
// payload; the pending one is claimed under its old id; and erasing the
// address afterwards leaves no byte of it in the file, the old table's
// pages included.
func TestMigration017KeepsMessages(t *testing.T) {
	ctx := context.Background()
	path := migratedFile(ctx, t)
	ms, err := migrate.Load(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	var m011 string
	for _, m := range ms {
		if m.Version == 11 {
			m011 = m.SQL
		}
	}
	raw, err := sql.Open(driverName, path)
	if err != nil {
		t.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := raw.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`PRAGMA secure_delete = ON`)
	// As a file from before 017: the outbox as migration 011 made it.
	exec(`DROP TABLE outbox`)
	exec(m011)
	exec(`DELETE FROM schema_migrations WHERE version = 17`)
	marker := "queuedbeforeupgrade5d2e8b@example.org"
	now := time.Now().UTC().Truncate(time.Second)
	exec(`INSERT INTO outbox (id, kind, email, org, campaign, payload, not_before, created_at)
		VALUES ('zq7random2oldid4abcdefghij', 'email', ?, 'o', 'c', ?, ?, ?)`,
		marker, []byte(`{"to":"`+marker+`"}`), formatTime(now.Add(-time.Minute)), formatTime(now.Add(-time.Hour)))
	exec(`INSERT INTO outbox (id, kind, target, org, payload, status, attempts, not_before, last_error, created_at)
		VALUES ('b2olddeadmessage7abcdefghi', 'webhook', 'https://crm.example.org/h', 'o', X'7b7d', 'dead', 5, ?, 'refused', ?)`,
		formatTime(now), formatTime(now.Add(-2*time.Hour)))
	exec(`PRAGMA wal_checkpoint(TRUNCATE)`)
	raw.Close()

	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	all, err := db.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID != "b2olddeadmessage7abcdefghi" || all[0].Status != store.OutboxDead ||
		all[0].Attempts != 5 || all[0].LastError != "refused" || all[0].Target != "https://crm.example.org/h" ||
		all[1].ID != "zq7random2oldid4abcdefghij" || all[1].Email != marker || string(all[1].Payload) != `{"to":"`+marker+`"}` ||
		!all[1].CreatedAt.Equal(now.Add(-time.Hour)) {
		t.Fatalf("after 017 the outbox holds %+v; want both messages as they were, oldest first", all)
	}
	got, err := db.Claim(ctx, "w", 10, time.Minute)
	if err != nil || len(got) != 1 || got[0].ID != "zq7random2oldid4abcdefghij" || got[0].Attempts != 1 {
		t.Fatalf("claiming after 017: %+v, %v; want the pending message under its old id", got, err)
	}
	for _, idx := range []string{"outbox_email", "outbox_campaign"} {
		var n int
		if err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name = ?`, idx).Scan(&n); err != nil || n != 0 {
			t.Errorf("index %s is still there (%d, %v): each message would write a random page in it", idx, n, err)
		}
	}
	if _, err := db.Erase(ctx, marker); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, f := range []string{path, path + "-wal"} {
		if b, _ := os.ReadFile(f); bytes.Contains(b, []byte("queuedbeforeupgrade5d2e8b")) {
			t.Errorf("%s still holds the erased address of a message queued before 017", filepath.Base(f))
		}
	}
}
