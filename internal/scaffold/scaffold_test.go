package scaffold

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/placard/placard/internal/campaign"
)

// TestEveryKindLoads: an org and one campaign of every kind, as written,
// load with no errors (placard new's own tests check more on disk).
func TestEveryKindLoads(t *testing.T) {
	org, err := Org("mine")
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{"mine/org.yaml": {Data: []byte(org)}}
	for _, k := range Kinds() {
		text, err := Campaign("mine", OrgName([]byte(org), "mine"), "a-"+k, k, time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, "status: draft") {
			t.Errorf("%s: the scaffold is not a draft", k)
		}
		fsys["mine/a-"+k+".yaml"] = &fstest.MapFile{Data: []byte(text)}
	}
	if _, problems := campaign.LoadFS(fsys, "."); problems.HasErrors() {
		t.Fatalf("problems:\n%s", problems.Errors().Error())
	}
}

func TestOrgName(t *testing.T) {
	for in, want := range map[string]string{
		"name: Riverside Coalition\n": "Riverside Coalition",
		"name: \"A: B\"\n":            "A: B",
		"short_name: x\n":             "Mine",
	} {
		if got := OrgName([]byte(in), "mine"); got != want {
			t.Errorf("OrgName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestOrgNamedAsTyped: the organisation's name reaches org.yaml, and the
// loaded organisation, exactly as typed, quoted where YAML needs it (seed
// 002's signatories include "T'ruah: The Rabbinic Call for Human Rights").
func TestOrgNamedAsTyped(t *testing.T) {
	for _, name := range []string{
		"Jewish Voice for Peace",
		"T'ruah: The Rabbinic Call for Human Rights",
		"ALEPH #1 \"Ameinu\"",
		"yes",
		"- Habonim Dror",
		"Partners for Progressive Israel & friends",
	} {
		org, err := OrgNamed("mine", name)
		if err != nil {
			t.Fatal(err)
		}
		text, err := Campaign("mine", OrgName([]byte(org), "mine"), "a-letter", "letter", time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		site, problems := campaign.LoadFS(fstest.MapFS{
			"mine/org.yaml":      {Data: []byte(org)},
			"mine/a-letter.yaml": {Data: []byte(text)},
		}, ".")
		if problems.HasErrors() {
			t.Fatalf("%q: problems:\n%s\n%s", name, problems.Errors().Error(), org)
		}
		if got := site.Org("mine").Name; got != name {
			t.Errorf("name = %q, want %q as typed", got, name)
		}
		if got := OrgName([]byte(org), "mine"); got != name {
			t.Errorf("OrgName = %q, want %q", got, name)
		}
	}
}
