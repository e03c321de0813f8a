package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// checkEncoding refuses a database whose encoding is not UTF8. Placard
// sends every text as UTF-8, and such a server converts it to its own
// encoding: in LATIN1 an Arabic, Hebrew or Chinese name has no
// equivalent, the INSERT fails, and with it every other signature of
// the batch, again on each retry (SQL_ASCII keeps the bytes but gives
// no meaning to them, so lower() and comparisons go wrong instead).
// Refused at start, no signature is ever lost to it; the message says
// how to make a UTF8 database. It runs first, before migrating, and not
// over the simple protocol: pgx refuses that protocol outright on such a
// database ("simple protocol queries must be run with client_encoding=
// UTF8"), which was all an operator read before. QueryExecModeExec
// prepares nothing named, so it works behind a pooler too.
func checkEncoding(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) error {
	var enc, name string
	err := q.QueryRow(ctx, `SELECT pg_encoding_to_char(encoding), datname FROM pg_database WHERE datname = current_database()`,
		pgx.QueryExecModeExec).Scan(&enc, &name)
	if err != nil {
		return err
	}
	if enc == "UTF8" {
		return nil
	}
	return fmt.Errorf("the database %s stores text in the %s encoding, which cannot hold every name a signer may type "+
		"(a signature in Arabic, Hebrew or Chinese would fail, and the others sent with it). "+
		"Placard needs a UTF8 database: create one with CREATE DATABASE name ENCODING 'UTF8' TEMPLATE template0; "+
		"(copy the data over with pg_dump and pg_restore if this one holds any) and point Placard at it",
		pgx.Identifier{name}.Sanitize(), enc)
}
