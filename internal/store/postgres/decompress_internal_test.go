package postgres

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/pgtest"
	"github.com/placard/placard/internal/store/storetest"
)

// damageCompressed damages, in the data files of a stopped cluster, the
// compressed value whose uncompressed form is raw: a compressed value
// begins with its uncompressed size (30 bits, then 2 naming lz4 or pglz),
// and the first bytes of raw, which repeat nothing, follow it within a few
// bytes as literals in either method. The size is halved, so PostgreSQL
// finds the value longer than it says and refuses it ("compressed … data
// is corrupt", XX001), as it does a value damaged on disk.
func damageCompressed(t *testing.T, dir string, raw []byte) {
	t.Helper()
	found := 0
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		changed := false
		for off := 0; ; {
			i := bytes.Index(b[off:], raw[:16])
			if i < 0 {
				break
			}
			i += off
			off = i + 16
			for h := i - 4; h >= max(0, i-16); h-- {
				v := binary.LittleEndian.Uint32(b[h:])
				if int(v&0x3fffffff) == len(raw) {
					binary.LittleEndian.PutUint32(b[h:], v&^0x3fffffff|uint32(len(raw)/2))
					found++
					changed = true
					break
				}
			}
		}
		if !changed {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return os.WriteFile(path, b, info.Mode())
	})
	if err != nil {
		t.Fatal(err)
	}
	if found != 1 {
		t.Fatalf("found the compressed value %d times in the files, want once", found)
	}
}

// TestEraseDecompressDamage: an outbox bundle whose compressed bytes are
// damaged on disk, so that PostgreSQL itself cannot read the value
// (XX001, "compressed pglz data is corrupt"), must not stop an erasure.
// Before, the erasure's DELETE … RETURNING messages failed and the
// person could not be erased at all. Now the erasure deletes the
// unreadable bundle by its key without reading it (it may hold the
// person; nothing could ever be sent from it), says so in its event, and
// the other bundle's message still waits.
func TestEraseDecompressDamage(t *testing.T) {
	t.Run("Erase", func(t *testing.T) {
		testDecompressDamage(t, func(db *DB) (int, error) { return db.Erase(context.Background(), "ada@example.org") })
	})
	// Purge reads every bundle's bytes to find its campaign's.
	t.Run("Purge", func(t *testing.T) {
		testDecompressDamage(t, func(db *DB) (int, error) {
			n, err := db.Purge(context.Background(), "o", "gone")
			if err == nil {
				_, err = db.Erase(context.Background(), "nobody@example.org") // takes bo's bundle apart for the listing below
			}
			return n, err
		})
	})
}

// testDecompressDamage damages ada's bundle (campaign "gone") on disk and
// runs op, which must remove her one signature.
func testDecompressDamage(t *testing.T, op func(db *DB) (int, error)) {
	ctx := context.Background()
	c := pgtest.NewCluster(t)
	dsn := c.Database(t)
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{"ada@example.org", "bo@example.org"} {
		camp := map[string]string{"ada@example.org": "gone", "bo@example.org": "c"}[email]
		s := storetest.Sig("o", camp, email)
		m := storetest.Msg("o", camp, email)
		m.Payload = bytes.Repeat([]byte(`{"comment":"the same words again and again"}`), 4000)
		s.Outbox = []signing.Message{m}
		if _, err := db.AddSignatures(ctx, []*signing.Signature{s}); err != nil {
			t.Fatal(err)
		}
	}
	var raw []byte
	var stored, size int
	if err := db.pool.QueryRow(ctx, `SELECT messages, pg_column_size(messages), octet_length(messages) FROM outbox_bundles
		WHERE position('ada@example.org'::bytea IN messages) > 0`).Scan(&raw, &stored, &size); err != nil {
		t.Fatal(err)
	}
	if stored*4 > size {
		t.Fatalf("the bundle is stored in %d bytes for %d: not compressed, the test shows nothing", stored, size)
	}
	var dboid uint32
	if err := db.pool.QueryRow(ctx, `SELECT oid FROM pg_database WHERE datname = current_database()`).Scan(&dboid); err != nil {
		t.Fatal(err)
	}
	db.Close()
	c.Checkpoint(t)
	c.Crash(t)
	damageCompressed(t, filepath.Join(c.DataDir(), "base", strconv.FormatUint(uint64(dboid), 10)), raw)
	c.Start(t)
	db, err = Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var b []byte
	if err := db.pool.QueryRow(ctx, `SELECT messages FROM outbox_bundles ORDER BY seq LIMIT 1`).Scan(&b); err == nil {
		t.Fatal("the damaged bundle still reads: the test shows nothing")
	} else {
		t.Logf("reading the damaged bundle: %v", err)
	}
	var events []store.QuarantineEvent
	db.OnQuarantine(func(ev store.QuarantineEvent) { events = append(events, ev) })
	if n, err := op(db); err != nil || n != 1 {
		t.Fatalf("with a bundle PostgreSQL cannot decompress: got %d, %v, want 1, nil", n, err)
	}
	t.Logf("told: %+v", events)
	var left int
	if err := db.pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM outbox_bundles) + (SELECT count(*) FROM outbox_quarantine)`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("%d bundles left, want none (the damaged one deleted, bo's taken apart)", left)
	}
	es, err := db.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 1 || es[0].Email != "bo@example.org" {
		t.Errorf("waiting after the erasure: %+v, want bo's message alone", es)
	}
	unread := 0
	for _, ev := range events {
		unread += ev.Unreadable
	}
	if unread != 1 {
		t.Errorf("told %+v, want 1 unreadable bundle deleted", events)
	}
}
