// Package sqlite is the embedded Store engine: one SQLite file (by default
// under ./placard-data/), written through a single connection and read
// through a small pool, with every acknowledged write durable on disk.
//
// Throughput comes from group commit (store.Committer), not from relaxing
// durability: a batch of signatures costs one transaction and one fsync.
package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/internal/migrate"
	"github.com/placard/placard/internal/store/internal/tally"
)

//go:embed migrations/*.sql
var migrations embed.FS

// driverName is the database/sql driver Open uses: modernc.org/sqlite's.
// A test may name a wrapper of it (budget_internal_test.go counts the
// statements the writer runs).
var driverName = "sqlite"

// timeLayout is how times are stored: UTC, fixed width so text order is
// time order, microseconds like PostgreSQL so both engines keep one value.
const timeLayout = "2006-01-02T15:04:05.000000Z"

// DB is a SQLite-backed store.Store. It is safe for concurrent use, and
// several processes may open the same file (the CLI while serve runs): SQLite
// serialises their writers through the file lock and busy_timeout.
type DB struct {
	// w is the only connection that writes. SQLite allows one writer at a
	// time anyway; owning it in one connection means writers queue in Go
	// instead of spinning on SQLITE_BUSY.
	w *sql.DB
	// r is a pool of read-only connections. In WAL mode readers see the last
	// committed state and never block, or are blocked by, the writer.
	r *sql.DB
	// c is the background checkpointer's connection.
	c *sql.DB
	// ckMu keeps the checkpointer's PASSIVE checkpoints and an erasure's
	// TRUNCATE checkpoint apart: SQLite lets one checkpoint run at a time
	// and answers the second busy at once, without waiting.
	ckMu sync.Mutex

	stop, stopped chan struct{} // stop the checkpointer; closed when it has

	stmtMu sync.Mutex
	stmts  map[stmtKey]*sql.Stmt // the writer's prepared statements (insertStmt, prepared)

	claims   claimed  // claim nonces already opened (claims.go)
	watchers watchers // Changes channels (changes.go)

	onQuarantine store.QuarantineHook // OnQuarantine's (quarantine.go)

	openRewrite store.RenormaliseResult // what Open's address rewrites did (emailforms.go)

	closeOnce sync.Once // Close does its work once; later calls return nil
}

var _ store.Store = (*DB)(nil)

// Open opens (creating if needed) the database file at path and brings its
// schema up to date. The folder must exist; a new file is created with mode
// 0600. The caller must Close the DB.
func Open(ctx context.Context, path string) (*DB, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("database path %q: %w", path, err)
	}
	if err := checkWritable(abs, path); err != nil { // writable.go
		return nil, err
	}
	// Signatures are personal data: create the file readable by its owner
	// only (SQLite gives the -wal and -shm files the same mode), rather than
	// whatever the umask allows.
	if f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
		f.Close()
	} else if !errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("creating database %s: %w", path, err)
	}
	// The DSN is a file: URI, where ?, # and % in the path would be read as
	// query, fragment and escapes: escape them so the file opened is the
	// file named.
	uri := "file:" + strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(abs)
	// The pragmas are per connection, so they go in the DSN, which the
	// driver applies to every connection it opens.
	pragmas := []string{
		// Wait up to 10 s for another process's write lock (the CLI
		// approving signatures while serve runs) instead of failing at once.
		"busy_timeout(10000)",
		// Write-ahead log: readers never block the writer nor the writer
		// readers, and a commit is one sequential append plus one fsync.
		// (Persistent in the file; setting it on every connection is a no-op
		// after the first.)
		"journal_mode(WAL)",
		// FULL: fsync the WAL at every commit, so a commit that returned is on
		// disk and survives power loss. NORMAL would be faster and is NOT
		// durable in WAL mode; acknowledging a signature means it is kept.
		"synchronous(FULL)",
		// Enforce foreign keys should a later migration add any; SQLite
		// leaves them off by default for compatibility.
		"foreign_keys(1)",
		// Temporary b-trees (sorting for ORDER BY) in memory, not temp files.
		"temp_store(MEMORY)",
		// Overwrite deleted content with zeros — erased and purged
		// signatures, and the old copy of a row rewritten by moderation —
		// instead of leaving it in free space and freelist pages of the
		// file. Set on every connection: it is per connection, and a
		// connection without it would leave bytes behind.
		"secure_delete(ON)",
	}
	// Only the writer connection gets these.
	writerPragmas := []string{
		// Checkpoints (copying WAL pages back into the database file, with
		// an fsync of the file) normally run inside whichever commit pushes
		// the WAL past 1,000 pages, stalling that batch's signers. Here a
		// background goroutine checkpoints instead (see checkpointer); the
		// writer checkpoints itself only past 3,000 pages (12 MiB). Under
		// a sustained burst the background one never quite empties the
		// WAL (commits keep arriving while it copies), so this backstop is
		// what restarts the WAL, and its size is the stall a batch feels
		// when it does: 10,000 pages put signing's p99 at 28-30 ms on 20 s
		// of bench/sign.sh, 3,000 at 22.5 ms and 2,000 at 19 ms, for the
		// same CPU per signature and 4.5% and 9% fewer signatures a second.
		"wal_autocheckpoint(3000)",
		// Once a checkpoint has emptied the WAL, cut the file back to 64 MiB
		// rather than keeping its largest size forever.
		"journal_size_limit(67108864)",
		// Up to 32 MiB of pages cached (SQLite's default is 2 MiB). Each
		// signature lands at a random place of the index keyed by its
		// address (and a credited link at one keyed by its token); with the
		// default cache those leaf
		// pages fell out between batches and were read back, a pread each
		// (measured: 2.2 -> 1.3 read calls per signature on 20,000 stored,
		// BenchmarkSigningWrites). Only the writer gets it: it alone walks
		// those indexes on every batch, and the memory is used only as the
		// file grows.
		"cache_size(-32768)",
	}
	q := url.Values{}
	for _, p := range append(pragmas, writerPragmas...) {
		q.Add("_pragma", p)
	}
	// BEGIN IMMEDIATE: a write transaction takes the write lock when it
	// starts, so it waits (busy_timeout) at BEGIN rather than failing with
	// SQLITE_BUSY half-way through when a reader tries to upgrade.
	q.Set("_txlock", "immediate")
	wdsn := uri + "?" + q.Encode()

	rq := url.Values{}
	for _, p := range pragmas {
		rq.Add("_pragma", p)
	}
	// Readers can never write by mistake, so the single-writer rule holds
	// by construction.
	rq.Add("_pragma", "query_only(1)")
	rdsn := uri + "?" + rq.Encode()
	cq := url.Values{}
	for _, p := range pragmas {
		cq.Add("_pragma", p)
	}
	cdsn := uri + "?" + cq.Encode()

	w, err := sql.Open(driverName, wdsn)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	// One writer connection, kept open forever: SQLite has one writer, and
	// a long-lived connection keeps its prepared statements and page cache.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)

	db := &DB{w: w}
	if err := db.migrateRetrying(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("preparing database %s: %w", path, err)
	}
	if err := db.renormaliseOnce(ctx); err != nil { // emailforms.go
		w.Close()
		return nil, fmt.Errorf("rewriting stored email addresses in their current form in database %s: %w", path, err)
	}
	if err := db.scrubOnce(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("clearing old deleted content from database %s: %w", path, err)
	}

	r, err := sql.Open(driverName, rdsn)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	// A few readers: enough for page renders and exports to overlap on a
	// small machine, few enough to keep memory small.
	n := max(4, runtime.NumCPU())
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db.r = r

	// The checkpointer's own connection: a PASSIVE checkpoint needs no
	// write lock, so it runs beside the writer's commits, not inside them.
	c, err := sql.Open(driverName, cdsn)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	c.SetMaxOpenConns(1)
	db.c = c
	db.stop, db.stopped = make(chan struct{}), make(chan struct{})
	go db.checkpointer()
	return db, nil
}

