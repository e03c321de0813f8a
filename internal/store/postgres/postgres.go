// Package postgres is the Store engine for several Placard instances behind
// a load balancer, sharing one PostgreSQL database.
//
// Every write commits with synchronous_commit on, so an acknowledged
// signature is on the server's disk. A batch of signatures from the group
// Committer is one statement — one round trip, one transaction, one WAL
// flush — however many signatures it holds.
package postgres

import (
	"cmp"
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/internal/migrate"
	"github.com/placard/placard/internal/store/internal/tally"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrationLock is the advisory lock key that serialises schema
// migrations across instances starting at the same moment ("placard" in
// ASCII, so it is recognisable in pg_locks). Taken as a session lock
// (migrate); placard before the concurrent index builds took it with
// pg_advisory_xact_lock, and the two exclude each other, so an older
// instance starting beside a newer one waits its turn — except while a
// concurrent build runs, when its wait is cancelled (cancelLockWaiters).
const migrationLock int64 = 0x706c6163617264

// DB is a PostgreSQL-backed store.Store, safe for concurrent use by any
// number of goroutines and instances.
type DB struct {
	pool *pgxpool.Pool

	openRewrite store.RenormaliseResult // what Open's address rewrites did (emailforms.go)

	claimPurged atomic.Int64 // when expired claim nonces were last deleted (Unix ns)
	// listenConfig connects Changes' listening connection (changes.go).
	listenConfig *pgx.ConnConfig

	onQuarantine store.QuarantineHook // OnQuarantine's (quarantine.go)

	payMu sync.Mutex // one rewrite at a time in this process (rewrites.go)

	// The mail pace's shift onto the server's clock (mailpace.go:
	// paceShift), measured at most once a minute; wall is this
	// instance's clock (nil: time.Now; tests move it).
	shiftMu sync.Mutex
	shift   time.Duration
	shiftAt time.Time
	wall    func() time.Time

	closeOnce sync.Once // Close does its work once; later calls return nil
}

var _ store.Store = (*DB)(nil)

// Open connects to the database at dsn (a postgres:// URL or key=value
// string), brings its schema up to date and returns the store. Several
// instances may Open the same database at once: migrations run under an
// advisory lock, one instance after the other. The caller must Close the DB.
func Open(ctx context.Context, dsn string) (*DB, error) {
	return open(ctx, dsn, migrations)
}

// open is Open with the migrations read from files (a directory
// "migrations"): tests give it the real ones as another checkout would
// hold them.
func open(ctx context.Context, dsn string, files fs.FS) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// The parse error can echo the DSN, password included; say less.
		return nil, errors.New("the PostgreSQL connection URL could not be read; expected postgres://user:password@host:port/database")
	}
	// Durable acknowledgement whatever the server's or role's default:
	// COMMIT returns only once the WAL is flushed to disk.
	cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "on"
	cfg.ConnConfig.RuntimeParams["application_name"] = "placard"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connecting to PostgreSQL: %w", err)
	}
	db := &DB{pool: pool, listenConfig: cfg.ConnConfig.Copy()}
	// Named apart, so operators see it in pg_stat_activity.
	db.listenConfig.RuntimeParams["application_name"] = "placard listener"
	// Checked before migrating too: refused there, an installation's
	// database stays as the release it ran before left it, and that
	// release still starts (a migration it does not know would make it
	// refuse the database, migrate.ErrNewer) while the operator runs the
	// statement the message names. After migrating, for a new database.
	if err := checkEncoding(ctx, db.pool); err != nil { // encoding.go
		pool.Close()
		return nil, fmt.Errorf("checking the PostgreSQL database: %w", err)
	}
	if err := checkLateSequences(ctx, db.pool); err != nil { // emailforms.go
		pool.Close()
		return nil, fmt.Errorf("checking the PostgreSQL database: %w", err)
	}
	if err := db.migrate(ctx, files); err != nil {
		pool.Close()
		return nil, fmt.Errorf("preparing the PostgreSQL database: %w", err)
	}
	if err := checkLateSequences(ctx, db.pool); err != nil { // emailforms.go
		pool.Close()
		return nil, fmt.Errorf("checking the PostgreSQL database: %w", err)
	}
	if err := db.renormaliseOnce(ctx); err != nil { // emailforms.go
		pool.Close()
		return nil, fmt.Errorf("rewriting stored email addresses in their current form in the PostgreSQL database: %w", err)
	}
	return db, nil
}

