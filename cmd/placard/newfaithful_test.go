package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestNewFaithful: placard new keeps the organisation's name as typed,
// quotes phone numbers, writes the editor schemas its first line points
// to, and prints the check command for the very folder it wrote into,
// ready to paste; and check warns when a campaign made public still holds
// the scaffold's stand-ins.
func TestNewFaithful(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "my campaigns")
	do := func(args ...string) (string, string, error) {
		var stdout, stderr strings.Builder
		err := run(context.Background(), args, env(nil), &stdout, &stderr)
		return stdout.String(), stderr.String(), err
	}
	out, _, err := do("new", "org", "truah", "--name", "T'ruah: The Rabbinic Call for Human Rights", "--campaigns", dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := "run: placard check '" + dir + "'"; !strings.Contains(out, want) {
		t.Errorf("new org said %q, want the command %q", out, want)
	}
	org, _ := os.ReadFile(filepath.Join(dir, "truah", "org.yaml"))
	if !strings.Contains(string(org), `name: "T'ruah: The Rabbinic Call for Human Rights"`) {
		t.Errorf("org.yaml does not keep the name as typed:\n%s", org)
	}
	for _, f := range []string{"org.schema.json", "campaign.schema.json"} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil || !json.Valid(b) {
			t.Errorf("%s, which the scaffolds' $schema line points to: %v", f, err)
		}
	}
	if _, _, err := do("new", "campaign", "truah", "senators", "--kind", "contact", "--campaigns", dir); err != nil {
		t.Fatal(err)
	}
	if _, _, err := do("new", "campaign", "truah", "ceasefire", "--kind", "petition", "--campaigns", dir); err != nil {
		t.Fatal(err)
	}
	contact, _ := os.ReadFile(filepath.Join(dir, "truah", "senators.yaml"))
	if !strings.Contains(string(contact), `phone: "+1 555 0100"`) {
		t.Errorf("the contact scaffold's phone is not quoted:\n%s", contact)
	}
	// As drafts the stand-ins are fine; published, each is a warning.
	if _, stderr, err := do("check", dir); err != nil || strings.Contains(stderr, "stand-in") {
		t.Fatalf("check of the drafts: %v\n%s", err, stderr)
	}
	for _, f := range []string{"senators.yaml", "ceasefire.yaml"} {
		plant(t, filepath.Join(dir, "truah", f), "status: draft", "status: published")
	}
	_, stderr, err := do("check", dir)
	if err != nil {
		t.Fatalf("check with placeholders: %v (warnings must not fail it)\n%s", err, stderr)
	}
	for _, want := range []string{"'The Decision Maker'", "'+1 555 0100'", "representative.example", "a note to fill in"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("check does not warn about %s:\n%s", want, stderr)
		}
	}
}
