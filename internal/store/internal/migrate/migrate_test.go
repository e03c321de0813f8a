package migrate

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestLoad(t *testing.T) {
	ms, err := Load(os.DirFS("testdata"), "good")
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 2 || ms[0].Version != 1 || ms[1].Version != 2 || ms[0].Name != "001_a.sql" ||
		!strings.Contains(ms[0].SQL, "TABLE a") {
		t.Errorf("Load: got %+v, want 001_a.sql then 002_b.sql", ms)
	}
	for dir, want := range map[string]string{"dup": "share version 1", "bad": "NNN_description.sql"} {
		if _, err := Load(os.DirFS("testdata"), dir); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load(%s): got %v, want an error containing %q", dir, err, want)
		}
	}
}

// TestCheckKnown: a database recording a version this binary lacks is
// refused with the version, the newest known and what to do; one holding
// only known versions (or fewer) passes.
func TestCheckKnown(t *testing.T) {
	ms := []Migration{{Version: 1, Name: "001_a.sql"}, {Version: 2, Name: "002_b.sql"}}
	if err := CheckKnown(ms, []Applied{{1, "001_a.sql"}}); err != nil {
		t.Errorf("CheckKnown on an older database: %v, want nil", err)
	}
	err := CheckKnown(ms, []Applied{{1, "001_a.sql"}, {2, "002_b.sql"}, {19, "019_c.sql"}})
	if !errors.Is(err, ErrNewer) {
		t.Fatalf("CheckKnown with version 19: got %v, want ErrNewer", err)
	}
	for _, want := range []string{"newer version of placard", "019 (019_c.sql)", "up to 002", "restore the backup"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("CheckKnown: %q lacks %q", err, want)
		}
	}
}

// TestNoTransaction: a file starting with the mark runs statement by
// statement; comment lines are dropped and a statement may span lines;
// text after the last semicolon is refused, not silently left out.
func TestNoTransaction(t *testing.T) {
	m := Migration{Name: "027_x.sql", SQL: NoTransactionMark + "\n-- why\nCREATE INDEX CONCURRENTLY IF NOT EXISTS a ON t (x)\n\tWHERE y;\n\nCREATE INDEX CONCURRENTLY IF NOT EXISTS b ON t (z);\n"}
	got, err := m.Statements()
	if err != nil || len(got) != 2 || got[0] != "CREATE INDEX CONCURRENTLY IF NOT EXISTS a ON t (x)\n\tWHERE y;" ||
		got[1] != "CREATE INDEX CONCURRENTLY IF NOT EXISTS b ON t (z);" {
		t.Errorf("Statements: got %q, %v", got, err)
	}
	m.SQL += "DROP TABLE t"
	if _, err := m.Statements(); err == nil || !strings.Contains(err.Error(), "semicolon") {
		t.Errorf("Statements with an unterminated statement: got %v, want an error about the semicolon", err)
	}
	ms, err := Load(os.DirFS("testdata"), "good")
	if err != nil || ms[0].NoTransaction {
		t.Errorf("Load: a file without the mark is NoTransaction (%v)", err)
	}
}
