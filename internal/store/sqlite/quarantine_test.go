package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/binary"
	"math"
	"path/filepath"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/internal/store/storetest"
)

// TestQuarantine: one damaged bundle of signed messages stops neither
// delivery nor erasure.
func TestQuarantine(t *testing.T) {
	storetest.RunQuarantine(t, func(t *testing.T) storetest.Damaged {
		path := filepath.Join(t.TempDir(), "placard.db")
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		return storetest.Damaged{Store: db, Damage: damager(t, path)}
	})
}

// damager returns a storetest.Damaged's Damage for the database at path:
// it reads each bundle holding the marker through a connection of its
// own, and writes it back damaged with an UPDATE.
func damager(t *testing.T, path string) func(t *testing.T, how storetest.Damage, marker string) {
	// secure_delete as the store's own connections: the damage must
	// leave no copy of the bundle's bytes behind that only this
	// connection left.
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=secure_delete(on)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return func(t *testing.T, how storetest.Damage, marker string) {
		t.Helper()
		rows, err := raw.Query(`SELECT seq, messages, signatures FROM outbox_bundles WHERE instr(messages, ?) > 0`, []byte(marker))
		if err != nil {
			t.Fatal(err)
		}
		type row struct {
			seq        int64
			msgs, sigs []byte
		}
		var rs []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.seq, &r.msgs, &r.sigs); err != nil {
				t.Fatal(err)
			}
			rs = append(rs, r)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if len(rs) == 0 {
			t.Fatalf("no bundle holds %q: the test shows nothing", marker)
		}
		for _, r := range rs {
			switch how {
			case storetest.DamageVersion:
				r.msgs[0] = 9
			case storetest.DamageTruncated:
				r.msgs = r.msgs[:len(r.msgs)-5]
			case storetest.DamageMessage:
				r.msgs[2] = 0
			case storetest.DamageIDs:
				// The last number's last byte says another follows.
				r.sigs[len(r.sigs)-1] |= 0x80
			case storetest.DamageText:
				r.msgs[3] = 0xff
			case storetest.DamageDue:
				r.msgs = binary.AppendVarint(r.msgs[:len(r.msgs)-1], math.MinInt64)
			default:
				t.Fatalf("unknown damage %q", how)
			}
			if _, err := raw.Exec(`UPDATE outbox_bundles SET messages = ?, signatures = ? WHERE seq = ?`, r.msgs, r.sigs, r.seq); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestQuarantineBadTime: a bundle whose creation time is not a time
// (SQLite keeps times as text, so any text fits), or with a message due
// in a year no stored time holds, is set aside too: copied into the
// outbox, it would fail every listing and claim after.
func TestQuarantineBadTime(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "placard.db")
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer db.Close()
	for _, email := range []string{"alice@example.org", "bob@example.org"} {
		sig := storetest.Sig("o", "c", email)
		sig.Outbox = []signing.Message{storetest.Msg("o", "c", email)}
		if _, err := db.AddSignatures(ctx, []*signing.Signature{sig}); err != nil {
			t.Fatal(err)
		}
	}
	raw, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=secure_delete(on)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE outbox_bundles SET created_at = 'yesterday' WHERE instr(messages, ?) > 0`, []byte("alice@")); err != nil {
		t.Fatal(err)
	}
	// And a message of bob's second bundle is due in a year no stored
	// time can hold.
	sig := storetest.Sig("o", "d", "bob@example.org")
	sig.Outbox = []signing.Message{storetest.Msg("o", "d", "bob@example.org")}
	if _, err := db.AddSignatures(ctx, []*signing.Signature{sig}); err != nil {
		t.Fatal(err)
	}
	var seq int64
	var packed []byte
	if err := raw.QueryRow(`SELECT max(seq), messages FROM outbox_bundles`).Scan(&seq, &packed); err != nil {
		t.Fatal(err)
	}
	packed = binary.AppendVarint(packed[:len(packed)-1], math.MaxInt64) // its NotBefore, last, was 0
	if _, err := raw.Exec(`UPDATE outbox_bundles SET messages = ? WHERE seq = ?`, packed, seq); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		es, err := db.List(ctx, "")
		if err != nil {
			t.Fatalf("List with a bundle of a bad time: %v", err)
		}
		if len(es) != 1 || es[0].Email != "bob@example.org" {
			t.Errorf("List: got %d messages, want bob's alone", len(es))
		}
	}
	if n, err := db.Quarantined(ctx); err != nil || n != 2 {
		t.Errorf("Quarantined: got %d, %v, want 2, nil", n, err)
	}
}
