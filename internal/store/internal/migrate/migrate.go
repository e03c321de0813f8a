// Package migrate reads an engine's embedded schema migrations. Each engine
// applies them itself (the SQL and the locking differ); this package only
// fixes the shared rules: files named NNN_description.sql, applied in
// ascending NNN order, each number used once.
package migrate

import (
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
	// SQL is the file's text, run as one script inside a transaction.
	SQL string
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
		out = append(out, Migration{Version: v, Name: name, SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}