// scrubOnce rewrites the file once in its life (VACUUM), the first time
// this version opens it. A file written before secure_delete was turned on
// still holds, in free pages and the free space of pages, the bytes of
// signatures erased or rewritten back then; secure_delete only clears what
// is deleted from now on, so without this an erasure done before the
// upgrade would never reach the disk. VACUUM copies only live rows into a
// fresh file (its temporary copy in a temporary file, not memory: the file
// may be large), and the TRUNCATE checkpoint empties the WAL. A settings
// row records that it was done.
func (db *DB) scrubOnce(ctx context.Context) error {
	var n int
	if err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM settings WHERE key = 'scrubbed'`).Scan(&n); err != nil || n > 0 {
		return err
	}
	for _, q := range []string{`PRAGMA temp_store = FILE`, `VACUUM`, `PRAGMA temp_store = MEMORY`} {
		if _, err := db.w.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	if _, err := db.w.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('scrubbed', ?)
		ON CONFLICT (key) DO NOTHING`, []byte(time.Now().UTC().Format(timeLayout))); err != nil {
		return err
	}
	return db.wipe(ctx)
}

// checkpointInterval is how often the background checkpointer runs. At
// the highest rates measured here the WAL grows by tens of MiB a second,
// so a fifth of a second keeps most of it copied back before the writer's
// 3,000-page backstop restarts it.
const checkpointInterval = 200 * time.Millisecond

// checkpointer copies committed WAL pages into the database file every
// checkpointInterval with a PASSIVE checkpoint, which never blocks the
// writer or readers. Durability does not depend on it: a commit is durable
// once its WAL frames are fsynced; checkpoints only keep the WAL short.
func (db *DB) checkpointer() {
	defer close(db.stopped)
	t := time.NewTicker(checkpointInterval)
	defer t.Stop()
	for {
		select {
		case <-db.stop:
			return
		case <-t.C:
			db.passiveCheckpoint()
		}
	}
}

// passiveCheckpoint is one tick of the checkpointer. Errors (SQLITE_BUSY
// while another process checkpoints) are harmless: the next tick tries
// again.
func (db *DB) passiveCheckpoint() {
	db.ckMu.Lock()
	defer db.ckMu.Unlock()
	db.c.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
}

