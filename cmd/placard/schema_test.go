package main

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func schemaRun(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut strings.Builder
	err := run(context.Background(), append([]string{"schema"}, args...), env(nil), &out, &errOut)
	return exitCode(err), out.String(), errOut.String()
}

// TestSchemaCommand prints both schemas as draft-07 JSON with the settings
// organisers write, and the Markdown reference equal to docs/config.md.
func TestSchemaCommand(t *testing.T) {
	for file, key := range map[string]string{"org": "media_contact", "campaign": "actions"} {
		code, out, stderr := schemaRun(t, file)
		if code != 0 {
			t.Fatalf("schema %s: exit %d, want 0; stderr:\n%s", file, code, stderr)
		}
		var s map[string]any
		if err := json.Unmarshal([]byte(out), &s); err != nil {
			t.Fatalf("schema %s: got invalid JSON: %v", file, err)
		}
		if got := s["$schema"]; got != "http://json-schema.org/draft-07/schema#" {
			t.Errorf("schema %s: $schema %v, want draft-07", file, got)
		}
		props, _ := s["properties"].(map[string]any)
		if _, ok := props[key]; !ok {
			t.Errorf("schema %s: no property %q among %d", file, key, len(props))
		}
		if strings.Contains(out, "$ref") || strings.Contains(out, "$defs") {
			t.Errorf("schema %s uses $ref or $defs, want everything inline", file)
		}
	}
	code, out, _ := schemaRun(t, "--markdown")
	want, err := os.ReadFile("../../docs/config.md")
	if err != nil {
		t.Fatal(err)
	}
	if code != 0 || out != string(want) {
		t.Errorf("schema --markdown: exit %d, %d bytes; want exit 0 and docs/config.md (%d bytes)", code, len(out), len(want))
	}
}

// TestSchemaUsage: a missing or unknown file type is a usage error (exit 2)
// that says what to write.
func TestSchemaUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"letter"}, {"org", "campaign"}} {
		code, out, stderr := schemaRun(t, args...)
		if code != 2 || out != "" || !strings.Contains(stderr, "org") || !strings.Contains(stderr, "campaign") {
			t.Errorf("schema %v: exit %d, stdout %q, stderr %q; want exit 2, no output, a message naming org and campaign", args, code, out, stderr)
		}
	}
}

// TestScaffoldsNameTheSchema: every file placard new writes starts with the
// yaml-language-server line pointing at the schema file the docs tell
// organisers to write into the campaigns folder.
func TestScaffoldsNameTheSchema(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := newRun(t, "org", "riverside", "--campaigns", dir); code != 0 {
		t.Fatalf("new org: exit %d; stderr:\n%s", code, stderr)
	}
	if code, _, stderr := newRun(t, "campaign", "riverside", "try", "--kind", "petition", "--campaigns", dir); code != 0 {
		t.Fatalf("new campaign: exit %d; stderr:\n%s", code, stderr)
	}
	for file, want := range map[string]string{
		"riverside/org.yaml": "# yaml-language-server: $schema=../org.schema.json\n",
		"riverside/try.yaml": "# yaml-language-server: $schema=../campaign.schema.json\n",
	} {
		b, err := os.ReadFile(dir + "/" + file)
		if err != nil {
			t.Fatal(err)
		}
		if first, _, _ := strings.Cut(string(b), "\n"); first+"\n" != want {
			t.Errorf("%s: first line %q, want %q", file, first, want)
		}
	}
}
