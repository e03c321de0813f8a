package schema

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v4"
)

var update = flag.Bool("update", false, "rewrite docs_gen.go and docs/config.md")

// TestDocsGenFresh fails when docs_gen.go no longer matches the doc comments
// of internal/campaign/campaign.go; go test ./internal/schema -update rewrites it.
func TestDocsGenFresh(t *testing.T) {
	src, err := os.ReadFile("../campaign/campaign.go")
	if err != nil {
		t.Fatal(err)
	}
	want, err := GenerateDocs(src)
	if err != nil {
		t.Fatal(err)
	}
	checkFresh(t, "docs_gen.go", want)
}

// TestConfigDocFresh fails when docs/config.md differs from Markdown();
// go test ./internal/schema -update rewrites it.
func TestConfigDocFresh(t *testing.T) {
	checkFresh(t, "../../docs/config.md", []byte(Markdown()))
}

func checkFresh(t *testing.T, path string, want []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%s: %v (run go test ./internal/schema -update)", path, err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale: got %d bytes, want %d — run go test ./internal/schema -update", path, len(got), len(want))
	}
}

// compile turns a generated schema into a validator, checking on the way
// that it is valid draft-07.
func compile(t *testing.T, name string, s map[string]any) *jsonschema.Schema {
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
	if err := c.AddResource(name, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(name)
	if err != nil {
		t.Fatalf("%s does not compile: %v", name, err)
	}
	return sch
}

// jsonValue converts a YAML node to the values a JSON document holds, the way
// an editor's YAML language server sees it: dates stay text.
func jsonValue(t *testing.T, n *yaml.Node) any {
	t.Helper()
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return jsonValue(t, n.Content[0])
	case yaml.AliasNode:
		return jsonValue(t, n.Alias)
	case yaml.SequenceNode:
		out := []any{}
		for _, c := range n.Content {
			out = append(out, jsonValue(t, c))
		}
		return out
	case yaml.MappingNode:
		out := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			out[n.Content[i].Value] = jsonValue(t, n.Content[i+1])
		}
		return out
	}
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		return strings.EqualFold(n.Value, "true")
	case "!!int":
		if i, err := strconv.ParseInt(n.Value, 0, 64); err == nil {
			return json.Number(strconv.FormatInt(i, 10))
		}
	case "!!float":
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
		}
	}
	return n.Value
}

func readYAML(t *testing.T, path string) any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var n yaml.Node
	if err := yaml.Unmarshal(b, &n); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return jsonValue(t, &n)
}

