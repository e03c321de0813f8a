package sqlite

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"modernc.org/sqlite"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/storetest"
)

// pagesRead returns how many pages (page cache hits and misses) the
// reader connection touched while f ran. The reader pool is cut to one
// connection so f's statements run on the one counted.
func pagesRead(t *testing.T, db *DB, f func()) int {
	t.Helper()
	ctx := context.Background()
	status := func(reset bool) int {
		c, err := db.r.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		n := 0
		if err := c.Raw(func(dc any) error {
			for _, op := range []sqlite.DBStatusOp{sqlite.DBStatusCacheHit, sqlite.DBStatusCacheMiss} {
				cur, _, err := dc.(sqlite.DBStatus).Status(op, reset)
				if err != nil {
					return err
				}
				n += cur
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	status(true)
	f()
	return status(false)
}

// TestEarlierReadsOnlyThePersonsMessages: what Earlier reads before a
// webhook or Action Network attempt does not grow with the outbox. A
// receiver down for an hour during a burst leaves tens of thousands of
// its messages pending, and every one of them asks Earlier before each
// attempt once it is back: reading the whole outbox each time made
// delivering a backlog of n messages cost n² row reads, on the reader
// and, through the claims waiting behind it, the single writer.
// Failed before: Earlier read every pending row made before the message
// when it found none (most of a backlog): 14 pages with 50 other
// messages waiting, 1,065 with 5,000 (now 3 and 7).
func TestEarlierReadsOnlyThePersonsMessages(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, t.TempDir()+"/earlier.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.r.SetMaxOpenConns(1)
	// Payloads the size of a real event's.
	msg := func(email string) signing.Message {
		m := storetest.Msg("o", "c", email)
		m.Payload = []byte(`{"email":"` + email + `","pad":"` + strings.Repeat("x", 600) + `"}`)
		return m
	}
	first, later := msg("ana@example.org"), msg("ana@example.org")
	if err := db.Enqueue(ctx, []signing.Message{first}); err != nil {
		t.Fatal(err)
	}
	pages := map[int]int{}
	backlog := 0
	for _, n := range []int{50, 5000} {
		var others []signing.Message
		for ; backlog < n; backlog++ {
			others = append(others, msg(fmt.Sprintf("b%d@example.org", backlog)))
		}
		if err := db.Enqueue(ctx, others); err != nil {
			t.Fatal(err)
		}
		l := later
		l.ID = signing.NewMessageID() // made after the backlog
		var found bool
		pages[n] = pagesRead(t, db, func() {
			if found, err = db.Earlier(ctx, l); err != nil {
				t.Fatal(err)
			}
		})
		if !found {
			t.Fatalf("with %d others waiting: ana's first message not found earlier", n)
		}
		// The common case: a person with nothing earlier (most of a
		// backlog), which no row found cuts short.
		pages[-n] = pagesRead(t, db, func() {
			if found, err = db.Earlier(ctx, msg("nobody@example.org")); err != nil {
				t.Fatal(err)
			}
		})
		if found {
			t.Fatalf("with %d others waiting: Earlier for a person with nothing waiting: true", n)
		}
	}
	t.Logf("pages read by Earlier: %v", pages)
	for _, sign := range []int{1, -1} {
		few, many := pages[sign*50], pages[sign*5000]
		if many > few+4 || many > 20 {
			t.Errorf("Earlier (finding %v) read %d pages with 50 other messages waiting and %d with 5,000: want the same few, its cost bounded by the person's own messages", sign > 0, few, many)
		}
	}
}