// migrateRetrying runs migrate, trying again for up to openBusyWait while
// another process opening the same new file at the same moment holds it.
// busy_timeout covers most waits, but not all: the first connections to a
// new file switch it to WAL, which needs the file to themselves, and SQLite
// answers a connection that would otherwise deadlock busy at once instead
// of waiting (seen with four Opens at once: TestConcurrentOpen).
func (db *DB) migrateRetrying(ctx context.Context) error {
	deadline := time.Now().Add(openBusyWait)
	for {
		err := db.migrate(ctx)
		var se *sqlite.Error
		if err == nil || !errors.As(err, &se) || se.Code()&0xff != sqlite3.SQLITE_BUSY || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// openBusyWait is how long Open keeps trying to prepare a file that
// another process is preparing at the same time: busy_timeout's 10 s.
const openBusyWait = 10 * time.Second

// migrate applies the embedded migrations not yet recorded in
// schema_migrations, all in one immediate transaction: two processes opening
// a new file at once serialise on the write lock, and the second sees the
// first's work.
func (db *DB) migrate(ctx context.Context) error {
	ms, err := migrate.Load(migrations, "migrations")
	if err != nil {
		return err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at TEXT NOT NULL
	)`); err != nil {
		return err
	}
	done := map[int]bool{}
	var applied []migrate.Applied
	rows, err := tx.QueryContext(ctx, `SELECT version, name FROM schema_migrations`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var a migrate.Applied
		if err := rows.Scan(&a.Version, &a.Name); err != nil {
			rows.Close()
			return err
		}
		done[a.Version] = true
		applied = append(applied, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	// A file a newer placard upgraded is refused before anything is
	// written to it (the transaction rolls back).
	if err := migrate.CheckKnown(ms, applied); err != nil {
		return err
	}
	for _, m := range ms {
		if done[m.Version] {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
			m.Version, m.Name, formatTime(time.Now())); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// Close stops the checkpointer and closes the connections. The last
// connection to close checkpoints the WAL into the database file. It may
// be called more than once: the later calls do nothing and return nil.
func (db *DB) Close() error {
	var err error
	db.closeOnce.Do(func() { err = db.close() })
	return err
}

// close stops the checkpointer and closes the statements and pools; Close
// runs it once, since closing the stop channel twice would panic.
func (db *DB) close() error {
	if db.stop != nil {
		close(db.stop)
		<-db.stopped
	}
	db.stmtMu.Lock()
	for _, st := range db.stmts {
		st.Close()
	}
	db.stmts = nil
	db.stmtMu.Unlock()
	var errR, errC error
	if db.r != nil {
		errR = db.r.Close()
	}
	if db.c != nil {
		errC = db.c.Close()
	}
	return errors.Join(errR, errC, db.w.Close())
}

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// formatOptTime is formatTime with "" for the zero time (no such moment).
func formatOptTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return formatTime(t)
}

func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}

// failed names the operation op in *err, for an operator's log
// ("sqlite: storing signatures: …"). Exported methods defer it, so no
// engine error leaves this package without saying what failed. It wraps
// with %w: errors.Is still finds the store's sentinels (ErrNotFound,
// ErrAlreadySigned) and context.Canceled or DeadlineExceeded.
func failed(err *error, op string) {
	if *err != nil {
		*err = fmt.Errorf("sqlite: %s: %w", op, *err)
	}
}

// translate maps driver errors to the store's sentinels where one applies.
func translate(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE {
		return fmt.Errorf("%w (%v)", store.ErrAlreadySigned, err)
	}
	return err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// insertChunk caps the rows of one multi-row INSERT: 22 parameters a row
// stays far below SQLite's 32,766-parameter limit.
const insertChunk = 128

// insertRow is one row of insertSQL. The columns most signatures leave
// empty (postcode, country, phone, comment, organisation, role, the
// contact sentence and time, the name's parts) are sent as NULL for ""
// and stored as empty strings (orNil): the driver copies every text argument into
// SQLite's memory, one C allocation and free each, even an empty one, and
// ten of a row's 22 arguments are usually empty.
const insertRow = "(?,?,?,?,?,?,?,COALESCE(?,''),COALESCE(?,''),COALESCE(?,''),COALESCE(?,''),COALESCE(?,''),COALESCE(?,'')," +
	"?,?,?,COALESCE(?,''),COALESCE(?,''),?,?,COALESCE(?,''),COALESCE(?,''))"

// orNil is s as a statement argument, nil for "" (see insertRow).
func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// insertSQL returns the multi-row INSERT for n rows. Duplicates, stored or
// not, are skipped by ON CONFLICT DO NOTHING; chunkIDs tells which rows
// went in and their ids (RETURNING them cost an allocation per value and
// a temporary table per statement).
func insertSQL(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO signatures
		(org, campaign, action, kind, status, name, email, postcode, country, phone, comment,
		 organisation, role, public, consent_text, consent_at, contact_text, contact_at, lang, created_at,
		 given_name, family_name) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(insertRow)
	}
	b.WriteString(` ON CONFLICT (email, org, campaign) DO NOTHING`)
	return b.String()
}

// chunkIDs sets ids[i] for the signatures of chunk (indexes into sigs)
// that one insertSQL stored: n rows, the last with id last. The writer
// holds the write lock, and AUTOINCREMENT gives a statement's rows
// consecutive ids in VALUES order, so when all of chunk went in (nearly
// always: a repeat signature is rare) they have ids last-n+1 to last.
// Otherwise a skipped row used up an id too, so each signature's row is
// looked up by its key: the n rows with the highest ids are the new ones
// (every row stored before has a lower id than any this statement made),
// the others were there already.
func chunkIDs(ctx context.Context, tx *sql.Tx, sigs []*signing.Signature, chunk []int, n, last int64, ids []int64) error {
	switch {
	case n == 0:
		return nil
	case n == int64(len(chunk)):
		for j, i := range chunk {
			ids[i] = last - n + 1 + int64(j)
		}
		return nil
	}
	st, err := tx.PrepareContext(ctx, `SELECT id FROM signatures WHERE email = ? AND org = ? AND campaign = ?`)
	if err != nil {
		return err
	}
	defer st.Close()
	type found struct {
		i  int
		id int64
	}
	rows := make([]found, 0, len(chunk))
	for _, i := range chunk {
		s := sigs[i]
		var id int64
		if err := st.QueryRowContext(ctx, s.Email, s.Org, s.Campaign).Scan(&id); err != nil {
			return err
		}
		rows = append(rows, found{i, id})
	}
	slices.SortFunc(rows, func(a, b found) int { return cmp.Compare(b.id, a.id) })
	if rows[0].id != last {
		return fmt.Errorf("the last row stored, %d, is none of the batch's signatures", last)
	}
	for _, r := range rows[:n] {
		ids[r.i] = r.id
	}
	return nil
}

type sigKey struct{ email, org, campaign string }

// addScratch is AddSignatures' working memory for one batch, kept in
// addScratchPool between batches: a batch of 64 signatures allocated about
// 20 KiB of it (the INSERT's arguments alone are 22 per row), all garbage
// as soon as the batch committed.
type addScratch struct {
	first map[sigKey]int
	order []int
	ids   []int64
	args  []any
}

var addScratchPool = sync.Pool{New: func() any { return &addScratch{first: map[sigKey]int{}} }}

// release empties sc — its map and arguments hold signers' addresses and
// names — and puts it back in the pool.
func (sc *addScratch) release() {
	clear(sc.first)
	clear(sc.args[:cap(sc.args)])
	sc.args = sc.args[:0]
	sc.order = sc.order[:0]
	addScratchPool.Put(sc)
}

// repeated boxes a string as a statement argument, reusing the box while
// the same string comes again (boxing a string allocates).
type repeated struct {
	s   string
	arg any
}

func (r *repeated) box(s string) any {
	if r.arg == nil || r.s != s {
		r.s, r.arg = s, s
	}
	return r.arg
}

// contactArg is the contact sentence's argument: boxed once while it
// repeats, nil when there is none (see insertRow).
func contactArg(r *repeated, s string) any {
	if s == "" {
		return nil
	}
	return r.box(s)
}

// repeatedTime is repeated for stored times: it formats and boxes a time
// once while the same time comes again.
type repeatedTime struct {
	t   time.Time
	arg any
}

func (r *repeatedTime) box(t time.Time) any {
	if r.arg == nil || !r.t.Equal(t) {
		r.t, r.arg = t, formatTime(t)
	}
	return r.arg
}

// boxOpt is box with nil for the zero time (stored empty, formatOptTime;
// see insertRow).
func (r *repeatedTime) boxOpt(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return r.box(t)
}

// stmtKey names one of the writer's prepared statements: a kind of
// statement and, for multi-row INSERTs, its row count.
type stmtKey struct {
	kind stmtKind
	n    int
}

type stmtKind uint8

const (
	stmtInsertSignatures stmtKind = iota // insertSQL(n)
	stmtAddTally                         // tallySQL
	stmtInsertOutbox                     // outboxInsertSQL (outbox.go)
	stmtInsertBundle                     // bundleInsertSQL (bundle.go)
	stmtAddCaught                        // caughtSQL (caught.go)
)

// prepared returns the writer's prepared statement named k, preparing the
// text text() gives on first use. Parsing is a large share of a short
// statement's cost (a many-row INSERT's parse was a sixth of the writer's
// time; the tally upsert's parse a tenth of a batch's), and the same
// statements run in every transaction, so each is parsed once. The
// statements live on the single writer connection. Call it before BEGIN:
// a transaction holds the writer's only connection, so preparing on the
// pool inside it would wait forever.
func (db *DB) prepared(ctx context.Context, k stmtKey, text func() string) (*sql.Stmt, error) {
	db.stmtMu.Lock()
	defer db.stmtMu.Unlock()
	if st, ok := db.stmts[k]; ok {
		return st, nil
	}
	st, err := db.w.PrepareContext(ctx, text())
	if err != nil {
		return nil, err
	}
	if db.stmts == nil {
		db.stmts = map[stmtKey]*sql.Stmt{}
	}
	db.stmts[k] = st
	return st, nil
}

// insertStmt returns the prepared INSERT for n signatures. Batch sizes
// repeat, so each size is parsed once.
func (db *DB) insertStmt(ctx context.Context, n int) (*sql.Stmt, error) {
	return db.prepared(ctx, stmtKey{stmtInsertSignatures, n}, func() string { return insertSQL(n) })
}

// AddSignatures inserts sigs in one transaction (one fsync). A duplicate
// (org, campaign, email) — already stored or earlier in sigs — is reported
// as store.ErrAlreadySigned for that entry and changes nothing.
//
// The rows go in multi-row INSERT statements rather than one statement per
// signature: the single writer is the bottleneck under load, and this
// cuts its CPU time per signature by about a quarter (measured here).
func (db *DB) AddSignatures(ctx context.Context, sigs []*signing.Signature) ([]error, error) {
	return db.AddBatch(ctx, sigs, nil)
}

// AddBatch is AddSignatures that also counts the forms caught by the
// trap in caught, in the same transaction (store.Traps). With caught
// empty it runs exactly AddSignatures' statements; with no signature to
// insert and caught not empty it still runs a transaction, writing only
// the counts: what a caught form costs is what a signature costs.
func (db *DB) AddBatch(ctx context.Context, sigs []*signing.Signature, caught []store.Caught) (_ []error, err error) {
	defer failed(&err, "storing signatures")
	results := make([]error, len(sigs))
	if len(sigs) == 0 && len(caught) == 0 {
		return results, nil
	}
	// The batch's working buffers are reused from batch to batch (the
	// writer's batches come one after another), emptied before they go
	// back so they keep no one's details.
	sc := addScratchPool.Get().(*addScratch)
	defer sc.release()
	// Duplicates inside the batch are settled here: the first keeps its
	// place, later ones are already signed. Each key is then sent once, so
	// every stored row maps back to exactly one signature.
	first := sc.first
	order := sc.order[:0]
	for i, s := range sigs {
		// A row the table would refuse is refused here, alone: in the
		// batch it would fail every other signature's insert with it
		// (store.CheckSignature).
		if results[i] = store.CheckSignature(s); results[i] != nil {
			continue
		}
		k := sigKey{s.Email, s.Org, s.Campaign}
		if _, dup := first[k]; dup {
			results[i] = store.ErrAlreadySigned
			continue
		}
		first[k] = i
		order = append(order, i)
	}
	sc.order = order
	if len(order) == 0 && len(caught) == 0 {
		return results, nil
	}
	// Prepare before BEGIN: the transaction holds the writer's only
	// connection, so preparing on the pool inside it would wait forever.
	// A batch is cut into chunks of insertChunk rows and a last, shorter
	// one: two statements at most.
	var fullStmt, lastStmt *sql.Stmt
	if len(order) >= insertChunk {
		if fullStmt, err = db.insertStmt(ctx, insertChunk); err != nil {
			return nil, err
		}
	}
	if n := len(order) % insertChunk; n > 0 {
		if lastStmt, err = db.insertStmt(ctx, n); err != nil {
			return nil, err
		}
	}
	tallyStmt, err := db.tallyStmt(ctx)
	if err != nil {
		return nil, err
	}
	var caughtStmt *sql.Stmt
	if len(caught) > 0 {
		if caughtStmt, err = db.prepared(ctx, stmtKey{kind: stmtAddCaught}, func() string { return caughtSQL }); err != nil {
			return nil, err
		}
	}
	// The messages of the signatures inserted go in one bundle (bundle.go).
	var bundleStmt *sql.Stmt
	if hasOutbox(sigs) {
		if bundleStmt, err = db.bundleStmt(ctx); err != nil {
			return nil, err
		}
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// ids[i] is the id stored for sigs[i], 0 while none is.
	ids := slices.Grow(sc.ids[:0], len(sigs))[:len(sigs)]
	clear(ids)
	sc.ids = ids
	inserted := 0
	args := sc.args[:0]
	defer func() { sc.args = args }()
	// The rows of a batch mostly share their campaign, action, consent
	// sentence, language and moment: those values are boxed once and the
	// box reused while they repeat, rather than allocated for every row.
	var org, campaign, action, kind, status, consent, contact, lang repeated
	var at repeatedTime
	for start := 0; start < len(order); start += insertChunk {
		chunk := order[start:min(start+insertChunk, len(order))]
		args = args[:0]
		for _, i := range chunk {
			s := sigs[i]
			args = append(args, org.box(s.Org), campaign.box(s.Campaign), action.box(s.Action),
				kind.box(string(s.Kind)), status.box(string(s.Status)),
				s.Name, s.Email, orNil(s.Postcode), orNil(s.Country), orNil(s.Phone), orNil(s.Comment),
				orNil(s.Organisation), orNil(s.Role),
				boolInt(s.Public), consent.box(s.ConsentText), at.box(s.ConsentAt), contactArg(&contact, s.ContactText),
				at.boxOpt(s.ContactAt), lang.box(s.Lang), at.box(s.CreatedAt),
				// Empty on one-field forms.
				orNil(s.GivenName), orNil(s.FamilyName))
		}
		st := lastStmt
		if len(chunk) == insertChunk {
			st = fullStmt
		}
		res, err := tx.StmtContext(ctx, st).ExecContext(ctx, args...)
		if err != nil {
			return nil, translate(err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return nil, err
		}
		last, err := res.LastInsertId()
		if err != nil {
			return nil, err
		}
		if err := chunkIDs(ctx, tx, sigs, chunk, n, last, ids); err != nil {
			return nil, err
		}
		inserted += int(n)
	}
	var deltas tally.Deltas
	for _, i := range order {
		s := sigs[i]
		if ids[i] != 0 {
			deltas.Add(tally.Key{Org: s.Org, Campaign: s.Campaign}, tally.Of(s.Kind, s.Status))
		} else {
			results[i] = store.ErrAlreadySigned
		}
	}
	if err := applyDeltas(ctx, tx, tallyStmt, &deltas); err != nil {
		return nil, err
	}
	// The messages of the signatures inserted, in this same transaction
	// (store.Outbox), as one bundle row; none for a duplicate.
	if bundleStmt != nil {
		if err := insertBundle(ctx, tx, bundleStmt, sigs, order, ids, time.Now()); err != nil {
			return nil, translate(err)
		}
	}
	// The forms caught by the trap beside them (caught.go).
	if caughtStmt != nil {
		if err := addCaught(ctx, tx, caughtStmt, caught); err != nil {
			return nil, err
		}
	}
	// No referrals or sources row here: those would share this commit
	// (see store.Store.AddSignatures).
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	if inserted > 0 {
		db.changed()
	}
	// IDs are set only once the transaction is durable, so a caller never
	// sees an id for a signature that was rolled back.
	for _, i := range order {
		s := sigs[i]
		if ids[i] != 0 {
			s.ID = ids[i]
		}
	}
	return results, nil
}

// tallySQL adds one campaign's deltas to its tallies row.
const tallySQL = `INSERT INTO tallies (org, campaign, signatures, organisations, pending, revision)
	VALUES (?, ?, ?, ?, ?, 1)
	ON CONFLICT (org, campaign) DO UPDATE SET
		signatures = signatures + excluded.signatures,
		organisations = organisations + excluded.organisations,
		pending = pending + excluded.pending,
		revision = revision + 1`

// tallyStmt returns the prepared tallySQL; call it before BEGIN (see
// prepared).
func (db *DB) tallyStmt(ctx context.Context) (*sql.Stmt, error) {
	return db.prepared(ctx, stmtKey{kind: stmtAddTally}, func() string { return tallySQL })
}

// applyDeltas writes ds in tx with st, the prepared tallySQL (tallyStmt).
func applyDeltas(ctx context.Context, tx *sql.Tx, st *sql.Stmt, ds *tally.Deltas) error {
	var txst *sql.Stmt
	return ds.Each(func(k tally.Key, d tally.Delta) error {
		if txst == nil {
			txst = tx.StmtContext(ctx, st)
		}
		_, err := txst.ExecContext(ctx, k.Org, k.Campaign, d.Signatures, d.Organisations, d.Pending)
		return err
	})
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
	rows, err := db.r.QueryContext(ctx, `SELECT org, campaign, signatures, organisations, pending, revision
		FROM tallies ORDER BY org, campaign`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Tally
	for rows.Next() {
		var t store.Tally
		if err := rows.Scan(&t.Org, &t.Campaign, &t.Signatures, &t.Organisations, &t.Pending, &t.Revision); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// PublicSigners returns up to limit approved signers of one campaign who
// chose to be shown, newest first.
func (db *DB) PublicSigners(ctx context.Context, org, campaign string, limit int) (_ []signing.PublicSigner, err error) {
	defer failed(&err, "reading public signers")
	if limit <= 0 {
		return nil, nil
	}
	rows, err := db.r.QueryContext(ctx, `SELECT name, organisation, role, kind, created_at
		FROM signatures INDEXED BY signatures_public
		WHERE org = ? AND campaign = ? AND public = 1 AND status = 'approved'
		ORDER BY id DESC LIMIT ?`, org, campaign, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []signing.PublicSigner
	for rows.Next() {
		var p signing.PublicSigner
		var kind, created string
		if err := rows.Scan(&p.Name, &p.Organisation, &p.Role, &kind, &created); err != nil {
			return nil, err
		}
		p.Kind = signing.Kind(kind)
		if p.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Organisations returns one campaign's approved organisations, oldest
// first, through the index of only those rows.
func (db *DB) Organisations(ctx context.Context, org, campaign string) (_ []signing.Signature, err error) {
	defer failed(&err, "reading a campaign's organisations")
	rows, err := db.r.QueryContext(ctx, `SELECT id, action, name, organisation, role, public, created_at
		FROM signatures INDEXED BY signatures_approved_orgs
		WHERE org = ? AND campaign = ? AND kind = 'organisation' AND status = 'approved'
		ORDER BY id`, org, campaign)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []signing.Signature
	for rows.Next() {
		s := signing.Signature{Org: org, Campaign: campaign, Kind: signing.KindOrganisation, Status: signing.StatusApproved}
		var public int
		var created string
		if err := rows.Scan(&s.ID, &s.Action, &s.Name, &s.Organisation, &s.Role, &public, &created); err != nil {
			return nil, err
		}
		s.Public = public != 0
		if s.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Signatures calls fn for each of one campaign's signatures with the given
// status ("" for all), oldest first, reading from one consistent snapshot.
func (db *DB) Signatures(ctx context.Context, org, campaign string, status signing.Status, fn func(*signing.Signature) error) (err error) {
	fnFailed := false // fn's own error goes back as it came
	defer func() {
		if !fnFailed {
			failed(&err, "reading signatures")
		}
	}()
	rows, err := db.r.QueryContext(ctx, `SELECT `+signatureColumns+`
		FROM signatures
		WHERE org = ? AND campaign = ? AND (? = '' OR status = ?)
		ORDER BY id`, org, campaign, string(status), string(status))
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
func scanSignature(rows *sql.Rows) (s signing.Signature, err error) {
	var kind, st, consentAt, contactAt, created string
	var public int
	if err := rows.Scan(&s.ID, &s.Org, &s.Campaign, &s.Action, &kind, &st, &s.Name, &s.Email,
		&s.Postcode, &s.Country, &s.Phone, &s.Comment, &s.Organisation, &s.Role, &public,
		&s.ConsentText, &consentAt, &s.ContactText, &contactAt, &s.Lang, &created,
		&s.GivenName, &s.FamilyName); err != nil {
		return s, err
	}
	s.Kind, s.Status, s.Public = signing.Kind(kind), signing.Status(st), public == 1
	if s.ConsentAt, err = parseTime(consentAt); err != nil {
		return s, err
	}
	if contactAt != "" {
		if s.ContactAt, err = parseTime(contactAt); err != nil {
			return s, err
		}
	}
	s.CreatedAt, err = parseTime(created)
	return s, err
}

// SetStatus moves signature id to status, adjusting its campaign's tally in
// the same transaction.
func (db *DB) SetStatus(ctx context.Context, id int64, status signing.Status) (err error) {
	defer failed(&err, "setting a signature's status")
	tallyStmt, err := db.tallyStmt(ctx)
	if err != nil {
		return err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var org, campaign, kind, old string
	err = tx.QueryRowContext(ctx, `SELECT org, campaign, kind, status FROM signatures WHERE id = ?`, id).
		Scan(&org, &campaign, &kind, &old)
	if errors.Is(err, sql.ErrNoRows) {
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
	if _, err := tx.ExecContext(ctx, `UPDATE signatures SET status = ? WHERE id = ?`, string(status), id); err != nil {
		return err
	}
	var ds tally.Deltas
	k := signing.Kind(kind)
	ds.Add(tally.Key{Org: org, Campaign: campaign}, tally.Of(k, status).Sub(tally.Of(k, signing.Status(old))))
	if err := applyDeltas(ctx, tx, tallyStmt, &ds); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	db.changed()
	return nil
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
	tallyStmt, err := db.tallyStmt(ctx)
	if err != nil {
		return 0, err
	}
	key, err := db.Secret(ctx) // for the keyed hash of outreach senders
	if err != nil {
		return 0, err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	erased, err := erasedRows(ctx, tx, tell, "email = ?", email)
	if err != nil {
		return 0, err
	}
	// The address's unsubscriptions stay, as their keyed hash alone
	// (store.Mail.Suppress): erased, it must not be mailed again.
	ds, n, err := deleteSignatures(ctx, tx, "email = ?", email)
	if err != nil {
		return 0, err
	}
	if erasing != nil {
		erasing()
	}
	if err := applyDeltas(ctx, tx, tallyStmt, &ds); err != nil {
		return 0, err
	}
	if err := eraseOrganisers(ctx, tx, email); err != nil { // accounts.go
		return 0, err
	}
	// The address's undelivered messages go too (store.Outbox), bundled
	// ones taken apart first (bundle.go), and every damaged bundle that
	// may hold the address (quarantine.go).
	var ev store.QuarantineEvent
	if err := unbundle(ctx, tx, nil, 0, &ev); err != nil {
		return 0, err
	}
	if err := dropQuarantined(ctx, tx, &ev, email); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE email = ?`, email); err != nil {
		return 0, err
	}
	if err := eraseSender(ctx, tx, key, email); err != nil {
		return 0, err
	}
	// And the inbox's pace row (mailpace.go): erased, nothing is kept of it.
	if err := erasePace(ctx, tx, key, email); err != nil {
		return 0, err
	}
	if err := queueErased(ctx, tx, tell, erased); err != nil { // tell.go
		return 0, err
	}
	if err := owe(ctx, tx); err != nil { // rewrites.go
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	db.quarantined(ev)
	if n > 0 {
		db.changed()
	}
	return n, db.wipe(ctx)
}

// erasing, set only by tests, runs inside an erasure's transaction once
// the signatures are deleted and before their messages are
// (TestEraseHoldsTheWriteLock).
var erasing func()

// wipe empties the write-ahead log after an erasure: a TRUNCATE checkpoint
// copies every committed page (the zeroed pages of the deletion among them)
// into the database file and cuts the WAL to zero bytes, so the frames that
// still hold the deleted rows, written when they were signed, are gone.
// secure_delete has already zeroed the rows in the pages themselves.
//
// The checkpoint must wait for readers of older snapshots (this process's
// or another's) to finish; busy_timeout bounds the wait. When a reader
// outlasts it, or ctx ends, the erasure has happened but its bytes may
// still be in the WAL and the file: the deletion owed the checkpoint in
// its transaction (owe, rewrites.go), so it stays owed and placard serve
// makes it later (store.Rewrites). wipe fails only when even that could
// not be read.
func (db *DB) wipe(ctx context.Context) error {
	_, _, err := db.payRewrites(ctx, true)
	if errors.Is(err, errUnrecorded) {
		return err
	}
	return nil
}

// checkpoint is wipe's TRUNCATE checkpoint, tried for about two seconds.
// A TRUNCATE checkpoint calls the busy handler while a reader still uses
// the log, so with the connection's busy_timeout (10 s) each try waited
// ten seconds behind a long reader, and an erasure (a supporter's, from
// the web) took 20 tries x 10 s = 200 s before it gave up: here the
// writer connection waits wipeBusy per try instead, and gets its timeout
// back after (TestCheckpointBehindReaderGivesUpSoon).
func (db *DB) checkpoint(ctx context.Context) (err error) {
	db.ckMu.Lock()
	defer db.ckMu.Unlock()
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return fmt.Errorf("emptying the write-ahead log after erasing: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`PRAGMA busy_timeout = %d`, wipeBusy.Milliseconds())); err != nil {
		return fmt.Errorf("emptying the write-ahead log after erasing: %w", err)
	}
	defer func() {
		// The writer's own wait comes back; a connection that could not
		// get it back is thrown away rather than left short.
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), `PRAGMA busy_timeout = 10000`); rerr != nil {
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	// Another process's checkpoint (serve's, while the command line
	// erases) also answers busy at once; it lasts milliseconds, so a few
	// tries over about two seconds outlast it.
	for try := 0; ; try++ {
		var busy, log, done int
		if err := conn.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &log, &done); err != nil {
			return fmt.Errorf("emptying the write-ahead log after erasing: %w", err)
		}
		if busy == 0 {
			return nil
		}
		if try == wipeTries-1 {
			return errors.New("another reader kept the write-ahead log from being emptied, so the erased rows' bytes may still be in it; it is tried again later")
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wipeRetry):
		}
	}
}

