package postgres

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/store/pgtest"
)

// TestMigrationUnlinksOldRows: a database written before version 004, whose
// referrals and sources rows share their signatures' transaction ids and
// lie in signing order, comes out of the upgrade with no referrals or
// sources row sharing a signature's xmin, and links in token order.
func TestMigrationUnlinksOldRows(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	c := connect(ctx, t, dsn)
	migrateBelow(ctx, t, c, 4)
	// As version 3 signed: signature, new link, credit and source count in
	// one transaction each, tokens not in signing order.
	for i, tok := range []string{"mmmmmmmmmm", "cccccccccc", "xxxxxxxxxx", "aaaaaaaaaa"} {
		err := pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `INSERT INTO signatures (org, campaign, action, kind, status, name, email,
				consent_text, consent_at, lang, created_at, public) VALUES ('o', 'c', 'a', 'individual', 'approved', 'N', $1,
				'ok', now(), 'en', now(), false)`, tok+"@example.org"); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO referrals (token, org, campaign, secret_hash) VALUES ($1, 'o', 'c', $2)`,
				tok, []byte{byte(i)}); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO sources AS s (org, campaign, source, signatures) VALUES ('o', 'c', $1, 1)
				ON CONFLICT (org, campaign, source) DO UPDATE SET signatures = s.signatures + 1`, tok[:1])
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	db, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, table := range []string{"referrals", "sources"} {
		var shared int
		if err := c.QueryRow(ctx, `SELECT count(*) FROM signatures s JOIN `+table+` r
			ON s.xmin::text = r.xmin::text`).Scan(&shared); err != nil {
			t.Fatal(err)
		}
		if shared != 0 {
			t.Errorf("after the upgrade, %d signature rows share their xmin with a %s row", shared, table)
		}
	}
	rows, err := c.Query(ctx, `SELECT token FROM referrals ORDER BY ctid`)
	if err != nil {
		t.Fatal(err)
	}
	tokens, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"aaaaaaaaaa", "cccccccccc", "mmmmmmmmmm", "xxxxxxxxxx"}
	if len(tokens) != len(want) || tokens[0] != want[0] || tokens[3] != want[3] {
		t.Errorf("links in physical order after the upgrade: %v, want token order %v", tokens, want)
	}
}
