package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
)

// LinkSecret returns the installation's 32-byte personal-link secret
// (store.LinkSecret) from the settings table, creating it on first use.
func (db *DB) LinkSecret(ctx context.Context) (_ []byte, err error) {
	defer failed(&err, "reading the personal-link secret")
	return db.randomSetting(ctx, "link-secret")
}

// randomSetting returns the settings row name, first creating it with 32
// random bytes. Concurrent first calls (even from two processes) agree:
// the insert keeps the first value written and every caller reads that
// one back.
func (db *DB) randomSetting(ctx context.Context, name string) ([]byte, error) {
	var v []byte
	err := db.r.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, name).Scan(&v)
	if err == nil {
		return v, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	fresh := make([]byte, 32)
	_, _ = rand.Read(fresh)
	if _, err := db.w.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO NOTHING`, name, fresh); err != nil {
		return nil, err
	}
	err = db.w.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, name).Scan(&v)
	return v, err
}