// yamlFiles lists the .yaml files under the given roots, split into org files
// and campaign files.
func yamlFiles(t *testing.T, roots ...string) (orgs, camps []string) {
	t.Helper()
	for _, root := range roots {
		err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") {
				return err
			}
			// The loader skips hidden files and folders and the assets folder.
			if strings.Contains(p, "/.") || strings.Contains(p, "/assets/") {
				return nil
			}
			if filepath.Base(p) == "org.yaml" {
				orgs = append(orgs, p)
			} else {
				camps = append(camps, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return orgs, camps
}

// TestSchemaAcceptsValidFiles: every example campaign and every file the
// loader accepts in its valid testdata passes the schema.
func TestSchemaAcceptsValidFiles(t *testing.T) {
	org := compile(t, "org.json", Org())
	camp := compile(t, "campaign.json", Campaign())
	orgs, camps := yamlFiles(t, "../../campaigns", "../campaign/testdata/valid")
	if len(orgs) < 3 || len(camps) < 5 {
		t.Fatalf("found %d org files and %d campaign files, want at least 3 and 5", len(orgs), len(camps))
	}
	for _, p := range orgs {
		if err := org.Validate(readYAML(t, p)); err != nil {
			t.Errorf("%s: got %v, want valid", p, err)
		}
	}
	for _, p := range camps {
		if err := camp.Validate(readYAML(t, p)); err != nil {
			t.Errorf("%s: got %v, want valid", p, err)
		}
	}
}

// TestSchemaRejectsInvalidFiles: the invalid testdata files whose mistakes
// are about one file's shape — an unknown or misspelt setting, a value not
// in a fixed list, a value of the wrong type, a missing required setting, a
// setting of another kind, a badly written colour — fail the schema. The
// other invalid testdata is judged only by the loader: cross-file rules
// (related campaigns, assets, ids, names of folders), arithmetic on values
// (dates in the wrong order, share text too long, signing rules) and YAML
// syntax errors, which no JSON Schema can express.
func TestSchemaRejectsInvalidFiles(t *testing.T) {
	org := compile(t, "org.json", Org())
	camp := compile(t, "campaign.json", Campaign())
	for _, p := range []string{
		"misspelt-field/riverside/save-the-library.yaml", // unknown field titel
		"synonyms/syn/campaign.yaml",                     // description, tags, type, url, contacts
		"synonyms/syn/org.yaml",                          // description
		"enums/en/choices.yaml",                          // status, layout, kind, format
		"types/typ/wrong.yaml",                           // text, date, list, number, duration of the wrong shape
		"types/typ/org.yaml",                             // name as a list, logo as text
		"types/typ/actions-mapping.yaml",                 // actions as a mapping
		"action-settings/act/mixed.yaml",                 // body on a share, txt on a petition
		"required/req/missing.yaml",                      // no title, summary, date or actions
		"required/req/empty-values.yaml",                 // empty title, summary and date
		"required/req/kinds.yaml",                        // each kind without its required settings
		"required/req/org.yaml",                          // organisation without a name
		"formats/col/org.yaml",                           // accent without its #
		"formats/col2/org.yaml",                          // #12345, #ggg
	} {
		path := "../campaign/testdata/invalid/" + p
		s := camp
		if filepath.Base(p) == "org.yaml" {
			s = org
		}
		if err := s.Validate(readYAML(t, path)); err == nil {
			t.Errorf("%s: got valid, want the schema to reject it", p)
		}
	}
}

// TestSchemaRejectsEachMistake checks single mistakes one at a time, so a
// schema that rejects a file for one reason cannot hide that it misses another.
func TestSchemaRejectsEachMistake(t *testing.T) {
	camp := compile(t, "campaign.json", Campaign())
	base := "title: T\nsummary: S\ndate: 2026-02-10\n"
	good := base + "actions:\n  - kind: listen\n    items:\n      - {title: A, link: 'https://example.org', duration: 34m, format: audio}\n"
	if err := camp.Validate(yamlValue(t, good)); err != nil {
		t.Fatalf("the starting file: got %v, want valid", err)
	}
	for name, doc := range map[string]string{
		"unknown field":           good + "colour: red\n",
		"wrong status":            good + "status: live\n",
		"wrong layout":            good + "layout: grid\n",
		"wrong kind":              base + "actions:\n  - kind: rally\n",
		"date as words":           "title: T\nsummary: S\ndate: tomorrow\nactions: [{kind: share}]\n",
		"goal with separator":     base + "actions:\n  - {kind: petition, target: C, text: T, goal: '5,000'}\n",
		"duration without unit":   base + "actions:\n  - kind: listen\n    items: [{title: A, link: L, duration: 34}]\n",
		"setting of another kind": base + "actions:\n  - {kind: share, goal: 5}\n",
		"field rule":              base + "actions:\n  - {kind: petition, target: C, text: T, fields: {phone: maybe}}\n",
		"signing as a word":       base + "actions:\n  - {kind: letter, to: C, body: B, signing: sometimes}\n",
		"related as a list":       good + "related:\n  - [a, b]\n",
	} {
		if err := camp.Validate(yamlValue(t, doc)); err == nil {
			t.Errorf("%s: got valid, want rejected:\n%s", name, doc)
		}
	}
	for name, doc := range map[string]string{
		"related by name and by link": good + "related:\n  - save-the-library\n  - {title: A page, link: 'https://example.org'}\n",
		"true as yes":                 base + "actions:\n  - {kind: letter, to: C, body: B, signing: yes}\n",
		"goal as quoted number":       base + "actions:\n  - {kind: petition, target: C, text: T, goal: '500'}\n",
		"clock duration":              base + "actions:\n  - kind: listen\n    items: [{title: A, link: L, duration: '1:02:03'}]\n",
		"number as text":              good + "hashtags: [2026]\n",
	} {
		if err := camp.Validate(yamlValue(t, doc)); err != nil {
			t.Errorf("%s: got %v, want valid", name, err)
		}
	}
}

func yamlValue(t *testing.T, doc string) any {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &n); err != nil {
		t.Fatal(err)
	}
	return jsonValue(t, &n)
}
