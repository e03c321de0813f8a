package postgres

import (
	"bytes"
	"context"
	"net"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/pgtest"
	"github.com/placard/placard/internal/store/storetest"
)

// cutConn loses the server's answer that holds cut, once armed: the
// connection is closed as that answer arrives and the read fails as a
// reset connection — what the client sees when the network or the
// server's host fails just after a COMMIT went through.
type cutConn struct {
	net.Conn
	armed *atomic.Bool
	cut   []byte
}

func (c *cutConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && bytes.Contains(p[:n], c.cut) && c.armed.CompareAndSwap(true, false) {
		c.Conn.Close()
		return 0, &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
	}
	return n, err
}

// TestBatchInDoubtNotDoubled (rev31a): a batch whose COMMIT went through
// but whose answer was lost (attack8 sends it again on a new session,
// sessionLost). The retry found its own rows and answered
// ErrAlreadySigned: the signer's confirmation was queued again beside
// the first (web: a repeat of a waiting signature sends it again), and
// the trap's caught form in the same transaction was counted twice.
// Now the rows the first attempt stored are recognised as this batch's
// (their key and creation time) and answered as stored, and nothing is
// sent again. Before the fix: the result was ErrAlreadySigned and the
// caught count 2.
func TestBatchInDoubtNotDoubled(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	db := openDB(ctx, t, dsn)
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	var armed atomic.Bool
	var dial net.Dialer
	cfg.ConnConfig.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &cutConn{Conn: c, armed: &armed, cut: []byte("COMMIT\x00")}, nil
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	db.pool.Close()
	db.pool = pool

	sig := storetest.Sig("o", "c", "ada@example.org")
	sig.Outbox = []signing.Message{{ID: signing.NewMessageID(), Kind: signing.MessageEmail, Email: sig.Email, Org: "o", Campaign: "c", Payload: []byte(`{}`)}}
	armed.Store(true)
	res, err := db.AddBatch(ctx, []*signing.Signature{sig}, []store.Caught{{Org: "o", Campaign: "c", N: 1}})
	if err != nil {
		t.Fatalf("AddBatch: %v", err)
	}
	if armed.Load() {
		t.Fatal("no COMMIT answer was cut: the test did not test")
	}
	if res[0] != nil {
		t.Errorf("the signature whose COMMIT went through: %v, want nil (stored by this batch)", res[0])
	}
	if sig.ID == 0 {
		t.Errorf("the signature stored by the first attempt has no ID")
	}
	caught, err := db.CaughtCounts(ctx, "o")
	if err != nil || caught["c"] != 1 {
		t.Errorf("forms caught: %v, %v; want 1 (counted once)", caught, err)
	}
	var msgs int
	if err := db.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM outbox) + (SELECT count(*) FROM outbox_bundles)`).Scan(&msgs); err != nil || msgs != 1 {
		t.Errorf("outbox: %d messages or bundles, %v; want 1", msgs, err)
	}
}
