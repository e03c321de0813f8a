package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/placard/placard/internal/export"
	"github.com/placard/placard/internal/signing"
)

// TestGivenAndFamilyNames: CSV and JSON carry given_name and family_name
// beside name — as typed on a split form, empty (never guessed) on a
// one-field form.
func TestGivenAndFamilyNames(t *testing.T) {
	sigs := []*signing.Signature{
		{ID: 1, Name: "María José García López", GivenName: "María José", FamilyName: "García López", Email: "a@example.org"},
		{ID: 2, Name: "Ana Ruiz", Email: "b@example.org"},
	}
	each := func(fn func(*signing.Signature) error) error {
		for _, s := range sigs {
			if err := fn(s); err != nil {
				return err
			}
		}
		return nil
	}
	var buf bytes.Buffer
	if _, err := export.Write(&buf, "csv", each); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for i, want := range [][2]string{{"María José", "García López"}, {"", ""}} {
		r := rows[i+1]
		if got := [2]string{r[col["given_name"]], r[col["family_name"]]}; got != want {
			t.Errorf("CSV row %d: got %q, want %q", i+1, got, want)
		}
	}
	if col["given_name"] != col["name"]+1 || col["family_name"] != col["name"]+2 {
		t.Errorf("CSV header %v: want given_name and family_name right after name", rows[0])
	}
	buf.Reset()
	if _, err := export.Write(&buf, "json", each); err != nil {
		t.Fatal(err)
	}
	var js []map[string]any
	if err := json.Unmarshal(buf.Bytes(), &js); err != nil {
		t.Fatal(err)
	}
	if js[0]["given_name"] != "María José" || js[0]["family_name"] != "García López" || js[1]["given_name"] != "" {
		t.Errorf("JSON: got %v", js)
	}
	if !strings.Contains(strings.Join(export.Columns, ","), "name,given_name,family_name,email") {
		t.Errorf("Columns: %v", export.Columns)
	}
}
