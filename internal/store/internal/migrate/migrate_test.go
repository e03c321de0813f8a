package migrate

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
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
	m.SQL += "DROP TABLE t\n"
	if got, err := m.Statements(); err != nil || len(got) != 3 || got[2] != "DROP TABLE t" {
		t.Errorf("Statements with a last statement without its semicolon: got %q, %v; want it as the third", got, err)
	}
	ms, err := Load(os.DirFS("testdata"), "good")
	if err != nil || ms[0].NoTransaction {
		t.Errorf("Load: a file without the mark is NoTransaction (%v)", err)
	}
}

// TestStatementsHostile: the splitter ends a statement only at a
// semicolon PostgreSQL itself would end it at — not one inside a string
// literal (plain, E” with backslash escapes, U&”), a quoted
// identifier, a $$ or $tag$ dollar quote, a -- comment or a nested
// /* */ comment, nor inside parentheses or a BEGIN ATOMIC function body
// (as psql decides) — and refuses text it cannot close (an unterminated
// quote or comment, a parenthesis or body still open at the end) rather
// than send half of it. The last statement may lack its semicolon, as
// PostgreSQL accepts; a tail of spaces and comments is no statement.
func TestStatementsHostile(t *testing.T) {
	for _, c := range []struct {
		name, sql string
		want      []string
		err       string // a part of the error; "" for none
	}{
		{name: "two statements on one line", sql: "SELECT 1; SELECT 2;",
			want: []string{"SELECT 1;", "SELECT 2;"}},
		{name: "semicolon in a string", sql: "INSERT INTO t VALUES ('a;b');\nSELECT 2;",
			want: []string{"INSERT INTO t VALUES ('a;b');", "SELECT 2;"}},
		{name: "semicolon at a line's end inside a string", sql: "INSERT INTO t VALUES ('a;\nb');\n",
			want: []string{"INSERT INTO t VALUES ('a;\nb');"}},
		{name: "doubled quote", sql: "SELECT 'it''s; fine';",
			want: []string{"SELECT 'it''s; fine';"}},
		{name: "standard string ends at a backslash", sql: `SELECT '\'; SELECT 2;`,
			want: []string{`SELECT '\';`, "SELECT 2;"}},
		{name: "escape string", sql: `SELECT E'\'; still'; SELECT 2;`,
			want: []string{`SELECT E'\'; still';`, "SELECT 2;"}},
		{name: "escape string, lower case, escaped backslash", sql: `SELECT e'a\\'; SELECT 2;`,
			want: []string{`SELECT e'a\\';`, "SELECT 2;"}},
		{name: "identifier ending in e is no escape string", sql: `SELECT some'x'; SELECT 2;`,
			want: []string{`SELECT some'x';`, "SELECT 2;"}},
		{name: "unicode string", sql: `SELECT U&'d\0061t\+000061;'; SELECT 2;`,
			want: []string{`SELECT U&'d\0061t\+000061;';`, "SELECT 2;"}},
		{name: "quoted identifier", sql: `CREATE TABLE "a;""b" (x int); SELECT 2;`,
			want: []string{`CREATE TABLE "a;""b" (x int);`, "SELECT 2;"}},
		{name: "dollar quote", sql: "CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  PERFORM 1;\n  RETURN 1;\nEND;\n$$;\nSELECT 2;",
			want: []string{"CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$\nBEGIN\n  PERFORM 1;\n  RETURN 1;\nEND;\n$$;", "SELECT 2;"}},
		{name: "tagged dollar quote holding $$", sql: "DO $body$ BEGIN RAISE NOTICE '$$;'; END; $body$; SELECT 2;",
			want: []string{"DO $body$ BEGIN RAISE NOTICE '$$;'; END; $body$;", "SELECT 2;"}},
		{name: "dollar quote tags differ", sql: "SELECT $a$ x $b$; $a$; SELECT 2;",
			want: []string{"SELECT $a$ x $b$; $a$;", "SELECT 2;"}},
		{name: "parameter is no dollar quote", sql: "PREPARE p AS SELECT $1; SELECT 2;",
			want: []string{"PREPARE p AS SELECT $1;", "SELECT 2;"}},
		{name: "dollar inside an identifier is no quote", sql: "SELECT a$b$ FROM t; SELECT 2;",
			want: []string{"SELECT a$b$ FROM t;", "SELECT 2;"}},
		{name: "line comment with a semicolon", sql: "SELECT 1 -- not; here\n;\nSELECT 2;",
			want: []string{"SELECT 1 -- not; here\n;", "SELECT 2;"}},
		{name: "comments between statements are dropped", sql: "-- a;\n/* b; */\nSELECT 1;\n-- c\n",
			want: []string{"SELECT 1;"}},
		{name: "nested block comment", sql: "SELECT 1 /* a /* b; */ c; */; SELECT 2;",
			want: []string{"SELECT 1 /* a /* b; */ c; */;", "SELECT 2;"}},
		{name: "quote inside a comment", sql: "SELECT 1 /* don't */; -- it's\nSELECT 2;",
			want: []string{"SELECT 1 /* don't */;", "SELECT 2;"}},
		{name: "comment marks inside a string", sql: "SELECT '--', '/*'; SELECT 2;",
			want: []string{"SELECT '--', '/*';", "SELECT 2;"}},
		{name: "BEGIN ATOMIC body", sql: "CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN true THEN 1 END;\n  SELECT 2;\nEND;\nSELECT 3;",
			want: []string{"CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT CASE WHEN true THEN 1 END;\n  SELECT 2;\nEND;", "SELECT 3;"}},
		{name: "BEGIN outside a function ends at its semicolon", sql: "BEGIN; SELECT 1;",
			want: []string{"BEGIN;", "SELECT 1;"}},
		{name: "empty statements are dropped", sql: ";; SELECT 1;;",
			want: []string{"SELECT 1;"}},
		{name: "CRLF", sql: "-- why\r\nCREATE INDEX CONCURRENTLY IF NOT EXISTS a ON t (x)\r\n\tWHERE y;\r\n\r\nSELECT ';\r\n';\r\n",
			want: []string{"CREATE INDEX CONCURRENTLY IF NOT EXISTS a ON t (x)\r\n\tWHERE y;", "SELECT ';\r\n';"}},
		{name: "unterminated string", sql: "SELECT 'a;\nSELECT 2;", err: "string"},
		{name: "unterminated escape string", sql: `SELECT E'a\';`, err: "string"},
		{name: "unterminated quoted identifier", sql: `SELECT "a; SELECT 2;`, err: "quoted name"},
		{name: "unterminated dollar quote", sql: "DO $x$ BEGIN END; $y$;", err: "$x$"},
		{name: "unterminated block comment", sql: "SELECT 1; /* a /* b */ SELECT 2;", err: "comment"},
		{name: "last statement without semicolon", sql: "SELECT 1;\nSELECT 2",
			want: []string{"SELECT 1;", "SELECT 2"}},
		{name: "last statement without semicolon, comment after", sql: "SELECT 1;\nSELECT 2 -- ;\n",
			want: []string{"SELECT 1;", "SELECT 2"}},
		{name: "last statement without semicolon, block comment after", sql: "SELECT 1 /* a; */ \n/* b */\n",
			want: []string{"SELECT 1"}},
		{name: "only statement without semicolon, CRLF", sql: "-- why\r\nCREATE INDEX CONCURRENTLY IF NOT EXISTS a ON t (x)\r\n\tWHERE y\r\n\r\n",
			want: []string{"CREATE INDEX CONCURRENTLY IF NOT EXISTS a ON t (x)\r\n\tWHERE y"}},
		{name: "last statement ends with a string", sql: "SELECT 1; SELECT 'a;b'",
			want: []string{"SELECT 1;", "SELECT 'a;b'"}},
		{name: "last statement ends with an escape string", sql: `SELECT E'a\'b'`,
			want: []string{`SELECT E'a\'b'`}},
		{name: "last statement ends with a dollar quote", sql: "DO $$ BEGIN END; $$",
			want: []string{"DO $$ BEGIN END; $$"}},
		{name: "last statement ends with a closed BEGIN ATOMIC body", sql: "CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\nEND\n",
			want: []string{"CREATE FUNCTION f() RETURNS int LANGUAGE sql\nBEGIN ATOMIC\n  SELECT 1;\nEND"}},
		{name: "whitespace tail is no statement", sql: "SELECT 1;\n \t\r\n\f\v",
			want: []string{"SELECT 1;"}},
		{name: "comment tail is no statement", sql: "SELECT 1;\n-- end\n/* x; */ -- y",
			want: []string{"SELECT 1;"}},
		{name: "empty text", sql: "", want: nil},
		{name: "comments only", sql: "-- nothing here;\n/* nor; here */\n", want: nil},
		{name: "semicolons only", sql: " ; ;\n", want: nil},
		{name: "unclosed paren at the end", sql: "SELECT (1;\n", err: "parenthesis"},
		{name: "unclosed BEGIN ATOMIC body at the end", sql: "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1;\n", err: "BEGIN"},
		{name: "unclosed BEGIN ATOMIC body in parens", sql: "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT (1;", err: "parenthesis"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Migration{Name: "099_x.sql", SQL: c.sql, NoTransaction: true}.Statements()
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), "099_x.sql") {
					t.Fatalf("Statements(%q) = %q, %v; want an error naming the file and containing %q", c.sql, got, err, c.err)
				}
				return
			}
			if err != nil || !slices.Equal(got, c.want) {
				t.Fatalf("Statements(%q)\n got %q, %v\nwant %q", c.sql, got, err, c.want)
			}
		})
	}
}

