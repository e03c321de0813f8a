package postgres

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/pgtest"
)

// TestLateSequencesCacheOne: the late look's marks are exact only while
// the id sequences of signatures and organisers hand out one id at a time
// (store.LateMarkKey): with a cache a session holds ids ahead and can
// commit a row below a mark after the look. Every identity and serial
// sequence a migrated database has is CACHE 1, and those two are among
// them.
func TestLateSequencesCacheOne(t *testing.T) {
	ctx := context.Background()
	dsn := migratedDSN(t)
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, _ := db.pool.Query(ctx, `SELECT sequencename, cache_size FROM pg_sequences
		WHERE schemaname = current_schema() ORDER BY sequencename`)
	type seq struct {
		Name  string
		Cache int64
	}
	seqs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[seq])
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, s := range seqs {
		names[s.Name] = true
		if s.Cache != 1 {
			t.Errorf("sequence %s has CACHE %d, want 1", s.Name, s.Cache)
		}
	}
	for _, table := range []string{"signatures", "organisers"} {
		var name string
		if err := db.pool.QueryRow(ctx, `SELECT s.relname FROM pg_class s
			WHERE s.oid = pg_get_serial_sequence($1, 'id')::regclass`, table).Scan(&name); err != nil {
			t.Fatalf("the id sequence of %s: %v", table, err)
		}
		if !names[name] {
			t.Errorf("the id sequence of %s (%s) is not among the checked sequences %v", table, name, seqs)
		}
	}
}

// TestLateSequenceCacheRefused: an operator who gave the signatures id
// sequence a cache (ALTER … SET CACHE 20, for speed) would have the late
// look silently miss rows; Open refuses to start instead, with a plain
// message naming the statement that puts it back, and starts once it is
// run. Before, Open started and the look's marks could skip rows.
func TestLateSequenceCacheRefused(t *testing.T) {
	ctx := context.Background()
	dsn := migratedDSN(t)
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	c := connect(ctx, t, dsn)
	for _, table := range []string{"signatures", "organisers"} {
		if _, err := c.Exec(ctx, `ALTER TABLE `+table+` ALTER COLUMN id SET CACHE 20`); err != nil {
			t.Fatal(err)
		}
		db, err := Open(ctx, dsn)
		if err == nil {
			db.Close()
			t.Fatalf("Open with the %s id sequence at CACHE 20 started", table)
		}
		fix := "ALTER TABLE " + table + " ALTER COLUMN id SET CACHE 1;"
		if !strings.Contains(err.Error(), fix) || !strings.Contains(err.Error(), "CACHE 20") {
			t.Errorf("Open with CACHE 20 on %s: %v; want a message naming CACHE 20 and %q", table, err, fix)
		}
		if _, err := c.Exec(ctx, fix); err != nil {
			t.Fatal(err)
		}
		db, err = Open(ctx, dsn)
		if err != nil {
			t.Fatalf("Open after %s: %v", fix, err)
		}
		db.Close()
	}
}