// wipeTries, wipeRetry and wipeBusy bound how long checkpoint waits out
// another process's checkpoint or a reader: about 20 x (0.1 + 0.1) s.
// Tests shorten them.
var (
	wipeTries = 20
	wipeRetry = 100 * time.Millisecond
	wipeBusy  = 100 * time.Millisecond
)

// Secret returns the installation's 32-byte key from the settings table,
// creating it on first use (randomSetting).
func (db *DB) Secret(ctx context.Context) (_ []byte, err error) {
	defer failed(&err, "reading the secret key")
	return db.randomSetting(ctx, "secret")
}

// Purge deletes every signature of one campaign, keeping its counts (see
// store.Store), with every undelivered message of the campaign (pending
// or dead: contact letters are messages of a campaign without a
// signature), the keyed hashes of who wrote to its decision-makers and
// its personal links and per-source counts (purgeReach) and its mail's
// counts and drip slots (purgeMail), in one
// transaction, then wipes like Erase when anything of the
// campaign went. A campaign that holds nothing (the purge command goes
// over every closed one) changes nothing, other campaigns' bundled
// messages included, and is not wiped (RunPurgeQuiet).
func (db *DB) Purge(ctx context.Context, org, campaign string) (_ int, err error) {
	defer failed(&err, "purging a campaign's signatures")
	tallyStmt, err := db.tallyStmt(ctx)
	if err != nil {
		return 0, err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	// Whether anything changed, signatures or not: the writer
	// connection's count of rows changed, before and after.
	var before, after int64
	if err := tx.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&before); err != nil {
		return 0, err
	}
	var n, pending int
	err = tx.QueryRowContext(ctx, `SELECT count(*), count(*) FILTER (WHERE status = 'pending')
		FROM signatures WHERE org = ? AND campaign = ?`, org, campaign).Scan(&n, &pending)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM signatures WHERE org = ? AND campaign = ?`, org, campaign); err != nil {
		return 0, err
	}
	// The campaign's undelivered messages go too (store.Outbox), the
	// bundles holding any taken apart first, and only those (bundle.go).
	// Taking them apart rewrites other campaigns' messages as rows: not a
	// change about this campaign, so not counted; its messages found in
	// them are (those of its deleted signatures are dropped there, the
	// bundles' bytes zeroed, and must be wiped from the log).
	var u0, u1 int64
	if err := tx.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&u0); err != nil {
		return 0, err
	}
	var ev store.QuarantineEvent
	found, err := unbundleCampaign(ctx, tx, org, campaign, &ev)
	if err != nil {
		return 0, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&u1); err != nil {
		return 0, err
	}
	// And every damaged bundle that may hold the campaign's messages
	// (quarantine.go): a change about the campaign.
	if err := dropQuarantined(ctx, tx, &ev, org, campaign); err != nil {
		return 0, err
	}
	if err := dropQuarantinedKeptApart(ctx, tx, &ev, org, campaign); err != nil { // a removed campaign's
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE org = ? AND campaign = ?`, org, campaign); err != nil {
		return 0, err
	}
	// And the keyed hashes of who wrote to its decision-makers.
	if _, err := tx.ExecContext(ctx, `DELETE FROM outreach_senders WHERE org = ? AND campaign = ?`, org, campaign); err != nil {
		return 0, err
	}
	// And what its signing brought: its personal links' rows and its
	// per-source counts (purgeReach).
	if err := purgeReach(ctx, tx, org, campaign); err != nil {
		return 0, err
	}
	// And its mail's own rows (purgeMail).
	if err := purgeMail(ctx, tx, org, campaign); err != nil {
		return 0, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&after); err != nil {
		return 0, err
	}
	if after-before-(u1-u0)+int64(found) == 0 {
		return 0, nil
	}
	if n > 0 {
		var ds tally.Deltas
		ds.Add(tally.Key{Org: org, Campaign: campaign}, tally.Delta{Pending: -pending})
		if err := applyDeltas(ctx, tx, tallyStmt, &ds); err != nil {
			return 0, err
		}
	}
	if err := owe(ctx, tx); err != nil { // rewrites.go
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, err
	}
	db.quarantined(ev)
	return n, db.wipe(ctx)
}