// TestLoadCRLF: a checkout with CRLF line endings (git's autocrlf on
// Windows) or a byte-order mark an editor added loads exactly as the LF
// file does — above all it keeps its no-transaction mark, which was read
// only when followed by "\n", so 027's CREATE INDEX CONCURRENTLY ran
// inside the migration transaction and PostgreSQL refused it.
func TestLoadCRLF(t *testing.T) {
	lf := NoTransactionMark + "\n-- why\nCREATE INDEX CONCURRENTLY IF NOT EXISTS a ON t (x);\n"
	fsys := fstest.MapFS{
		"m/001_lf.sql":   {Data: []byte(lf)},
		"m/002_crlf.sql": {Data: []byte(strings.ReplaceAll(lf, "\n", "\r\n"))},
		"m/003_bom.sql":  {Data: []byte("\ufeff" + strings.ReplaceAll(lf, "\n", "\r\n"))},
		"m/004_only.sql": {Data: []byte(NoTransactionMark)},
		"m/005_not.sql":  {Data: []byte(NoTransactionMark + "al\r\nSELECT 1;\r\n")},
	}
	ms, err := Load(fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:3] {
		if !m.NoTransaction || m.SQL != lf {
			t.Errorf("%s: NoTransaction %v, SQL %q; want true and the LF text", m.Name, m.NoTransaction, m.SQL)
		}
	}
	if !ms[3].NoTransaction {
		t.Errorf("%s: a file holding only the mark is not NoTransaction", ms[3].Name)
	}
	if ms[4].NoTransaction {
		t.Errorf("%s: a first line that only starts with the mark made it NoTransaction", ms[4].Name)
	}
}

