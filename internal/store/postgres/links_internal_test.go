package postgres

import (
	"context"
	"crypto/sha256"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/store/pgtest"
	"github.com/placard/placard/internal/store/storetest"
)

// TestMigration020KeepsLegacyLinks: a database whose personal links were
// stored ahead of need (before migration 020) comes out of the upgrade
// with every link, its hash and its count, keyed by campaign and token and
// still lying in key order; a legacy link still opens with its key's hash
// and counts what its share links bring.
func TestMigration020KeepsLegacyLinks(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	c := connect(ctx, t, dsn)
	migrateBelow(ctx, t, c, 20)
	// As the link pool stored them, not in key order.
	legacy := sha256.Sum256([]byte("a legacy key"))
	if _, err := c.Exec(ctx, `INSERT INTO referrals (token, org, campaign, secret_hash, signatures) VALUES
		('tttttttttt', 'o', 'top', '\x02', 3), ('kkkkkkkkkk', 'o', 'c', $1, 0)`, legacy[:]); err != nil {
		t.Fatal(err)
	}
	db := openDB(ctx, t, dsn)
	var n, sum int
	if err := c.QueryRow(ctx, `SELECT count(*), sum(signatures) FROM referrals
		WHERE (org, campaign, token, secret_hash) IN (('o', 'c', 'kkkkkkkkkk', $1), ('o', 'top', 'tttttttttt', '\x02'))`,
		legacy[:]).Scan(&n, &sum); err != nil || n != 2 || sum != 3 {
		t.Fatalf("after 020: %d links, %d signatures, %v; want both links as they were", n, sum, err)
	}
	var key string
	if err := c.QueryRow(ctx, `SELECT pg_get_indexdef('referrals_pkey'::regclass)`).Scan(&key); err != nil || key != "CREATE UNIQUE INDEX referrals_pkey ON public.referrals USING btree (org, campaign, token)" {
		t.Errorf("referrals' key: %q, %v", key, err)
	}
	rows, err := c.Query(ctx, `SELECT token FROM referrals ORDER BY ctid`)
	if err != nil {
		t.Fatal(err)
	}
	if tokens, err := pgx.CollectRows(rows, pgx.RowTo[string]); err != nil || len(tokens) != 2 || tokens[0] != "kkkkkkkkkk" {
		t.Errorf("links in physical order after 020: %v, %v; want key order", tokens, err)
	}
	if err := c.QueryRow(ctx, `SELECT count(*) FROM pg_indexes WHERE tablename = 'referrals' AND indexname = 'referrals_top'`).Scan(&n); err != nil || n != 1 {
		t.Errorf("index referrals_top: %d, %v", n, err)
	}
	storetest.LegacyLink(t, db, "kkkkkkkkkk", legacy)
}
