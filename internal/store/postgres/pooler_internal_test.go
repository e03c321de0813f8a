package postgres

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgproto3"

	"github.com/placard/placard/internal/store/pgtest"
)

// pooler is a small connection pool in front of a real PostgreSQL, as
// PgBouncer is: it answers its clients' startup itself and runs their
// messages on server connections of its own. In transaction mode a
// client holds a server connection only until a ReadyForQuery says no
// transaction is open, and the connection used last is handed out first
// (PgBouncer's default, server_round_robin = 0); in session mode a
// client keeps its server connection until it leaves. Cancel requests
// are ignored.
type pooler struct {
	t           *testing.T
	dsn         string
	transaction bool
	roundRobin  bool // hand out the server connection released first (server_round_robin = 1)
	ln          net.Listener

	mu     sync.Mutex
	idle   []*pgconn.HijackedConn // last released at the end
	params map[string]string
	wg     sync.WaitGroup
}

func startPooler(t *testing.T, dsn string, transaction bool) *pooler {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &pooler{t: t, dsn: dsn, transaction: transaction, ln: ln}
	first, err := p.server()
	if err != nil {
		t.Fatal(err)
	}
	p.params = first.ParameterStatuses
	p.idle = append(p.idle, first)
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.wg.Add(1)
			go func() { defer p.wg.Done(); p.serve(c) }()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		for _, s := range p.idle {
			s.Conn.Close()
		}
		p.idle = nil
		p.mu.Unlock()
		p.wg.Wait()
	})
	return p
}

// url is the pooler's address with the real server's user and database.
func (p *pooler) url() string {
	cfg, err := pgconn.ParseConfig(p.dsn)
	if err != nil {
		p.t.Fatal(err)
	}
	return "postgres://" + cfg.User + "@" + p.ln.Addr().String() + "/" + cfg.Database + "?sslmode=disable"
}

// server opens a server connection of the pool's own.
func (p *pooler) server() (*pgconn.HijackedConn, error) {
	pc, err := pgconn.Connect(context.Background(), p.dsn)
	if err != nil {
		return nil, err
	}
	return pc.Hijack()
}

// take hands out the server connection released last (released first
// with roundRobin), or a new one.
func (p *pooler) take() (*pgconn.HijackedConn, error) {
	p.mu.Lock()
	if n := len(p.idle); n > 0 {
		var s *pgconn.HijackedConn
		if p.roundRobin {
			s, p.idle = p.idle[0], p.idle[1:]
		} else {
			s, p.idle = p.idle[n-1], p.idle[:n-1]
		}
		p.mu.Unlock()
		return s, nil
	}
	p.mu.Unlock()
	return p.server()
}

func (p *pooler) release(s *pgconn.HijackedConn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.idle = append(p.idle, s)
}

// serve runs one client connection.
func (p *pooler) serve(c net.Conn) {
	defer c.Close()
	be := pgproto3.NewBackend(c, c)
	for {
		m, err := be.ReceiveStartupMessage()
		if err != nil {
			return
		}
		switch m.(type) {
		case *pgproto3.SSLRequest, *pgproto3.GSSEncRequest:
			if _, err := c.Write([]byte{'N'}); err != nil {
				return
			}
			continue
		case *pgproto3.StartupMessage:
		default:
			return // a cancel request
		}
		break
	}
	be.Send(&pgproto3.AuthenticationOk{})
	for k, v := range p.params {
		be.Send(&pgproto3.ParameterStatus{Name: k, Value: v})
	}
	be.Send(&pgproto3.BackendKeyData{ProcessID: 1, SecretKey: []byte{0, 0, 0, 1}})
	be.Send(&pgproto3.ReadyForQuery{TxStatus: 'I'})
	if be.Flush() != nil {
		return
	}
	// The client's messages go to its server connection as they come;
	// a pump carries the server's answers back. outstanding counts the
	// Syncs and Queries not yet answered by a ReadyForQuery: in
	// transaction mode the pump gives the server connection back when
	// none is, outside a transaction, and stops.
	var (
		mu          sync.Mutex
		s           *pgconn.HijackedConn
		outstanding int
		pumps       sync.WaitGroup
		sendMu      sync.Mutex // be's writes: the pumps of one client, one after another
	)
	pump := func(srv *pgconn.HijackedConn) {
		defer pumps.Done()
		for {
			r, err := srv.Frontend.Receive()
			if err != nil {
				c.Close()
				return
			}
			sendMu.Lock()
			be.Send(r)
			err = be.Flush()
			sendMu.Unlock()
			if err != nil {
				srv.Conn.Close()
				return
			}
			if rq, ok := r.(*pgproto3.ReadyForQuery); ok {
				mu.Lock()
				outstanding--
				if p.transaction && rq.TxStatus == 'I' && outstanding == 0 {
					s = nil
					p.release(srv)
					mu.Unlock()
					return
				}
				mu.Unlock()
			}
		}
	}
	defer func() {
		mu.Lock()
		srv := s
		mu.Unlock()
		if srv != nil {
			srv.Conn.Close() // its pump stops; a session is not handed on dirty
		}
		pumps.Wait()
	}()
	for {
		m, err := be.Receive()
		if err != nil {
			return
		}
		if _, ok := m.(*pgproto3.Terminate); ok {
			return
		}
		mu.Lock()
		if s == nil {
			if s, err = p.take(); err != nil {
				mu.Unlock()
				return
			}
			pumps.Add(1)
			go pump(s)
		}
		srv := s
		flush := false
		switch m.(type) {
		case *pgproto3.Sync, *pgproto3.Query:
			outstanding++
			flush = true
		case *pgproto3.Flush:
			flush = true
		}
		// Sent and flushed under mu: the pump hands the server
		// connection on (release) only under mu too, so another client
		// never writes into it while this one's Flush still runs
		// (a data race -race found in CI).
		srv.Frontend.Send(m)
		if flush && srv.Frontend.Flush() != nil {
			mu.Unlock()
			return
		}
		mu.Unlock()
	}
}

