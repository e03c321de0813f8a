package migrate

import (
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
