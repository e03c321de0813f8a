package sqlite

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"modernc.org/sqlite"
)

// minFree is the free space below which the store reports itself not
// ready: a signature batch needs a few pages of WAL, and a disk this close
// to full will refuse them within moments.
const minFree = 1 << 20

// Ready commits a heartbeat row (a real, fsynced commit through the writer
// connection, as a signature is) and checks that the file system holding
// the database is neither read-only nor full. A rolled-back write would
// prove nothing: SQLite keeps it in memory and never touches the disk, and
// a commit can still succeed on a full disk while the WAL reuses its space,
// so the free space is read from the file system as well.
func (db *DB) Ready(ctx context.Context) error {
	var seq int
	var name, file string
	if err := db.r.QueryRowContext(ctx, `PRAGMA database_list`).Scan(&seq, &name, &file); err != nil {
		return fmt.Errorf("cannot read the database: %s", plainErr(err))
	}
	if file != "" {
		if err := diskProblem(filepath.Dir(file), minFree); err != nil {
			return err
		}
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ('heartbeat', ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, []byte(time.Now().UTC().Format(timeLayout)))
	if err != nil {
		return fmt.Errorf("a test write could not be committed: %s", plainErr(err))
	}
	return nil
}

// plainErr is err's text when it is SQLite's own (a code and its meaning,
// never a path), else a generic phrase.
func plainErr(err error) string {
	var se *sqlite.Error
	switch {
	case errors.As(err, &se):
		return se.Error()
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return "it took too long"
	default:
		return "the database is closed or unavailable"
	}
}
