package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Ready commits a heartbeat row: a real commit, flushed to the server's
// WAL (synchronous_commit on), as a signature batch is. It fails when the
// server is unreachable, the database or transaction is read-only, or the
// server cannot write its WAL (a full disk stops the server from writing).
func (db *DB) Ready(ctx context.Context) error {
	_, err := db.pool.Exec(ctx, `INSERT INTO settings (key, value) VALUES ('heartbeat', $1)
		ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, []byte(time.Now().UTC().Format(time.RFC3339Nano)))
	if err == nil {
		return nil
	}
	// Only the server's own message and code: a connection error can name
	// the host, user and database.
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &pe):
		return fmt.Errorf("a test write could not be committed: %s (SQLSTATE %s)", pe.Message, pe.Code)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return errors.New("a test write took too long")
	default:
		return errors.New("cannot reach the database server")
	}
}