// TestRefusedThroughTransactionPool: placard started through a pool in
// transaction mode (PgBouncer pool_mode=transaction) refuses to upgrade
// the database, saying what to do, and changes nothing. Before, it took
// the migration lock on a server connection the pool then gave to other
// clients and ran the migrations wherever the pool put them: the lock
// stayed held by that pooled connection, so every later start of any
// instance waited for it for ever (here: the direct Open below). Through
// a pool in session mode it starts, and the database is upgraded.
func TestRefusedThroughTransactionPool(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	tp := startPooler(t, dsn, true)
	db, err := Open(ctx, tp.url())
	if err == nil {
		db.Close()
	}
	if !errors.Is(err, ErrNoSession) {
		t.Errorf("Open through a transaction pool: %v, want ErrNoSession", err)
	}
	for _, want := range []string{"pool_mode=transaction", "Nothing was changed", "PostgreSQL server itself", "pool_mode=session"} {
		if err != nil && !strings.Contains(err.Error(), want) {
			t.Errorf("the refusal %q does not say %q", err, want)
		}
	}
	c := connect(ctx, t, dsn)
	var tables int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("%d tables made through the transaction pool, want none", tables)
	}
	var held int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
		AND classid::bigint = $1 AND objid::bigint = $2`, migrationLock>>32, migrationLock&0xffffffff).Scan(&held); err != nil {
		t.Fatal(err)
	}
	if held != 0 {
		// Every later start would wait for it for ever: stop here.
		t.Fatalf("the migration lock is still held by %d session(s) after the refusal", held)
	}
	sp := startPooler(t, dsn, false)
	db, err = Open(ctx, sp.url())
	if err != nil {
		t.Fatalf("Open through a session pool: %v", err)
	}
	db.Close()
	db, err = Open(ctx, dsn)
	if err != nil {
		t.Fatalf("Open directly after: %v", err)
	}
	db.Close()
}

// TestRefusedThroughRoundRobinPool: through a pool in transaction mode
// that hands out its server connections in turn (PgBouncer's
// server_round_robin = 1, or a hosted pooler with several connections
// idle), ownSession's transaction lands on another server connection
// than placard's own, so the check passes; the migration lock must then
// be taken only on placard's own backend, or refused. Before, the lock
// was taken wherever the pool put the statement: here pgx's prepared
// statement was parsed on one server connection and run on another, and
// the start failed with "prepared statement ... does not exist", which
// tells an operator nothing; with a pool that carries prepared
// statements over (PgBouncer 1.21's max_prepared_statements) the lock
// was taken by a pooled session and could stay there, so every later
// start waited for it. Now the refusal says what to do, and no lock is
// held.
func TestRefusedThroughRoundRobinPool(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	tp := startPooler(t, dsn, true)
	tp.mu.Lock()
	tp.roundRobin = true
	for range 3 {
		s, err := tp.server()
		if err != nil {
			tp.mu.Unlock()
			t.Fatal(err)
		}
		tp.idle = append(tp.idle, s)
	}
	tp.mu.Unlock()
	db, err := Open(ctx, tp.url())
	if err == nil {
		db.Close()
	}
	if !errors.Is(err, ErrNoSession) {
		t.Errorf("Open through a round-robin transaction pool: %v, want ErrNoSession", err)
	}
	c := connect(ctx, t, dsn)
	var held int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
		AND classid::bigint = $1 AND objid::bigint = $2`, migrationLock>>32, migrationLock&0xffffffff).Scan(&held); err != nil {
		t.Fatal(err)
	}
	if held != 0 {
		t.Fatalf("the migration lock is still held by %d session(s) after the refusal", held)
	}
	var tables int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("%d tables made through the transaction pool, want none", tables)
	}
}
