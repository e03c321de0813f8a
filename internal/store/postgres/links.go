package postgres

import (
	"context"
	"crypto/rand"
	"errors"

	"github.com/jackc/pgx/v5"
)

// LinkSecret returns the installation's 32-byte personal-link secret
// (store.LinkSecret) from the settings table, creating it on first use.
// Instances starting together agree: the insert keeps the first secret
// written and everyone reads that one back.
func (db *DB) LinkSecret(ctx context.Context) (_ []byte, err error) {
	defer failed(&err, "reading the personal-link secret")
	var key []byte
	err = db.pool.QueryRow(ctx, `SELECT value FROM settings WHERE key = 'link-secret'`).Scan(&key)
	if err == nil {
		return key, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return nil, err
	}
	fresh := make([]byte, 32)
	_, _ = rand.Read(fresh)
	if _, err := db.pool.Exec(ctx, `INSERT INTO settings (key, value) VALUES ('link-secret', $1)
		ON CONFLICT (key) DO NOTHING`, fresh); err != nil {
		return nil, err
	}
	err = db.pool.QueryRow(ctx, `SELECT value FROM settings WHERE key = 'link-secret'`).Scan(&key)
	return key, err
}
