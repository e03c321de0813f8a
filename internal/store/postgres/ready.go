package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
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
	// A fixed reason and the code: the server's own message (and a
	// connection error) can name the host, user and database, and /readyz
	// is public. The error wraps err, for the operator's log.
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &pe):
		return &readyError{fmt.Sprintf("a test write could not be committed: %s (SQLSTATE %s)", pgReason(pe.Code), pe.Code), err}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return &readyError{"a test write took too long", err}
	default:
		return &readyError{"cannot reach the database server", err}
	}
}

// readyError is Ready's failure: a fixed text safe to show anyone, and
// the error it came from (Unwrap) for the log.
type readyError struct {
	text  string
	cause error
}

func (e *readyError) Error() string { return e.text }
func (e *readyError) Unwrap() error { return e.cause }

// pgReason words a SQLSTATE in fixed words, by its code or its class.
func pgReason(code string) string {
	switch code {
	case "25006":
		return "the database is read-only"
	case "53100":
		return "the server's disk is full"
	case "57P01", "57P02", "57P03":
		return "the server is shutting down or starting"
	case "3D000":
		return "the database does not exist"
	}
	switch {
	case strings.HasPrefix(code, "28"):
		return "the server refused the login"
	case strings.HasPrefix(code, "42"):
		return "the store's user may not write its tables"
	case strings.HasPrefix(code, "53"):
		return "the server is out of resources"
	case strings.HasPrefix(code, "08"):
		return "the connection failed"
	}
	return "the server refused it"
}
