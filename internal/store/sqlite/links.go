package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
)

// LinkSecret returns the installation's 32-byte personal-link secret
// (store.LinkSecret) from the settings table, creating it on first use.
// Concurrent first calls (even from two processes) agree: the insert
// keeps the first secret written.
func (db *DB) LinkSecret(ctx context.Context) (_ []byte, err error) {
	defer failed(&err, "reading the personal-link secret")
	var key []byte
	err = db.r.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'link-secret'`).Scan(&key)
	if err == nil {
		return key, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	fresh := make([]byte, 32)
	_, _ = rand.Read(fresh)
	if _, err := db.w.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('link-secret', ?)
		ON CONFLICT (key) DO NOTHING`, fresh); err != nil {
		return nil, err
	}
	err = db.w.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = 'link-secret'`).Scan(&key)
	return key, err
}