// migrate applies the embedded migrations not yet recorded, holding a
// session advisory lock on a connection of its own: a second instance
// waits for the lock, then sees the first one's work and applies nothing.
// The connection is closed at the end, success or not, so neither a
// failure nor a crashed instance can leave the lock held.
//
// Consecutive ordinary migrations run in one transaction, each recorded
// in it. A NoTransaction one (an index built CONCURRENTLY on a big table,
// such as 027) commits what came before, then runs statement by statement
// (runAlone) and is recorded once all succeeded, so an insert into the
// table is never blocked while it builds.
//
// The waiting instance polls pg_try_advisory_lock instead of blocking in
// pg_advisory_lock: a blocked statement keeps a snapshot, CREATE INDEX
// CONCURRENTLY waits for every transaction holding an older snapshot
// than its own, and the two would deadlock.
func (db *DB) migrate(ctx context.Context, files fs.FS) error {
	ms, err := migrate.Load(files, "migrations")
	if err != nil {
		return err
	}
	pc, err := db.pool.Acquire(ctx)
	if err != nil {
		return err
	}
	c := pc.Hijack() // out of the pool: closing it releases the lock
	defer c.Close(context.WithoutCancel(ctx))
	pid, err := db.ownSession(ctx, c)
	if err != nil {
		return err
	}
	if err := lockMigrations(ctx, c, pid); err != nil {
		return err
	}
	if err := lockHeld(ctx, c, pid); err != nil {
		return err
	}
	// A placard killed mid-migration (SIGKILL, the OOM killer, a
	// container stopped) only closes its socket, and PostgreSQL notices
	// a vanished client only when it next talks to it: the session would
	// go on with a long CREATE INDEX CONCURRENTLY — on a big table, or
	// waiting for a busy site's older snapshots — holding the migration
	// lock, and the next start would wait, silently, until it ended.
	// Asked to check its client every second, the server ends the
	// session instead; the half-built index is left INVALID, and the next
	// start drops and rebuilds it (runAlone). PostgreSQL before 14 has
	// no such setting: there the error is ignored, as before.
	// TestKilledDuringConcurrentBuild.
	_, _ = c.Exec(ctx, `SET client_connection_check_interval = '1s'`)
	// Created under the lock: concurrent CREATE TABLE IF NOT EXISTS can
	// otherwise fail on PostgreSQL's catalog unique index.
	if _, err := c.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		return err
	}
	rows, err := c.Query(ctx, `SELECT version, name FROM schema_migrations`)
	if err != nil {
		return err
	}
	var versions []int32
	var applied []migrate.Applied
	var a migrate.Applied
	if _, err := pgx.ForEachRow(rows, []any{&a.Version, &a.Name}, func() error {
		versions, applied = append(versions, int32(a.Version)), append(applied, a)
		return nil
	}); err != nil {
		return err
	}
	// A database a newer placard upgraded is refused before anything is
	// written to it.
	if err := migrate.CheckKnown(ms, applied); err != nil {
		return err
	}
	var tx pgx.Tx
	defer func() {
		if tx != nil {
			tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	for _, m := range ms {
		if slices.Contains(versions, int32(m.Version)) {
			continue
		}
		if m.NoTransaction {
			if tx != nil {
				if err := tx.Commit(ctx); err != nil {
					return err
				}
				tx = nil
			}
			stop := db.cancelLockWaiters(ctx)
			err := runAlone(ctx, c, m)
			stop()
			if err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			if _, err := c.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name); err != nil {
				return err
			}
			continue
		}
		if tx == nil {
			if tx, err = c.Begin(ctx); err != nil {
				return err
			}
		}
		// No arguments: pgx sends the file with the simple protocol, which
		// runs a script of several statements.
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name); err != nil {
			return err
		}
	}
	if tx == nil {
		return nil
	}
	t := tx
	tx = nil
	return t.Commit(ctx)
}

// ErrNoSession is the refusal ownSession and lockHeld return: placard
// reaches PostgreSQL through a pool that hands a connection's server
// session to other clients between transactions.
var ErrNoSession = errors.New("placard is connected to PostgreSQL through a connection pool in transaction or statement mode " +
	"(PgBouncer pool_mode=transaction or statement, or a hosting provider's \"transaction\" pooler port), " +
	"and upgrading the database needs a connection that keeps its own session. Nothing was changed. " +
	"Point --db (PLACARD_DB) at the PostgreSQL server itself, or at a pool in session mode (PgBouncer pool_mode=session)")