// TestLateSeenFlagRace: two instances starting together each look for
// late rows. One finds a stale row and sets the "outbox too" flag
// (store.LateSeenKey) while the other, which found nothing, is between
// its look and its writing of the marks; that one must not clear the
// flag the first just set — whether the flag was unset or set by an
// earlier start when it looked — or the next start would not read an old
// instance's waiting messages. A look that finds nothing clears the flag
// it read. Before, the one that found nothing deleted the flag whatever
// it held.
func TestLateSeenFlagRace(t *testing.T) {
	ctx := context.Background()
	dsn := migratedDSN(t)
	a, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	c := connect(ctx, t, dsn)
	flag := func() []byte {
		t.Helper()
		var v []byte
		err := c.QueryRow(ctx, `SELECT value FROM settings WHERE key = $1`, store.LateSeenKey).Scan(&v)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, earlier := range []bool{false, true} {
		if earlier {
			// Set by an earlier start, as an older version wrote it.
			if _, err := c.Exec(ctx, `INSERT INTO settings (key, value) VALUES ($1, '\x31')
				ON CONFLICT (key) DO UPDATE SET value = excluded.value`, store.LateSeenKey); err != nil {
				t.Fatal(err)
			}
		}
		// Something new for b to look at, in its current form.
		if err := insertSignature(ctx, c, map[bool]string{false: "x@example.org", true: "y@example.org"}[earlier], "approved"); err != nil {
			t.Fatal(err)
		}
		lk, err := b.lateLook(ctx)
		if err != nil || lk == nil || lk.stale {
			t.Fatalf("earlier flag %v: b's look: %+v, %v; want a look that found nothing stale", earlier, lk, err)
		}
		// An old instance stores an A-label, and a starts and finds it.
		if err := insertSignature(ctx, c, map[bool]string{false: "ann@xn--bcher-kva.example", true: "bob@xn--bcher-kva.example"}[earlier], "approved"); err != nil {
			t.Fatal(err)
		}
		if err := a.renormaliseLate(ctx); err != nil {
			t.Fatal(err)
		}
		if flag() == nil {
			t.Fatalf("earlier flag %v: the look that found a stale row did not set the flag", earlier)
		}
		if err := b.lateFinish(ctx, lk); err != nil {
			t.Fatal(err)
		}
		if flag() == nil {
			t.Errorf("earlier flag %v: the look that found nothing cleared the flag another look had just set", earlier)
		}
	}
	// A look that reads the flag (and the outbox) and finds nothing
	// clears it.
	if err := insertSignature(ctx, c, "z@example.org", "approved"); err != nil {
		t.Fatal(err)
	}
	if err := b.renormaliseLate(ctx); err != nil {
		t.Fatal(err)
	}
	if v := flag(); v != nil {
		t.Errorf("after a look that found nothing, the flag is still %q", v)
	}
}

// TestLateSequenceCacheRefusedBeforeMigrating: an installation upgraded
// with an id sequence at CACHE 20 is refused before the new release
// migrates anything, so the release it ran before still starts while the
// operator runs the ALTER the message names. Before, Open migrated first
// and refused after: the database then held a migration the previous
// release does not know, and that release refused it too (a newer
// placard wrote it) — the site could start neither.
func TestLateSequenceCacheRefusedBeforeMigrating(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	older := fstest.MapFS{}
	for _, e := range entries[:len(entries)-1] {
		b, err := fs.ReadFile(migrations, "migrations/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		older["migrations/"+e.Name()] = &fstest.MapFile{Data: b}
	}
	db, err := open(ctx, dsn, older)
	if err != nil {
		t.Fatalf("Open with the migrations before %s: %v", entries[len(entries)-1].Name(), err)
	}
	db.Close()
	c := connect(ctx, t, dsn)
	if _, err := c.Exec(ctx, `ALTER TABLE signatures ALTER COLUMN id SET CACHE 20`); err != nil {
		t.Fatal(err)
	}
	db, err = Open(ctx, dsn)
	if err == nil {
		db.Close()
		t.Fatal("Open with the signatures id sequence at CACHE 20 started")
	}
	if !strings.Contains(err.Error(), "ALTER TABLE signatures ALTER COLUMN id SET CACHE 1;") {
		t.Errorf("Open with CACHE 20: %v; want the message naming the ALTER", err)
	}
	var recorded int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&recorded); err != nil {
		t.Fatal(err)
	}
	if recorded != len(entries)-1 {
		t.Errorf("after the refused start %d migrations are recorded, want the %d the previous release knows: it would refuse the database now", recorded, len(entries)-1)
	}
}

// TestLateSequenceByDefaultRefused: an id column whose default takes ids
// from a sequence it does not own (made by hand, by a restore or by a
// DBA: DROP IDENTITY, then DEFAULT nextval('other') with no OWNED BY)
// hands out ids from that sequence all the same; at CACHE 20 the late
// look's marks can skip rows. Open refuses it, naming the ALTER SEQUENCE
// to run — for the default written nextval('name') (a recorded
// dependency) and nextval('name'::text) (none), in another schema too —
// also for a role that may only read the catalogues (the check runs
// before migrating), and starts once it is run. Before, the check looked
// the sequence up by ownership only and Open started.
func TestLateSequenceByDefaultRefused(t *testing.T) {
	ctx := context.Background()
	dsn := migratedDSN(t)
	c := connect(ctx, t, dsn)
	role := fmt.Sprintf("placard_reader_%d", time.Now().UnixNano()%1_000_000_000)
	if _, err := c.Exec(ctx, "CREATE ROLE "+role+" LOGIN"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a, err := pgx.Connect(context.Background(), dsn)
		if err == nil {
			_, _ = a.Exec(context.Background(), "DROP ROLE IF EXISTS "+role)
			a.Close(context.Background())
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(role)
	readerDSN := u.String()
	if _, err := c.Exec(ctx, `CREATE SCHEMA restored`); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		table, seq, def string
	}{
		{"signatures", "signature_ids", "nextval('signature_ids')"},
		{"organisers", "organiser_ids", "nextval('organiser_ids'::text)"},
		{"signatures", "restored.signature_ids", "nextval('restored.signature_ids')"},
	} {
		for _, stmt := range []string{
			`ALTER TABLE ` + tc.table + ` ALTER COLUMN id DROP IDENTITY IF EXISTS`,
			`CREATE SEQUENCE ` + tc.seq + ` START 1000000 CACHE 20`,
			`ALTER TABLE ` + tc.table + ` ALTER COLUMN id SET DEFAULT ` + tc.def,
		} {
			if _, err := c.Exec(ctx, stmt); err != nil {
				t.Fatalf("%s: %v", stmt, err)
			}
		}
		fix := "ALTER SEQUENCE " + tc.seq + " CACHE 1;"
		for _, who := range []struct{ name, dsn string }{{"the owner", dsn}, {"a role that may only read", readerDSN}} {
			db, err := Open(ctx, who.dsn)
			if err == nil {
				db.Close()
				t.Fatalf("%s: Open as %s with the %s id default at CACHE 20 started", tc.def, who.name, tc.table)
			}
			if !strings.Contains(err.Error(), fix) || !strings.Contains(err.Error(), "CACHE 20") {
				t.Errorf("%s: Open as %s: %v; want a message naming CACHE 20 and %q", tc.def, who.name, err, fix)
			}
		}
		if _, err := c.Exec(ctx, fix); err != nil {
			t.Fatal(err)
		}
		db, err := Open(ctx, dsn)
		if err != nil {
			t.Fatalf("%s: Open after %s: %v", tc.def, fix, err)
		}
		db.Close()
	}
}
