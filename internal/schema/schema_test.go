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