// ownSession checks, before anything is locked or written, that c keeps
// its server session: the migration lock is a session lock, and CREATE
// INDEX CONCURRENTLY must run outside a transaction, on the session that
// holds it. Through a pool in transaction mode (PgBouncer's
// pool_mode=transaction) c's server connection goes back to the pool
// after each statement: the lock would stay held by a server connection
// that any client may be given — no other instance could ever take it,
// and every later start would wait for it — and the statements meant to
// run under it would run on other sessions. The check is one query on c
// and one transaction on another connection of the pool: directly on the
// server, or through a pool in session mode, that transaction runs on
// another backend; through a transaction pool, which hands back the
// server connection used last, it runs on c's — refused. A statement
// pool refuses the transaction itself. It returns c's backend pid for
// lockHeld.
func (db *DB) ownSession(ctx context.Context, c *pgx.Conn) (uint32, error) {
	// The simple protocol: no statement is prepared, which through a
	// transaction pool could collide with the one the other connection
	// prepares on the same server session, and fail before it is seen.
	simple := pgx.QueryExecModeSimpleProtocol
	var pid uint32
	if err := c.QueryRow(ctx, `SELECT pg_backend_pid()`, simple).Scan(&pid); err != nil {
		return 0, err
	}
	var other uint32
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT pg_backend_pid()`, simple).Scan(&other)
	})
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "08P01" {
		// PgBouncer in statement mode: "transaction blocks not allowed".
		return 0, fmt.Errorf("%w (%v)", ErrNoSession, err)
	}
	if err != nil {
		return 0, err
	}
	if other == pid {
		return 0, ErrNoSession
	}
	return pid, nil
}

// lockHeld checks, once lockMigrations has the lock, that c's statements
// still run on the backend pid ownSession saw and that this backend holds
// the lock: a transaction pool that gave c another server connection
// meanwhile is refused there, and the lock is let go as well as it can
// be (the unlock may itself land on another server connection).
func lockHeld(ctx context.Context, c *pgx.Conn, pid uint32) error {
	var same bool
	if err := c.QueryRow(ctx, `SELECT pg_backend_pid() = $1 AND EXISTS (SELECT 1 FROM pg_locks
		WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid() AND objsubid = 1
		AND classid::bigint = $2 AND objid::bigint = $3)`, pgx.QueryExecModeSimpleProtocol, pid, migrationLock>>32, migrationLock&0xffffffff).Scan(&same); err != nil {
		return err
	}
	if !same {
		c.Exec(ctx, `SELECT pg_advisory_unlock($1)`, pgx.QueryExecModeSimpleProtocol, migrationLock)
		return ErrNoSession
	}
	return nil
}

// migrationBusy is called each time lockMigrations finds the lock taken;
// tests use it to know a second instance is waiting.
var migrationBusy = func() {}

// lockMigrations takes the migration lock on c, trying again with a
// growing pause (up to a second) while another instance holds it. The
// lock is taken only on backend pid, the one ownSession saw, in the same
// statement that checks it, with the simple protocol: a transaction pool
// that hands out its server connections in turn passes ownSession's
// check, and would otherwise take the lock for a pooled session (which
// keeps it for other clients, so every later start waits) or fail with
// a prepared statement the next server connection does not have.
func lockMigrations(ctx context.Context, c *pgx.Conn, pid uint32) error {
	pause := 10 * time.Millisecond
	for {
		var got *bool
		if err := c.QueryRow(ctx, `SELECT CASE WHEN pg_backend_pid() = $1 THEN pg_try_advisory_lock($2) END`,
			pgx.QueryExecModeSimpleProtocol, pid, migrationLock).Scan(&got); err != nil {
			return err
		}
		if got == nil {
			return ErrNoSession
		}
		if *got {
			return nil
		}
		migrationBusy()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
		pause = min(2*pause, time.Second)
	}
}

// cancelLockWaiters cancels, until stop is called, every statement
// waiting in pg_locks for the migration lock: only a placard from before
// the concurrent builds waits there (pg_advisory_xact_lock; newer ones
// poll with pg_try_advisory_lock). That statement keeps a snapshot, a
// concurrent build waits for every older snapshot, the older instance
// waits for the lock this instance holds, and PostgreSQL's deadlock
// detector ended one of the two — often the build, which left an INVALID
// index and this instance not started. Cancelled, the older instance's
// start fails (as the deadlock made it) and, started again, it finds the
// migration recorded. Polled on a connection of the pool, well within
// the deadlock_timeout of one second; failures are ignored (the next poll
// tries again, and at worst the deadlock detector decides, as before).
func (db *DB) cancelLockWaiters(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			db.pool.Exec(ctx, `SELECT pg_cancel_backend(l.pid) FROM pg_locks l
				JOIN pg_stat_activity a ON a.pid = l.pid
				WHERE l.locktype = 'advisory' AND NOT l.granted AND l.objsubid = 1
				AND l.classid::bigint = $1 AND l.objid::bigint = $2
				AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
				AND pg_has_role(a.usesysid, 'MEMBER')`, migrationLock>>32, migrationLock&0xffffffff)
			select {
			case <-ctx.Done():
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	return func() { cancel(); <-done }
}

// concurrentIndex names the index a statement of a NoTransaction
// migration builds (an unquoted name, so stored in lower case).
var concurrentIndex = regexp.MustCompile(`(?is)^CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+IF\s+NOT\s+EXISTS\s+([a-z_][a-z0-9_]*)\s`)

// runAlone runs a NoTransaction migration's statements one by one. Before
// building an index it drops an INVALID index of that name, which a
// build cut short (a crash, a cancelled start) leaves behind: IF NOT
// EXISTS would otherwise keep it, never used and still written at every
// insert. DROP INDEX CONCURRENTLY does not block inserts either.
func runAlone(ctx context.Context, c *pgx.Conn, m migrate.Migration) error {
	stmts, err := m.Statements()
	if err != nil {
		return err
	}
	for _, s := range stmts {
		if idx := concurrentIndex.FindStringSubmatch(s); idx != nil {
			var invalid bool
			err := c.QueryRow(ctx, `SELECT NOT i.indisvalid FROM pg_index i
				JOIN pg_class x ON x.oid = i.indexrelid
				WHERE x.relname = $1 AND x.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())`, strings.ToLower(idx[1])).Scan(&invalid)
			if err != nil && !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
			if invalid {
				if _, err := c.Exec(ctx, `DROP INDEX CONCURRENTLY IF EXISTS `+pgx.Identifier{strings.ToLower(idx[1])}.Sanitize()); err != nil {
					return fmt.Errorf("dropping the index %s a cut-short build left: %w", strings.ToLower(idx[1]), err)
				}
			}
		}
		if _, err := c.Exec(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

// Close closes the connection pool. It may be called more than once: the
// later calls do nothing and return nil.
func (db *DB) Close() error {
	db.closeOnce.Do(db.pool.Close)
	return nil
}

// failed names the operation op in *err, for an operator's log
// ("postgres: storing signatures: …"). Exported methods defer it, so no
// engine error leaves this package without saying what failed. It wraps
// with %w: errors.Is still finds the store's sentinels (ErrNotFound,
// ErrAlreadySigned) and context.Canceled or DeadlineExceeded.
func failed(err *error, op string) {
	if *err != nil {
		*err = fmt.Errorf("postgres: %s: %w", op, *err)
	}
}

// translate maps driver errors to the store's sentinels where one applies:
// a unique violation (23505) on signatures means already signed.
func translate(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "23505" {
		return fmt.Errorf("%w (%v)", store.ErrAlreadySigned, err)
	}
	return err
}

// addSQL inserts a whole batch and updates the tallies in one statement:
// the arrays are unnested into rows, inserted with ON CONFLICT DO NOTHING
// (a duplicate simply returns no row), and the rows actually inserted are
// summed per campaign into tallies. The tally sums follow the same rule as
// package tally (approved → signatures, approved organisation →
// organisations, pending → pending); the conformance suite checks both
// engines against it. A single statement is its own transaction, and still
// one round trip. It touches no referrals or sources row (see
// store.Store.AddSignatures).
const addSQL = `
WITH input AS (
	SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
		$7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[],
		$14::bool[], $15::text[], $16::timestamptz[], $17::text[], $18::timestamptz[],
		$19::text[], $20::timestamptz[], $21::text[], $22::text[])
		WITH ORDINALITY AS t(org, campaign, action, kind, status, name, email, postcode, country,
			phone, comment, organisation, role, public, consent_text, consent_at, lang, created_at,
			contact_text, contact_at, given_name, family_name, ord)
), ins AS (
	INSERT INTO signatures (org, campaign, action, kind, status, name, email, postcode, country,
		phone, comment, organisation, role, public, consent_text, consent_at, contact_text, contact_at,
		lang, created_at, given_name, family_name)
	SELECT org, campaign, action, kind, status, name, email, postcode, country,
		phone, comment, organisation, role, public, consent_text, consent_at, contact_text, contact_at,
		lang, created_at, given_name, family_name
	FROM input ORDER BY ord
	ON CONFLICT (email, org, campaign) DO NOTHING
	RETURNING id, org, campaign, email, kind, status
), tal AS (
	INSERT INTO tallies AS t (org, campaign, signatures, organisations, pending, revision)
	SELECT org, campaign,
		count(*) FILTER (WHERE status = 'approved'),
		count(*) FILTER (WHERE status = 'approved' AND kind = 'organisation'),
		count(*) FILTER (WHERE status = 'pending'),
		1
	FROM ins GROUP BY org, campaign ORDER BY org, campaign
	ON CONFLICT (org, campaign) DO UPDATE SET
		signatures = t.signatures + excluded.signatures,
		organisations = t.organisations + excluded.organisations,
		pending = t.pending + excluded.pending,
		revision = t.revision + 1
	RETURNING org, campaign
), note AS (
	-- One notification per campaign changed, delivered on commit
	-- (changes.go).
	SELECT pg_notify('placard_tally', org || '/' || campaign) FROM tal
)
-- Each inserted row's id with its place in the arrays, so the caller maps
-- ids back without reading the key strings again.
SELECT ins.id, input.ord FROM ins JOIN input USING (org, campaign, email)
-- A plain SELECT in WITH runs only when referred to: this makes note run.
WHERE (SELECT count(*) FROM note) >= 0`

type sigKey struct{ org, campaign, email string }

// textArray and timeArray are text[] and timestamptz[] arguments that pgx
// encodes without an allocation per element. pgx boxes every element of
// a []string or []time.Time it encodes (Index returns an interface, and a
// time.Time is boxed once more to be wrapped), which was five or six
// allocations per signature; these hand out a pointer-shaped reference
// into the slice instead, which fits in an interface without a box.
type textArray []string

// textRef is one element of a textArray, encoded as text by pgx
// (pgtype.TextValuer).
type textRef struct{ s *string }

// TextValue makes textRef a pgtype.TextValuer.
func (r textRef) TextValue() (pgtype.Text, error) { return pgtype.Text{String: *r.s, Valid: true}, nil }

// Dimensions, Index and IndexType make textArray a pgtype.ArrayGetter.
func (a textArray) Dimensions() []pgtype.ArrayDimension { return dims(len(a)) }

func (a textArray) Index(i int) any { return textRef{&a[i]} }

func (a textArray) IndexType() any { return textRef{} }

// timeArray is a timestamptz[] argument (see textArray); an element that
// is not Valid is sent as NULL.
type timeArray []pgtype.Timestamptz

// timeRef is one element of a timeArray (pgtype.TimestamptzValuer).
type timeRef struct{ t *pgtype.Timestamptz }

// TimestamptzValue makes timeRef a pgtype.TimestamptzValuer.
func (r timeRef) TimestamptzValue() (pgtype.Timestamptz, error) { return *r.t, nil }

// Dimensions, Index and IndexType make timeArray a pgtype.ArrayGetter.
func (a timeArray) Dimensions() []pgtype.ArrayDimension { return dims(len(a)) }

func (a timeArray) Index(i int) any { return timeRef{&a[i]} }

func (a timeArray) IndexType() any { return timeRef{} }

func dims(n int) []pgtype.ArrayDimension {
	return []pgtype.ArrayDimension{{Length: int32(n), LowerBound: 1}}
}

// timestamptz is t as stored: UTC, to the microsecond PostgreSQL keeps.
func timestamptz(t time.Time) pgtype.Timestamptz {
	return pgtype.Timestamptz{Time: t.UTC().Truncate(time.Microsecond), Valid: true}
}

// AddSignatures inserts sigs in one transaction sent as one statement. A
// duplicate (org, campaign, email) — already stored or earlier in sigs —
// is reported as store.ErrAlreadySigned for that entry and changes nothing.
func (db *DB) AddSignatures(ctx context.Context, sigs []*signing.Signature) ([]error, error) {
	return db.AddBatch(ctx, sigs, nil)
}

// AddBatch is AddSignatures that also counts the forms caught by the
// trap in caught, in the same transaction (store.Traps). With caught
// empty it sends exactly AddSignatures' one statement. With no signature
// to insert, the counts are one statement, its own transaction: what a
// caught form costs is what a signature costs. With both, the two
// statements share one explicit transaction (only a batch holding a
// caught form pays for it).
func (db *DB) AddBatch(ctx context.Context, sigs []*signing.Signature, caught []store.Caught) (_ []error, err error) {
	defer failed(&err, "storing signatures")
	results := make([]error, len(sigs))
	if len(sigs) == 0 && len(caught) == 0 {
		return results, nil
	}
	// Duplicates inside the batch are settled here: the first keeps its
	// place, later ones are already signed. Then each key is sent once, so
	// every returned row maps back to exactly one signature.
	first := make(map[sigKey]int, len(sigs))
	order := make([]int, 0, len(sigs))
	for i, s := range sigs {
		// A row the table would refuse is refused here, alone: sent, it
		// would fail the whole statement and land in the server's log
		// (store.CheckSignature).
		if results[i] = store.CheckSignature(s); results[i] != nil {
			continue
		}
		k := sigKey{s.Org, s.Campaign, s.Email}
		if _, dup := first[k]; dup {
			results[i] = store.ErrAlreadySigned
			continue
		}
		first[k] = i
		order = append(order, i)
	}
	// Insert in key order: two instances' batches then take their unique-
	// index locks in the same order and cannot deadlock each other.
	slices.SortFunc(order, func(a, b int) int {
		x, y := sigs[a], sigs[b]
		return cmp.Or(cmp.Compare(x.Email, y.Email), cmp.Compare(x.Org, y.Org), cmp.Compare(x.Campaign, y.Campaign))
	})
	n := len(order)
	if n == 0 {
		if len(caught) > 0 {
			if _, err := db.pool.Exec(ctx, caughtSQL, caughtArgs(caught)...); err != nil {
				return nil, translate(err)
			}
		}
		return results, nil
	}
	// One backing array for the text columns, one for the times: the
	// column order of addSQL's unnest.
	const textCols, timeCols = 18, 3
	texts := make(textArray, textCols*n)
	times := make(timeArray, timeCols*n)
	col := func(c int) textArray { return texts[c*n : (c+1)*n : (c+1)*n] }
	tcol := func(c int) timeArray { return times[c*n : (c+1)*n : (c+1)*n] }
	public := make([]bool, n)
	for j, i := range order {
		s := sigs[i]
		for c, v := range [textCols]string{s.Org, s.Campaign, s.Action, string(s.Kind), string(s.Status),
			s.Name, s.Email, s.Postcode, s.Country, s.Phone, s.Comment, s.Organisation, s.Role,
			s.ConsentText, s.Lang, s.ContactText, s.GivenName, s.FamilyName} {
			texts[c*n+j] = v
		}
		public[j] = s.Public
		times[j], times[n+j] = timestamptz(s.ConsentAt), timestamptz(s.CreatedAt)
		if !s.ContactAt.IsZero() {
			times[2*n+j] = timestamptz(s.ContactAt)
		}
	}
	args := []any{col(0), col(1), col(2), col(3), col(4), col(5), col(6), col(7),
		col(8), col(9), col(10), col(11), col(12), public, col(13), tcol(0), col(14), tcol(1),
		col(15), tcol(2), col(16), col(17)}
	// ids[j] is the id of the signature sent at place j, 0 when it was
	// already stored (ids start at 1).
	ids := make([]int64, n)
	query := addSQL
	if hasOutboxIn(sigs, order) {
		// The messages of the signatures inserted go in the same
		// statement (store.Outbox): still one round trip.
		query, args = addOutboxSQL, appendOutboxArgs(args, sigs, order)
	}
	for try := 0; ; try++ {
		var rows pgx.Rows
		if len(caught) == 0 {
			if rows, err = db.pool.Query(ctx, query, args...); err == nil {
				err = scanIDs(rows, ids)
			}
		} else {
			err = db.addWithCaught(ctx, query, args, ids, caught)
		}
		if err == nil || try > 0 || ctx.Err() != nil || !sessionLost(err) {
			break
		}
		// The session was gone (the server restarted, failed over, or
		// an operator ended it), and so most likely were the pool's
		// other idle sessions: they are dropped together and the batch
		// sent once more on a new one, so its signers are not told
		// "not recorded" while the database is up
		// (TestSignsAfterSessionsEnd).
		clear(ids)
		db.pool.Reset()
		// Had the first COMMIT gone through with its answer lost, the
		// batch is stored — its caught forms counted, its messages
		// queued — and sent again its rows would be answered
		// ErrAlreadySigned: the signer's waiting confirmation queued a
		// second time (a repeat sends it again), the caught forms
		// counted twice. Its rows are recognised by their key and
		// creation time and answered as stored instead
		// (TestBatchInDoubtNotDoubled). Looked for after any lost
		// session: pgx may report a COMMIT whose answer was cut as
		// "conn closed", safe to retry.
		if db.landed(ctx, args, ids) {
			err = nil
			break
		}
		clear(ids)
	}
	// The statement commits when its result is complete; an error here
	// (including one at commit) means nothing was stored.
	if err != nil {
		return nil, translate(err)
	}
	for j, i := range order {
		if ids[j] != 0 {
			sigs[i].ID = ids[j]
		} else {
			results[i] = store.ErrAlreadySigned
		}
	}
	return results, nil
}

// landedSQL finds the rows of addSQL's arguments (org $1, campaign $2,
// email $7, created_at $18) stored with that very creation time: a
// batch's own, stored by an attempt whose answer was lost.
const landedSQL = `SELECT s.id, t.ord
	FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[]) WITH ORDINALITY AS t(org, campaign, email, created_at, ord)
	JOIN signatures s ON s.email = t.email AND s.org = t.org AND s.campaign = t.campaign AND s.created_at = t.created_at`

// landed reports whether an attempt of the batch whose addSQL arguments
// are args was stored after all, filling ids as that attempt's answer
// did. A creation time is the signer's request's, to the microsecond:
// another request's row with the same key and time is not to be had.
// A batch none of whose rows was new cannot be told landed (its caught
// forms may then be counted twice); a failed read says false (the batch
// is sent again, as before).
func (db *DB) landed(ctx context.Context, args []any, ids []int64) bool {
	rows, err := db.pool.Query(ctx, landedSQL, args[0], args[1], args[6], args[17])
	if err != nil || scanIDs(rows, ids) != nil {
		return false
	}
	return slices.ContainsFunc(ids, func(id int64) bool { return id != 0 })
}

// sessionLost reports whether err says the database session itself was
// lost: nothing was sent (pgconn.SafeToRetry), the server ended the
// session (a FATAL error, or class 57P: shut down, crashed, not yet
// accepting connections), or the connection was cut.
func sessionLost(err error) bool {
	if pgconn.SafeToRetry(err) {
		return true
	}
	if pe := (*pgconn.PgError)(nil); errors.As(err, &pe) {
		return pe.Severity == "FATAL" || strings.HasPrefix(pe.Code, "57P")
	}
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)
}

// scanIDs reads addSQL's rows into ids: each inserted signature's id at
// its place in the batch.
func scanIDs(rows pgx.Rows, ids []int64) error {
	var id, ord int64
	// One destination slice for every row: Scan(&id, &ord) would
	// allocate its variadic slice per row.
	dest := []any{&id, &ord}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			rows.Close()
			return err
		}
		if ord < 1 || ord > int64(len(ids)) {
			rows.Close()
			return fmt.Errorf("the database returned place %d for a batch of %d", ord, len(ids))
		}
		ids[ord-1] = id
	}
	rows.Close()
	return rows.Err()
}

// Counts reads the tallies table: one row per campaign that has ever had a
// signature (a campaign whose signatures were all erased reads as zeros),
// ordered by org then campaign.
func (db *DB) Counts(ctx context.Context) ([]signing.Count, error) {
	ts, err := db.Tallies(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]signing.Count, len(ts))
	for i, t := range ts {
		out[i] = t.Count
	}
	return out, nil
}

// Tallies is Counts with each campaign's revision (part of store.Store).
func (db *DB) Tallies(ctx context.Context) (_ []store.Tally, err error) {
	defer failed(&err, "reading tallies")
	rows, err := db.pool.Query(ctx, `SELECT org, campaign, signatures, organisations, pending, revision
		FROM tallies ORDER BY org COLLATE "C", campaign COLLATE "C"`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.Tally, error) {
		var t store.Tally
		var s, o, p int64
		err := r.Scan(&t.Org, &t.Campaign, &s, &o, &p, &t.Revision)
		t.Signatures, t.Organisations, t.Pending = int(s), int(o), int(p)
		return t, err
	})
}

// PublicSigners returns up to limit approved signers of one campaign who
// chose to be shown, newest first.
func (db *DB) PublicSigners(ctx context.Context, org, campaign string, limit int) (_ []signing.PublicSigner, err error) {
	defer failed(&err, "reading public signers")
	if limit <= 0 {
		return nil, nil
	}
	rows, err := db.pool.Query(ctx, `SELECT name, organisation, role, kind, created_at
		FROM signatures
		WHERE org = $1 AND campaign = $2 AND public AND status = 'approved'
		ORDER BY id DESC LIMIT $3`, org, campaign, limit)
	if err != nil {
		return nil, err
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (signing.PublicSigner, error) {
		var p signing.PublicSigner
		var kind string
		err := r.Scan(&p.Name, &p.Organisation, &p.Role, &kind, &p.CreatedAt)
		p.Kind, p.CreatedAt = signing.Kind(kind), p.CreatedAt.UTC()
		return p, err
	})
	if len(out) == 0 {
		out = nil
	}
	return out, err
}

// Organisations returns one campaign's approved organisations, oldest
// first; the partial index signatures_approved_orgs holds only those rows.
func (db *DB) Organisations(ctx context.Context, org, campaign string) (_ []signing.Signature, err error) {
	defer failed(&err, "reading a campaign's organisations")
	rows, err := db.pool.Query(ctx, `SELECT id, action, name, organisation, role, public, created_at
		FROM signatures
		WHERE org = $1 AND campaign = $2 AND kind = 'organisation' AND status = 'approved'
		ORDER BY id`, org, campaign)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (signing.Signature, error) {
		s := signing.Signature{Org: org, Campaign: campaign, Kind: signing.KindOrganisation, Status: signing.StatusApproved}
		err := r.Scan(&s.ID, &s.Action, &s.Name, &s.Organisation, &s.Role, &s.Public, &s.CreatedAt)
		s.CreatedAt = s.CreatedAt.UTC()
		return s, err
	})
}

// Signatures calls fn for each of one campaign's signatures with the given
// status ("" for all), oldest first, streaming rows from one snapshot.
func (db *DB) Signatures(ctx context.Context, org, campaign string, status signing.Status, fn func(*signing.Signature) error) (err error) {
	fnFailed := false // fn's own error goes back as it came
	defer func() {
		if !fnFailed {
			failed(&err, "reading signatures")
		}
	}()
	rows, err := db.pool.Query(ctx, `SELECT `+signatureColumns+`
		FROM signatures
		WHERE org = $1 AND campaign = $2 AND ($3 = '' OR status = $3)
		ORDER BY id`, org, campaign, string(status))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		s, err := scanSignature(rows)
		if err != nil {
			return err
		}
		if err := fn(&s); err != nil {
			fnFailed = true
			return err
		}
	}
	return rows.Err()
}

// signatureColumns are the columns scanSignature reads, in its order.
const signatureColumns = `id, org, campaign, action, kind, status, name, email,
		postcode, country, phone, comment, organisation, role, public, consent_text, consent_at,
		contact_text, contact_at, lang, created_at, given_name, family_name`

// scanSignature reads the row rows is on, selected as signatureColumns.
func scanSignature(rows pgx.Rows) (s signing.Signature, err error) {
	var kind, st string
	var contactAt *time.Time
	if err := rows.Scan(&s.ID, &s.Org, &s.Campaign, &s.Action, &kind, &st, &s.Name, &s.Email,
		&s.Postcode, &s.Country, &s.Phone, &s.Comment, &s.Organisation, &s.Role, &s.Public,
		&s.ConsentText, &s.ConsentAt, &s.ContactText, &contactAt, &s.Lang, &s.CreatedAt,
		&s.GivenName, &s.FamilyName); err != nil {
		return s, err
	}
	s.Kind, s.Status = signing.Kind(kind), signing.Status(st)
	if contactAt != nil {
		s.ContactAt = contactAt.UTC()
	}
	s.ConsentAt, s.CreatedAt = s.ConsentAt.UTC(), s.CreatedAt.UTC()
	return s, nil
}

// applyDeltas adds ds to the tallies and notifies each campaign's change
// (changes.go), in tx.
func applyDeltas(ctx context.Context, tx pgx.Tx, ds *tally.Deltas) error {
	var keys []string
	err := ds.Each(func(k tally.Key, d tally.Delta) error {
		keys = append(keys, k.Org+"/"+k.Campaign)
		_, err := tx.Exec(ctx, `INSERT INTO tallies AS t (org, campaign, signatures, organisations, pending, revision)
			VALUES ($1, $2, $3, $4, $5, 1)
			ON CONFLICT (org, campaign) DO UPDATE SET
				signatures = t.signatures + excluded.signatures,
				organisations = t.organisations + excluded.organisations,
				pending = t.pending + excluded.pending,
				revision = t.revision + 1`,
			k.Org, k.Campaign, d.Signatures, d.Organisations, d.Pending)
		return err
	})
	if err != nil || len(keys) == 0 {
		return err
	}
	_, err = tx.Exec(ctx, notifySQL, keys)
	return err
}

// knownStatus refuses a status the signatures table's CHECK would
// refuse: the server logs a failed CHECK with the whole row ("Failing row
// contains (…, the signer's name, address, …)"), so it must never be the
// one to say no.
func knownStatus(s signing.Status) error {
	switch s {
	case signing.StatusApproved, signing.StatusPending, signing.StatusRejected, signing.StatusUnconfirmed:
		return nil
	}
	return fmt.Errorf("%q is not a signature's status", string(s))
}

// SetStatus moves signature id to status, adjusting its campaign's tally in
// the same transaction.
func (db *DB) SetStatus(ctx context.Context, id int64, status signing.Status) (err error) {
	defer failed(&err, "setting a signature's status")
	if err := knownStatus(status); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		// The lock its UPDATE takes, taken before the row: reading the row
		// FOR UPDATE alone takes one an erasure's lockSigning does not wait
		// for, and the UPDATE would then wait for the erasure while the
		// erasure's DELETE waited for the row (a deadlock). Now the one
		// that comes second waits for the first to commit.
		if _, err := tx.Exec(ctx, `LOCK TABLE signatures IN ROW EXCLUSIVE MODE`); err != nil {
			return err
		}
		var org, campaign, kind, old string
		err := tx.QueryRow(ctx, `SELECT org, campaign, kind, status FROM signatures WHERE id = $1 FOR UPDATE`, id).
			Scan(&org, &campaign, &kind, &old)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		// Approving a removed campaign's signature is refused as Decide
		// refuses it (store.ErrRemovedCampaign), nothing changed.
		if status == signing.StatusApproved && old != string(status) {
			if err := notRemoved(ctx, tx, org, campaign, map[store.CampaignName]bool{}); err != nil {
				return err
			}
		}
		if moderating != nil {
			moderating()
		}
		if _, err := tx.Exec(ctx, `UPDATE signatures SET status = $1 WHERE id = $2`, string(status), id); err != nil {
			return err
		}
		var ds tally.Deltas
		k := signing.Kind(kind)
		ds.Add(tally.Key{Org: org, Campaign: campaign}, tally.Of(k, status).Sub(tally.Of(k, signing.Status(old))))
		return applyDeltas(ctx, tx, &ds)
	})
}

// Erase deletes every signature with email on every campaign, adjusting the
// tallies in the same transaction, and returns how many were deleted.
func (db *DB) Erase(ctx context.Context, email string) (int, error) {
	return db.EraseTold(ctx, email, nil)
}

// EraseTold is Erase queueing what tell returns in the erasure's own
// transaction (store.Erasures).
func (db *DB) EraseTold(ctx context.Context, email string, tell store.TellErased) (_ int, err error) {
	defer failed(&err, "erasing signatures")
	key, err := db.Secret(ctx) // for the keyed hash of outreach senders
	if err != nil {
		return 0, err
	}
	n := 0
	var ev store.QuarantineEvent
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		ev = store.QuarantineEvent{}
		if err := lockSigning(ctx, tx); err != nil {
			return err
		}
		erased, err := erasedRows(ctx, tx, tell, "email = $1", email) // tell.go
		if err != nil {
			return err
		}
		// The address's unsubscriptions stay, as their keyed hash alone
		// (store.Mail.Suppress): erased, it must not be mailed again.
		ds, k, err := deleteSignatures(ctx, tx, "email = $1", email)
		if err != nil {
			return err
		}
		n = k
		if erasing != nil {
			erasing()
		}
		if err := eraseOrganisers(ctx, tx, email); err != nil { // accounts.go
			return err
		}
		// The address's undelivered messages go too (store.Outbox),
		// bundled ones taken apart first (bundle.go), and every damaged
		// bundle that may hold the address (quarantine.go).
		if err := unbundle(ctx, tx, 0, &ev); err != nil {
			return err
		}
		if _, err := dropQuarantined(ctx, tx, &ev, email); err != nil {
			return err
		}
		if _, erased.until, err = deleteMessages(ctx, tx, "email = $1", email); err != nil { // tell.go
			return err
		}
		if err := eraseSender(ctx, tx, key, email); err != nil {
			return err
		}
		// And the inbox's pace row (mailpace.go): erased, nothing is kept of it.
		if err := erasePace(ctx, tx, key, email); err != nil {
			return err
		}
		if err := queueErased(ctx, tx, tell, erased); err != nil {
			return err
		}
		if err := applyDeltas(ctx, tx, &ds); err != nil {
			return err
		}
		// Last: the rewrites this erasure owes (rewrites.go), the
		// console's tables among them (accounts.go).
		return owe(ctx, tx, wipeTables, organiserTables)
	})
	if err != nil {
		return 0, err
	}
	db.quarantined(ev)
	return n, db.rewrite(ctx)
}

// moderating, set only by tests, runs inside SetStatus's transaction
// once it has read the signature and before it updates it
// (TestModerationBesideErasure).
var moderating func()

// purging, set only by tests, runs inside Purge's transaction once it
// has deleted the campaign's rows and before it commits
// (TestCreditBesidePurge).
var purging func()

// erasing, set only by tests, runs inside an erasure's transaction once
// the signatures are deleted and before their messages are: where a
// signing batch committing would have split a signature from its
// messages (TestEraseSigningRace).
var erasing func()

// An erasure removes the bytes of deleted rows from the data files after
// it commits (rewrite, rewrites.go). DELETE only marks a row dead; VACUUM
// FULL rewrites the table, its TOAST table and every index into new files
// holding only live rows, and the old files are truncated when it commits.
// (A plain VACUUM frees the space but leaves the bytes in it.) It cannot
// run inside a transaction, and it holds an exclusive lock on signatures
// while it copies the table, so signing waits for it: a few seconds for a
// million signatures. Each deletion owes the rewrite in its transaction
// (owe), so one that fails is made later (store.Rewrites).

// Secret returns the installation's 32-byte key from the settings table,
// creating it on first use (randomSetting).
func (db *DB) Secret(ctx context.Context) (_ []byte, err error) {
	defer failed(&err, "reading the secret key")
	return db.randomSetting(ctx, "secret")
}

// Purge deletes every signature of one campaign, keeping its counts (see
// store.Store), with every undelivered message of the campaign (pending
// or dead, bundled or not: contact letters are messages of a campaign
// without a signature) and the keyed hashes of who wrote to its
// decision-makers, its personal links and per-source counts
// (purgeReach), and its mail's counts and drip slots (purgeMail), in one
// transaction, then wipes like Erase when anything
// of the campaign went. A campaign that holds nothing (the purge
// command goes over every closed one) changes nothing, other campaigns'
// bundled messages included, and is not wiped (RunPurgeQuiet).
func (db *DB) Purge(ctx context.Context, org, campaign string) (_ int, err error) {
	defer failed(&err, "purging a campaign's signatures")
	n := 0
	var more, reach int64
	var ev store.QuarantineEvent
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		more, reach = 0, 0
		ev = store.QuarantineEvent{}
		if err := lockSigning(ctx, tx); err != nil {
			return err
		}
		var pending int
		err := tx.QueryRow(ctx, `WITH gone AS (
				DELETE FROM signatures WHERE org = $1 AND campaign = $2 RETURNING status
			)
			SELECT count(*), count(*) FILTER (WHERE status = 'pending') FROM gone`, org, campaign).Scan(&n, &pending)
		if err != nil {
			return err
		}
		// The campaign's undelivered messages go too (store.Outbox), the
		// bundles holding any taken apart first, and only those
		// (bundle.go). Its messages found there count (those of its
		// deleted signatures are dropped there, and the bundles' old
		// tuples must be wiped); other campaigns' messages rewritten as
		// rows do not.
		found, err := unbundleCampaign(ctx, tx, org, campaign, &ev)
		if err != nil {
			return err
		}
		more += int64(found)
		// And every damaged bundle that may hold the campaign's messages
		// (quarantine.go).
		removed, err := dropQuarantined(ctx, tx, &ev, org, campaign)
		if err != nil {
			return err
		}
		// A removed campaign's, under its slug (quarantine.go).
		keptApart, err := dropQuarantinedKeptApart(ctx, tx, &ev, org, campaign)
		if err != nil {
			return err
		}
		removed += keptApart
		more += removed
		tag, err := tx.Exec(ctx, `DELETE FROM outbox WHERE org = $1 AND campaign = $2`, org, campaign)
		if err != nil {
			return err
		}
		more += tag.RowsAffected()
		if tag, err = tx.Exec(ctx, `DELETE FROM outreach_senders WHERE org = $1 AND campaign = $2`, org, campaign); err != nil {
			return err
		}
		more += tag.RowsAffected()
		// And what its signing brought: its personal links' rows and its
		// per-source counts (purgeReach).
		if reach, err = purgeReach(ctx, tx, org, campaign); err != nil {
			return err
		}
		more += reach
		// And its mail's own rows (purgeMail).
		gone, err := purgeMail(ctx, tx, org, campaign)
		if err != nil {
			return err
		}
		more += gone
		if purging != nil {
			purging()
		}
		if n == 0 && more == 0 {
			return nil
		}
		if n > 0 {
			var ds tally.Deltas
			ds.Add(tally.Key{Org: org, Campaign: campaign}, tally.Delta{Pending: -pending})
			if err := applyDeltas(ctx, tx, &ds); err != nil {
				return err
			}
		}
		// Last: the rewrites it owes (rewrites.go). The personal links'
		// and sources' tables only when it deleted rows of them (reach):
		// an erasure deletes none (they name no signer) and does not
		// pay for their rewrite.
		if reach > 0 {
			return owe(ctx, tx, wipeTables, reachTables)
		}
		return owe(ctx, tx, wipeTables)
	})
	if err != nil {
		return 0, err
	}
	db.quarantined(ev)
	if n == 0 && more == 0 {
		return 0, nil
	}
	return n, db.rewrite(ctx)
}

// purgeMail deletes campaign org/campaign's confirmations given up
// unsent (mail_unsent: a count for the console, not the page's) and its
// letters' drip slots (outreach_drip and its domains' counts,
// outreach_drip_domains: they counted letters the purge deletes unsent;
// outreach_held: the inboxes whose letters were held back;
// outreach_waiting: the inboxes of its letters waiting), its
// signatures refused as sent (signatures_refused: a count for the
// console too) and its forms caught by the trap (bots_caught: likewise) in tx, returning how many rows went: a
// purged campaign keeps only its page's counts (storetest
// PurgeMailCounts).
func purgeMail(ctx context.Context, tx pgx.Tx, org, campaign string) (int64, error) {
	var n int64
	for _, table := range []string{"mail_unsent", "outreach_drip", "outreach_drip_domains", "outreach_held", "outreach_waiting", "signatures_refused", "bots_caught"} {
		tag, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE org = $1 AND campaign = $2`, org, campaign)
		if err != nil {
			return n, err
		}
		n += tag.RowsAffected()
	}
	return n, nil
}

