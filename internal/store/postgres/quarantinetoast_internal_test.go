package postgres

import (
	"bytes"
	"context"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/storetest"
)

// TestQuarantineSearchesCompressed: a damaged bundle large enough for
// PostgreSQL to compress it out of line (TOAST) is still found by the
// erasure of an address it holds. The search (position … IN messages)
// reads the value as stored uncompressed, never the compressed bytes, in
// which the address need not appear; the batch's other signer, whose
// bundle is the same, goes with it.
func TestQuarantineSearchesCompressed(t *testing.T) {
	ctx := context.Background()
	db := openDB(ctx, t, migratedDSN(t))
	var sigs []*signing.Signature
	for _, email := range []string{"ada@example.org", "bo@example.org"} {
		s := storetest.Sig("o", "c", email)
		m := storetest.Msg("o", "c", email)
		m.Payload = bytes.Repeat([]byte(`{"comment":"the same words again and again"}`), 4000)
		s.Outbox = []signing.Message{m}
		sigs = append(sigs, s)
	}
	if _, err := db.AddSignatures(ctx, sigs); err != nil {
		t.Fatal(err)
	}
	if _, err := db.pool.Exec(ctx, `UPDATE outbox_bundles SET messages = '\x09'::bytea || substring(messages from 2)`); err != nil {
		t.Fatal(err)
	}
	var stored, raw int
	if err := db.pool.QueryRow(ctx, `SELECT pg_column_size(messages), octet_length(messages) FROM outbox_bundles`).Scan(&stored, &raw); err != nil {
		t.Fatal(err)
	}
	if stored*4 > raw {
		t.Fatalf("the bundle is stored in %d bytes for %d: not compressed, the test shows nothing", stored, raw)
	}
	if _, err := db.Erase(ctx, "bo@example.org"); err != nil {
		t.Fatal(err)
	}
	n, err := db.Quarantined(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var left int
	if err := db.pool.QueryRow(ctx, `SELECT count(*) FROM outbox_bundles`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if n != 0 || left != 0 {
		t.Errorf("after erasing an address of a compressed damaged bundle: %d quarantined, %d waiting, want none", n, left)
	}
}
