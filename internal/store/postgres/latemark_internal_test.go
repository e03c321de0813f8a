package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/pgtest"
)

// TestLateCommitBelowMark: an old instance's transaction took a
// signature id and has not committed when a current instance starts,
// while a later id has. The late-row look keeps an exact mark (the
// highest id, no margin of 10,000 read again at every start), so it
// must not move the mark past the uncommitted row: it waits for that
// transaction (a SHARE lock; the wait is read from pg_stat_activity, not
// timed), then reads and rewrites the row. Without the lock the look
// saw only the committed row, set the mark above the late one, and no
// later start would have read it again.
func TestLateCommitBelowMark(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	old := connect(ctx, t, dsn)
	tx, err := old.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if err := insertSignature(ctx, tx, "ann@xn--bcher-kva.example", "approved"); err != nil {
		t.Fatal(err)
	}
	if err := insertSignature(ctx, connect(ctx, t, dsn), "bob@example.org", "approved"); err != nil {
		t.Fatal(err)
	}

	opened := make(chan error, 1)
	var got *DB
	go func() {
		var err error
		got, err = Open(ctx, dsn)
		opened <- err
	}()
	watch := connect(ctx, t, dsn)
	var openErr error
	done := false
	waitFor(t, "the look to wait for the old instance's transaction, or Open to end", func() (bool, error) {
		select {
		case openErr = <-opened:
			done = true // it did not wait: the row below the mark goes unread
			return true, nil
		default:
		}
		var waiting bool
		err := watch.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND query LIKE 'LOCK TABLE signatures%')`).Scan(&waiting)
		return waiting, err
	})
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if !done {
		openErr = <-opened
	}
	if openErr != nil {
		t.Fatalf("Open: %v", openErr)
	}
	defer got.Close()
	var emails []string
	rows, _ := watch.Query(ctx, `SELECT email FROM signatures ORDER BY id`)
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			t.Fatal(err)
		}
		emails = append(emails, e)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if len(emails) != 2 || emails[0] != "ann@bücher.example" {
		t.Errorf("signatures after the start: %q; want the late row rewritten as ann@bücher.example", emails)
	}
	var mark []byte
	if err := watch.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, store.LateMarkKey).Scan(&mark); err != nil || string(mark) != "2" {
		t.Errorf("mark %q (%v), want 2: the highest id, every row at or below it read", mark, err)
	}
}

// TestLateLookGivesWayToVacuum: the late look's SHARE lock must not wait
// for ever behind a lock it cannot cancel — an anti-wraparound VACUUM of
// signatures holds SHARE UPDATE EXCLUSIVE for as long as it runs, and
// while the look waits every signing insert on every instance queues
// behind it. Open gives the look up after a few seconds (the next start
// looks again), and the marks stay where they were.
func TestLateLookGivesWayToVacuum(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if err := insertSignature(ctx, connect(ctx, t, dsn), "bob@example.org", "approved"); err != nil {
		t.Fatal(err)
	}
	vacuum := connect(ctx, t, dsn)
	tx, err := vacuum.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `LOCK TABLE signatures IN SHARE UPDATE EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	octx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	got, err := Open(octx, dsn)
	if err != nil {
		t.Fatalf("Open while a vacuum holds signatures: %v (want the late look given up, Open done)", err)
	}
	got.Close()
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	// With the vacuum over, the next start looks and moves the mark.
	again, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	var mark []byte
	if err := connect(ctx, t, dsn).QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, store.LateMarkKey).Scan(&mark); err != nil {
		t.Fatalf("no late mark after the vacuum: %v", err)
	}
	if store.ParseLateMark(mark) < 1 {
		t.Errorf("late mark %q after the vacuum; want the new row's id", mark)
	}
}
