package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/pgtest"
)

// TestMigration054FillsSignCount: passkeys stored before 054 keep their
// counter in the record only; 054 copies it into sign_count, so the
// first compare-and-set after the upgrade compares with the real
// counter, not 0 (which would let a copy behind the original sign in
// once). A record without a counter (0 is left out) or not JSON at all
// gets 0 and stops nothing.
func TestMigration054FillsSignCount(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	old := connect(ctx, t, dsn)
	migrateBelow(ctx, t, old, 54)
	rec := func(n uint32) []byte {
		c := webauthn.Credential{ID: []byte("x"), PublicKey: []byte{1, 2, 3}}
		c.Authenticator.SignCount = n
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for id, data := range map[string][]byte{"counting": rec(12), "zero": rec(0), "junk": {0xff, 0, '{', '"'}} {
		if _, err := old.Exec(ctx, `INSERT INTO organiser_credentials (id, organiser_id, data, created_at)
			VALUES ($1, 1, $2, now())`, []byte(id), data); err != nil {
			t.Fatal(err)
		}
	}
	db := openDB(ctx, t, dsn)
	for id, want := range map[string]int64{"counting": 12, "zero": 0, "junk": 0} {
		var got int64
		if err := old.QueryRow(ctx, `SELECT sign_count FROM organiser_credentials WHERE id = $1`, []byte(id)).Scan(&got); err != nil || got != want {
			t.Errorf("%s: sign_count %d, %v, want %d", id, got, err, want)
		}
	}
	if err := db.UpdateCredential(ctx, []byte("counting"), rec(11), 11); !errors.Is(err, store.ErrCounterBehind) {
		t.Errorf("after the upgrade, counter 11 after 12: %v, want ErrCounterBehind", err)
	}
	if err := db.UpdateCredential(ctx, []byte("counting"), rec(13), 13); err != nil {
		t.Errorf("after the upgrade, counter 13: %v", err)
	}
}
