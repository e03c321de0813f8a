// Package migrate reads an engine's embedded schema migrations. Each engine
// applies them itself (the SQL and the locking differ); this package only
// fixes the shared rules: files named NNN_description.sql, applied in
// ascending NNN order, each number used once.
package migrate

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Migration is one schema step.
type Migration struct {
	// Version is the NNN prefix of the file name; versions are applied in
	// ascending order and recorded in schema_migrations.
	Version int
	// Name is the file name, kept in schema_migrations for people reading it.
	Name string
	// SQL is the file's text, run as one script inside a transaction —
	// unless NoTransaction.
	SQL string
	// NoTransaction marks a file whose first line is NoTransactionMark:
	// its statements run one by one, each its own transaction, as
	// PostgreSQL's CREATE INDEX CONCURRENTLY requires (Statements splits
	// them). Every statement of such a file must be safe to run again
	// (IF NOT EXISTS): a crash between two of them leaves the migration
	// unrecorded, and the next start runs the file from its first line.
	NoTransaction bool
}

// NoTransactionMark, as a migration's first line, sets NoTransaction.
const NoTransactionMark = "-- placard: no transaction"

// Statements splits a NoTransaction migration into its statements, each
// from its first word to its semicolon, as PostgreSQL reads them: a
// semicolon inside a string, a quoted name, a dollar quote, a comment,
// parentheses or a function's BEGIN ATOMIC body ends nothing (split).
// Comments between statements are dropped. The last statement may lack
// its semicolon, as PostgreSQL allows; a quote, comment, parenthesis or
// body never closed is an error rather than a statement sent in part or
// silently left out.
func (m Migration) Statements() ([]string, error) {
	out, err := split(m.SQL)
	if err != nil {
		return nil, fmt.Errorf("migration %s: %w", m.Name, err)
	}
	return out, nil
}

// Load returns the migrations in dir of fsys, ordered by version. A file
// whose name does not start with a number, or two files with the same
// number, are programming errors reported here rather than half-applied.
func Load(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("reading migrations: %w", err)
	}
	var out []Migration
	seen := map[int]string{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		if !ok {
			return nil, fmt.Errorf("migration %s: name must be NNN_description.sql", name)
		}
		v, err := strconv.Atoi(num)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s: name must start with a positive number", name)
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("migrations %s and %s share version %d", other, name, v)
		}
		seen[v] = name
		b, err := fs.ReadFile(fsys, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("reading migration %s: %w", name, err)
		}
		text := lineFeeds(string(b))
		first, _, _ := strings.Cut(text, "\n")
		out = append(out, Migration{Version: v, Name: name, SQL: text,
			NoTransaction: strings.TrimRight(first, " \t") == NoTransactionMark})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// lineFeeds returns a migration's text as its author wrote it, whatever
// the checkout did to it: CRLF line endings (git's autocrlf on Windows)
// back to LF, and an editor's byte-order mark dropped. Without it a CRLF
// checkout lost the no-transaction mark (it was read only before "\n"),
// and an installation built from it ran 027's CREATE INDEX CONCURRENTLY
// inside a transaction, which PostgreSQL refuses, so it never started. The
// schema, string literals included, is the same from either checkout.
func lineFeeds(s string) string {
	return strings.ReplaceAll(strings.TrimPrefix(s, "\ufeff"), "\r\n", "\n")
}

// Applied is one row of an engine's schema_migrations table.
type Applied struct {
	Version int
	Name    string
}

// CheckKnown refuses a database that records a migration this binary does
// not have: a newer placard wrote it, and its schema may change what an
// erasure must do (PostgreSQL's bundled messages, migration 018, are the
// first such change), so an older binary running on it could block or
// miss erasures, or send what was erased. Engines call it before applying
// anything, so the refused database is left exactly as it was.
func CheckKnown(ms []Migration, applied []Applied) error {
	known := make(map[int]bool, len(ms))
	newest := 0
	for _, m := range ms {
		known[m.Version] = true
		newest = max(newest, m.Version)
	}
	var unknown []string
	for _, a := range applied {
		if !known[a.Version] {
			unknown = append(unknown, fmt.Sprintf("%03d (%s)", a.Version, a.Name))
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	sort.Strings(unknown)
	return fmt.Errorf("%w: the database has schema version %s, and this placard knows versions up to %03d; "+
		"running on it could lose or leak signatures, so nothing was changed. "+
		"Run the newer placard that upgraded it, or restore the backup taken before the upgrade",
		ErrNewer, strings.Join(unknown, ", "), newest)
}

// ErrNewer is the error CheckKnown wraps: the database was written by a
// newer placard.
var ErrNewer = errors.New("this database was written by a newer version of placard")