// purgeReach deletes campaign org/campaign's personal links (the rows
// their credits made, legacy links' too) and its per-source counts in tx,
// returning how many rows went: a purged campaign keeps its tallies,
// nothing of where its signers came from or who brought them.
func purgeReach(ctx context.Context, tx pgx.Tx, org, campaign string) (int64, error) {
	var n int64
	// In AddCredits' order (sources, then referrals), so a purge beside
	// a credit flush waits for it instead of each holding a row the
	// other waits for (TestPurgeBesideCredits).
	for _, table := range []string{"sources", "referrals"} {
		tag, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE org = $1 AND campaign = $2`, org, campaign)
		if err != nil {
			return n, err
		}
		n += tag.RowsAffected()
	}
	return n, nil
}

// lockSigning takes, for the rest of tx, a lock on signatures that no
// signing batch, confirmation or moderation can share (theirs is ROW
// EXCLUSIVE), nor another erasure, once those under way have committed
// (SHARE ROW EXCLUSIVE: SHARE, which erasures could share, let two of them
// each wait for the other's lock to delete, a deadlock PostgreSQL ended
// by aborting one; TestErasuresTogether). Every erasure
// (Erase, EraseIn, Purge, eraseWhere) takes it first, so none of its statements
// can see a batch the others miss: under READ COMMITTED each statement
// reads what has committed when it starts, and a batch committing
// between the deletion of the signatures and that of the messages kept
// its signature while its confirmation was deleted (or, had the bundles
// been taken apart before it, kept an erased address's message). A
// batch that arrives during the erasure waits for it, a few
// milliseconds, and is then a signature made after it; so does another
// erasure, which then erases after it. Readers are not held up; VACUUM
// FULL, after the transaction, holds signatures longer.
func lockSigning(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `LOCK TABLE signatures IN SHARE ROW EXCLUSIVE MODE`)
	return err
}

// deleteSignatures deletes the signatures matching where (a condition on
// the signatures table with $n placeholders for args) in tx and returns the
// tally deltas their removal makes and how many went. Erase, EraseIn and
// the supporter's own erasure share it.
func deleteSignatures(ctx context.Context, tx pgx.Tx, where string, args ...any) (tally.Deltas, int, error) {
	rows, err := tx.Query(ctx, `DELETE FROM signatures WHERE `+where+` RETURNING org, campaign, kind, status`, args...)
	if err != nil {
		return tally.Deltas{}, 0, err
	}
	defer rows.Close()
	var ds tally.Deltas
	n := 0
	for rows.Next() {
		var org, campaign, kind, status string
		if err := rows.Scan(&org, &campaign, &kind, &status); err != nil {
			return tally.Deltas{}, 0, err
		}
		ds.Add(tally.Key{Org: org, Campaign: campaign}, tally.Delta{}.Sub(tally.Of(signing.Kind(kind), signing.Status(status))))
		n++
	}
	return ds, n, rows.Err()
}