// TestRealNoTransactionFiles: every real PostgreSQL migration splits
// with LF and with CRLF line endings alike, and each one carrying the mark
// splits as its author meant — each statement beginning with CREATE or
// DROP and ending with its semicolon. SQLite runs every migration in one
// transaction and ignores the mark, so none of its files may carry it (a
// developer would believe it did something).
func TestRealNoTransactionFiles(t *testing.T) {
	ms, err := Load(os.DirFS("../../postgres"), "migrations")
	if err != nil {
		t.Fatal(err)
	}
	marked := 0
	for _, m := range ms {
		if m.NoTransaction {
			marked++
		}
		for _, crlf := range []bool{false, true} {
			if crlf {
				m.SQL = strings.ReplaceAll(m.SQL, "\n", "\r\n")
			}
			stmts, err := m.Statements()
			if err != nil {
				t.Errorf("%s (CRLF %v): %v", m.Name, crlf, err)
				continue
			}
			if len(stmts) == 0 {
				t.Errorf("%s (CRLF %v): no statement", m.Name, crlf)
			}
			if !m.NoTransaction {
				continue
			}
			for _, s := range stmts {
				if !strings.HasPrefix(s, "CREATE ") && !strings.HasPrefix(s, "DROP ") || !strings.HasSuffix(s, ";") || strings.Contains(s, "--") {
					t.Errorf("%s (CRLF %v): statement %q", m.Name, crlf, s)
				}
			}
		}
	}
	if marked == 0 {
		t.Error("no real migration carries the no-transaction mark: this test checks nothing")
	}
	ms, err = Load(os.DirFS("../../sqlite"), "migrations")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.NoTransaction {
			t.Errorf("sqlite/%s carries the no-transaction mark, which SQLite ignores: every SQLite migration runs in one transaction", m.Name)
		}
	}
}
