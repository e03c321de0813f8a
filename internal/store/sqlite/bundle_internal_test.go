package sqlite

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/storetest"
)

// bundleRows counts the rows of outbox_bundles.
func bundleRows(t *testing.T, db *DB) int {
	t.Helper()
	var n int
	if err := db.w.QueryRow(`SELECT count(*) FROM outbox_bundles`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBundleOnePerBatch: a batch's messages are one bundle row, holding
// only the inserted signatures' messages; a batch of duplicates writes
// none; a claim takes bundles apart oldest first, only as many as it
// needs, each message under its own id.
func TestBundleOnePerBatch(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sign := func(emails ...string) []signing.Message {
		var sigs []*signing.Signature
		for _, e := range emails {
			s := storetest.Sig("o", "c", e)
			s.Outbox = []signing.Message{thanksMessage("o", "c", e)}
			sigs = append(sigs, s)
		}
		res, err := db.AddSignatures(ctx, sigs)
		if err != nil {
			t.Fatal(err)
		}
		var kept []signing.Message
		for i, e := range res {
			if e == nil {
				kept = append(kept, sigs[i].Outbox...)
			}
		}
		return kept
	}
	first := sign("a@example.org", "b@example.org", "a@example.org")
	if len(first) != 2 || bundleRows(t, db) != 1 {
		t.Fatalf("a batch of 3 with a duplicate: %d messages kept, %d bundles; want 2 and 1", len(first), bundleRows(t, db))
	}
	if kept := sign("a@example.org"); len(kept) != 0 || bundleRows(t, db) != 1 {
		t.Fatalf("a batch of one stored duplicate wrote a bundle (%d messages, %d bundles)", len(kept), bundleRows(t, db))
	}
	second := sign("c@example.org", "d@example.org")
	var n int
	if err := db.w.QueryRow(`SELECT count(*) FROM outbox`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("signing wrote %d outbox rows (%v); want none, the messages bundled", n, err)
	}
	got, err := db.Claim(ctx, "w", 1, time.Minute)
	if err != nil || len(got) != 1 || got[0].ID != first[0].ID {
		t.Fatalf("Claim(1): %+v, %v; want the first batch's first message", got, err)
	}
	if b := bundleRows(t, db); b != 1 {
		t.Errorf("a claim of one message took %d bundles apart; want only the oldest", 2-b)
	}
	rest, err := db.Claim(ctx, "w", 10, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range rest {
		ids = append(ids, e.ID)
	}
	if want := []string{first[1].ID, second[0].ID, second[1].ID}; !slices.Equal(ids, want) {
		t.Errorf("the next claim: %v, want %v", ids, want)
	}
	if b := bundleRows(t, db); b != 0 {
		t.Errorf("%d bundles left after claiming every message", b)
	}
}

// TestBundleErasedOnDisk: a bundle large enough to run over several
// overflow pages, the erased address's message in its middle, leaves no
// byte of that address or its payload in the file or its WAL after each
// erasure (the unconfirmed signatures' too), and everyone else's messages
// are still delivered.
func TestBundleErasedOnDisk(t *testing.T) {
	erasers := map[string]func(db *DB, email string) error{
		"Erase":   func(db *DB, email string) error { _, err := db.Erase(context.Background(), email); return err },
		"EraseIn": func(db *DB, email string) error { _, err := db.EraseIn(context.Background(), "o", email); return err },
		"EraseSupporter": func(db *DB, email string) error {
			_, err := db.EraseSupporter(context.Background(), "o", email)
			return err
		},
		// The erased address's signature is the one left unconfirmed.
		"EraseUnconfirmed": func(db *DB, _ string) error {
			_, err := db.EraseUnconfirmed(context.Background(), "o", "c", time.Now())
			return err
		},
	}
	for name, erase := range erasers {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "placard.db")
			db, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			// Random payloads do not shrink: 64 of 300 bytes are about
			// five overflow pages.
			noise := func() string {
				b := make([]byte, 225)
				rand.Read(b)
				return base64.StdEncoding.EncodeToString(b)
			}
			gone, kept := "gone7f3e9a2c@example.org", "kept4b8d1e6f@example.org"
			goneMark, keptMark := "gonepayload5c2a9e", "keptpayload8e1d3b"
			var sigs []*signing.Signature
			for i := range 64 {
				email := fmt.Sprintf("other%d@example.org", i)
				payload := noise()
				switch i {
				case 31:
					email, payload = gone, goneMark+noise()
				case 50:
					email, payload = kept, keptMark+noise()
				}
				s := storetest.Sig("o", "c", email)
				if email == gone && name == "EraseUnconfirmed" {
					s.Status = signing.StatusUnconfirmed
				}
				s.Outbox = []signing.Message{{ID: signing.NewMessageID(), Kind: signing.MessageWebhook,
					Target: "https://crm.example.org/h", Email: email, Org: "o", Campaign: "c", Payload: []byte(payload)}}
				sigs = append(sigs, s)
			}
			if _, err := db.AddSignatures(ctx, sigs); err != nil {
				t.Fatal(err)
			}
			var size int
			if err := db.w.QueryRow(`SELECT length(messages) FROM outbox_bundles`).Scan(&size); err != nil || size < 4*4096 {
				t.Fatalf("the bundle is %d bytes (%v); want it over several overflow pages", size, err)
			}
			if err := erase(db, gone); err != nil {
				t.Fatal(err)
			}
			es, err := db.List(ctx, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(es) != 63 || slices.ContainsFunc(es, func(e store.OutboxEntry) bool { return e.Email == gone }) {
				t.Errorf("after %s the outbox holds %d messages; want the 63 of the others", name, len(es))
			}
			files := []string{path, path + "-wal"}
			search := func(when string) {
				var all []byte
				for _, f := range files {
					b, err := os.ReadFile(f)
					if err != nil && !os.IsNotExist(err) {
						t.Fatal(err)
					}
					all = append(all, b...)
				}
				for _, m := range []string{gone, goneMark} {
					if bytes.Contains(all, []byte(m)) {
						t.Errorf("%s, %s: %q is still on disk", name, when, m)
					}
				}
				if !bytes.Contains(all, []byte(keptMark)) {
					t.Errorf("%s, %s: a kept message's payload is not found: the search reads nothing", name, when)
				}
			}
			search("while open")
			db.Close()
			search("after Close")
		})
	}
}

// TestMigration019KeepsMessages: messages queued as rows before migration
// 019 stay rows, are claimed under their ids beside the bundled messages
// of new signatures, and listed with them.
func TestMigration019KeepsMessages(t *testing.T) {
	ctx := context.Background()
	path := migratedFile(ctx, t)
	raw, err := sql.Open(driverName, path)
	if err != nil {
		t.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	now := time.Now().UTC().Truncate(time.Second)
	for _, q := range []string{
		`DROP TABLE outbox_bundles`,
		`DELETE FROM schema_migrations WHERE version IN (19, 21)`, // 021 adds a column to 019's table
		`INSERT INTO outbox (id, kind, email, org, campaign, payload, not_before, created_at)
			VALUES ('0old0queued0before0019abcd', 'email', 'old@example.org', 'o', 'c', X'7b7d', '` +
			formatTime(now.Add(-time.Minute)) + `', '` + formatTime(now.Add(-time.Hour)) + `')`,
	} {
		if _, err := raw.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	raw.Close()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s := storetest.Sig("o", "c", "new@example.org")
	s.Outbox = []signing.Message{thanksMessage("o", "c", "new@example.org")}
	if _, err := db.AddSignatures(ctx, []*signing.Signature{s}); err != nil {
		t.Fatal(err)
	}
	got, err := db.Claim(ctx, "w", 10, time.Minute)
	if err != nil || len(got) != 2 || got[0].ID != "0old0queued0before0019abcd" || got[1].ID != s.Outbox[0].ID {
		t.Fatalf("claiming after 019: %+v, %v; want the old message under its id, then the new one", got, err)
	}
}