// purgeReach deletes campaign org/campaign's personal links (the rows
// their credits made, legacy links' too) and its per-source counts in tx:
// a purged campaign keeps its tallies, nothing of where its signers came
// from or who brought them.
func purgeReach(ctx context.Context, tx *sql.Tx, org, campaign string) error {
	for _, table := range []string{"referrals", "sources"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE org = ? AND campaign = ?`, org, campaign); err != nil {
			return err
		}
	}
	return nil
}

// purgeMail deletes campaign org/campaign's confirmations given up
// unsent (mail_unsent: a count for the console, not the page's) and its
// letters' drip slots (outreach_drip and its domains' counts,
// outreach_drip_domains: they counted letters the purge deletes unsent;
// outreach_held: the inboxes whose letters were held back;
// outreach_waiting: the inboxes of its letters waiting), its
// signatures refused as sent (signatures_refused: a count for the
// console too) and its forms caught by the trap (bots_caught: likewise) in tx: a purged campaign keeps only its
// page's counts (storetest PurgeMailCounts).
func purgeMail(ctx context.Context, tx *sql.Tx, org, campaign string) error {
	for _, table := range []string{"mail_unsent", "outreach_drip", "outreach_drip_domains", "outreach_held", "outreach_waiting", "signatures_refused", "bots_caught"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE org = ? AND campaign = ?`, org, campaign); err != nil {
			return err
		}
	}
	return nil
}

// deleteSignatures deletes the signatures matching where (a condition on
// the signatures table with ? placeholders for args) in tx and returns the
// tally deltas their removal makes and how many went. Erase, EraseIn and
// the supporter's own erasure share it.
func deleteSignatures(ctx context.Context, tx *sql.Tx, where string, args ...any) (tally.Deltas, int, error) {
	rows, err := tx.QueryContext(ctx, `DELETE FROM signatures WHERE `+where+` RETURNING org, campaign, kind, status`, args...)
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
