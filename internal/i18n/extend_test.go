package i18n

import "testing"

func TestExtendRefusesADuplicateKey(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("extend accepted a key the catalogue already has")
		}
	}()
	extend(map[string]map[string]string{"en": {"steps.nav": "again"}})
}

func TestExtendAddsKeys(t *testing.T) {
	extend(map[string]map[string]string{"en": {"test.extend.only": "added"}})
	defer delete(catalogue["en"], "test.extend.only")
	if got := New("en", nil).T("test.extend.only"); got != "added" {
		t.Fatalf("T = %q, want the extended string", got)
	}
}
