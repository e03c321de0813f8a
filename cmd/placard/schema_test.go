package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v4"

	"github.com/placard/placard/internal/schema"
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

// TestScaffoldsPassTheSchema: what placard new writes, as written and with
// every option turned on, is valid against the schema the editor loads, so
// an organiser never sees the editor flag a file the scaffold wrote.
func TestScaffoldsPassTheSchema(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := newRun(t, "org", "riverside", "--campaigns", dir); code != 0 {
		t.Fatalf("new org: exit %d; stderr:\n%s", code, stderr)
	}
	for _, kind := range scaffoldKinds() {
		if code, _, stderr := newRun(t, "campaign", "riverside", "try-"+kind, "--kind", kind, "--campaigns", dir); code != 0 {
			t.Fatalf("new campaign --kind %s: exit %d; stderr:\n%s", kind, code, stderr)
		}
	}
	org, camp := compileSchema(t, schema.Org()), compileSchema(t, schema.Campaign())
	files, err := filepath.Glob(filepath.Join(dir, "riverside", "*.yaml"))
	if err != nil || len(files) != len(scaffoldKinds())+1 {
		t.Fatalf("got %d files (%v), want %d", len(files), err, len(scaffoldKinds())+1)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s := camp
		if filepath.Base(f) == "org.yaml" {
			s = org
		}
		for what, text := range map[string]string{"as written": string(data), "with every option on": uncommentOptions(string(data))} {
			if err := s.Validate(jsonOfYAML(t, text)); err != nil {
				t.Errorf("%s %s: got %v, want valid", filepath.Base(f), what, err)
			}
		}
	}
}

func compileSchema(t *testing.T, s map[string]any) *jsonschema.Schema {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	if err := c.AddResource("schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("schema.json")
	if err != nil {
		t.Fatalf("the schema does not compile: %v", err)
	}
	return sch
}

// jsonOfYAML reads a YAML document into the values an editor's YAML language
// server checks: scalars by their YAML type, dates kept as text.
func jsonOfYAML(t *testing.T, text string) any {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(text), &n); err != nil {
		t.Fatal(err)
	}
	var conv func(n *yaml.Node) any
	conv = func(n *yaml.Node) any {
		switch n.Kind {
		case yaml.DocumentNode:
			if len(n.Content) == 0 {
				return nil
			}
			return conv(n.Content[0])
		case yaml.AliasNode:
			return conv(n.Alias)
		case yaml.SequenceNode:
			out := []any{}
			for _, c := range n.Content {
				out = append(out, conv(c))
			}
			return out
		case yaml.MappingNode:
			out := map[string]any{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				out[n.Content[i].Value] = conv(n.Content[i+1])
			}
			return out
		}
		switch n.ShortTag() {
		case "!!null":
			return nil
		case "!!bool":
			return strings.EqualFold(n.Value, "true")
		case "!!int", "!!float":
			if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
				return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
			}
		}
		return n.Value
	}
	return conv(&n)
}
