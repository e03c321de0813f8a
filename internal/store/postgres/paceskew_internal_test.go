package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/placard/placard/internal/store/pgtest"
)

// TestMailPaceSkewedInstances (rev31a): two instances sharing one
// database, one's clock 30 minutes ahead of the other's. attack8's cap
// (a refused turn lowers an inbox's whole to at most every past the
// asker's now, for a clock set back) read the instance ahead's spent
// turn as a clock gone back, and lowered it to the instance behind's
// now: the instance ahead then found the inbox whole again (and its
// purge deleted the row), so asking on one instance and then the other,
// over and over, mailed an inbox — a data-page link, anyone may type
// the address — at once each time instead of every 10 minutes. The
// pace now runs on the database server's clock, which every instance
// shares. Before the fix the purge deleted the row and the instance
// ahead took a second turn at once.
func TestMailPaceSkewedInstances(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	ahead, behind := openDB(ctx, t, dsn), openDB(ctx, t, dsn)
	const skew, every = 30 * time.Minute, 10 * time.Minute
	ahead.wall = func() time.Time { return time.Now().Add(skew) }
	inbox := []byte("0123456789abcdef0123456789abcdef")
	if _, took, err := ahead.MailTurn(ctx, inbox, every, 1, ahead.wall()); err != nil || !took {
		t.Fatalf("the first turn, on the instance ahead: took %v, %v; want a turn", took, err)
	}
	next, took, err := behind.MailTurn(ctx, inbox, every, 1, time.Now())
	if err != nil || took {
		t.Fatalf("at once on the instance behind: took %v, %v; want none", took, err)
	}
	if wait := time.Until(next); wait < every-time.Minute || wait > every+time.Minute {
		t.Errorf("at once on the instance behind: next turn in %v, want about %v", wait, every)
	}
	if n, err := ahead.PurgeMailPace(ctx, ahead.wall()); err != nil || n != 0 {
		t.Errorf("the instance ahead's purge: %d rows, %v; want none (the inbox is not whole)", n, err)
	}
	if _, took, err := ahead.MailTurn(ctx, inbox, every, 1, ahead.wall()); err != nil || took {
		t.Errorf("again at once on the instance ahead: took %v, %v; want none (one turn every %v)", took, err, every)
	}
}
