package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/placard/placard/internal/campaign"
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
			if strings.Contains(p, "/.") || strings.Contains(p, "/assets/") || strings.Contains(p, "/targets/") {
				return nil
			}
			switch filepath.Base(p) {
			case "site.yaml":
				// The site's own settings (no schema of their own yet).
			case "org.yaml":
				orgs = append(orgs, p)
			default:
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

// beyondSchema lists the invalid testdata files whose every mistake lies
// outside what one JSON document can show, each with the reason. The loader
// reports them; an editor cannot. The test fails if the schema starts to
// reject one of them, so the list stays exact.
var beyondSchema = map[string]string{
	"assets/art/org.yaml":                             "the logo names a file that does not exist",
	"shared-secrets/south/org.yaml":                   "api_key_env is another organisation's variable: depends on the folder's name",
	"secret-env/crm/org.yaml":                         "names a variable not the organisation's own: depends on the folder's name and --secret-env",
	"secret-env/north/org.yaml":                       "names another organisation's variable: compared across folders",
	"webhooks/own/org.yaml":                           "names one of Placard's own settings (PLACARD_…), which a pattern without look-ahead cannot refuse alone",
	"dates/dt/publish-late.yaml":                      "publish_at is after close_at: one date compared with another",
	"dates/dt/times.yaml":                             "close_at is before date: one date compared with another",
	"names/Riverside Coalition/Save The Library.yaml": "the file's name, not its content",
	"shorts/friends/b.yaml":                           "the short address is another campaign's: compared across files",
	"shorts/harbour/other.yaml":                       "the short address is another campaign's: compared across files",
	"shorts/friends/d.yaml":                           "the short address is one the site uses itself",
	"shorts/friends/e.yaml":                           "the short address is an organisation's folder name",
	"escapes/esc/org.yaml":                            "a NUL written as an escape in quotes: every text setting would need a pattern of its own",
	"escapes/esc/forms.yaml":                          "a NUL written as an escape in quotes: every text setting would need a pattern of its own",
	"syntax/syn/anchor-word.yaml":                     "a value's first word read as an anchor no alias uses: the YAML reader drops it before the schema sees the value",
	"syntax/syn/bang-word.yaml":                       "a value's first word read as a tag: the YAML reader drops it before the schema sees the value",
}

// TestSchemaRejectsInvalidFiles loads every invalid testdata case with the
// loader, and checks that each file the loader finds an error in is refused
// before the loader sees it: by the YAML reader an editor runs first (syntax,
// a setting written twice, a second document) or by the schema — except the
// files listed in beyondSchema. It logs the tally.
func TestSchemaRejectsInvalidFiles(t *testing.T) {
	org := compile(t, "org.json", Org())
	camp := compile(t, "campaign.json", Campaign())
	const root = "../campaign/testdata/invalid"
	cases, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var bySchema, byYAML, beyond int
	seen := map[string]bool{}
	for _, c := range cases {
		if !c.IsDir() {
			continue
		}
		dir := filepath.Join(root, c.Name())
		_, problems := campaign.Load(dir)
		files := map[string]bool{}
		for _, p := range problems {
			if !p.Warning && strings.HasSuffix(p.File, ".yaml") {
				if _, err := os.Stat(p.File); err == nil {
					files[p.File] = true
				}
			}
		}
		if len(files) == 0 {
			t.Errorf("%s: the loader found no error in any .yaml file, want an invalid case", c.Name())
		}
		for path := range files {
			rel := filepath.ToSlash(strings.TrimPrefix(path, root+string(filepath.Separator)))
			doc, yamlErr := editorYAML(t, path)
			if yamlErr != nil {
				byYAML++
				continue
			}
			s := camp
			if filepath.Base(path) == "org.yaml" {
				s = org
			}
			err := s.Validate(doc)
			reason, listed := beyondSchema[rel]
			seen[rel] = true
			switch {
			case err != nil && listed:
				t.Errorf("%s: the schema now rejects it — remove it from beyondSchema (%s)", rel, reason)
			case err != nil:
				bySchema++
			case listed:
				beyond++
			default:
				t.Errorf("%s: got valid, want the schema to reject it (the loader reports an error in it)", rel)
			}
		}
	}
	for rel := range beyondSchema {
		if !seen[rel] {
			t.Errorf("beyondSchema lists %s, but the loader finds no error in it — remove it", rel)
		}
	}
	t.Logf("invalid files: %d rejected by the schema, %d by the YAML reader, %d beyond any schema (files and folders, dates compared)",
		bySchema, byYAML, beyond)
	if bySchema < 30 {
		t.Errorf("the schema rejected %d invalid files, want at least 30", bySchema)
	}
}

// editorYAML reads a file the way an editor's YAML language server does:
// syntax errors, a key written twice and a second document are reported
// before any schema is applied.
func editorYAML(t *testing.T, path string) (any, error) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var docs []*yaml.Node
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		docs = append(docs, &n)
	}
	if len(docs) > 1 {
		return nil, fmt.Errorf("%d documents", len(docs))
	}
	if len(docs) == 0 {
		return nil, nil // an empty file: the schema refuses null
	}
	if k := duplicateKey(docs[0]); k != "" {
		return nil, fmt.Errorf("key %q twice", k)
	}
	return jsonValue(t, docs[0]), nil
}

// duplicateKey returns a key written twice in one mapping, or "".
func duplicateKey(n *yaml.Node) string {
	if n.Kind == yaml.MappingNode {
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i].Value; seen[k] {
				return k
			} else {
				seen[k] = true
			}
		}
	}
	for _, c := range n.Content {
		if k := duplicateKey(c); k != "" {
			return k
		}
	}
	return ""
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
		"link without https":      base + "actions:\n  - kind: listen\n    items: [{title: A, link: example.org/a}]\n",
		"hashtag with #":          good + "hashtags: ['#SaveIt']\n",
		"hashtag with a space":    good + "hashtags: [save it]\n",
		"goal of 0":               base + "actions:\n  - {kind: petition, target: C, text: T, goal: 0}\n",
		"id with a space":         base + "actions:\n  - {kind: share, id: Sign Here}\n",
		"picture outside":         good + "image: {src: ../x.png, alt: A}\n",
		"picture as address":      good + "image: {src: 'https://example.org/x.png', alt: A}\n",
		"x message too long":      base + "actions:\n  - kind: share\n    messages: {x: '" + strings.Repeat("x", 257) + "'}\n",
		"year 2300":               "title: T\nsummary: S\ndate: 2300-01-01\nactions: [{kind: share}]\n",
		"empty file":              "",
	} {
		if err := camp.Validate(yamlValue(t, doc)); err == nil {
			t.Errorf("%s: got valid, want rejected:\n%s", name, doc)
		}
	}
	for name, doc := range map[string]string{
		"related by name and by link": good + "related:\n  - save-the-library\n  - {title: A page, link: 'https://example.org'}\n",
		"true as yes":                 base + "actions:\n  - {kind: letter, to: C, body: B, signing: yes}\n",
		"goal as quoted number":       base + "actions:\n  - {kind: petition, target: C, text: T, goal: '500'}\n",
		"clock duration":              base + "actions:\n  - kind: listen\n    items: [{title: A, link: 'https://example.org', duration: '1:02:03'}]\n",
		"number as text":              good + "hashtags: [2026]\n",
		"hashtag in Arabic":           good + "hashtags: [أنقذوا_المكتبة]\n",
		"x message that fits":         base + "actions:\n  - kind: share\n    messages: {x: '" + strings.Repeat("x", 256) + "'}\n",
		"x message with {link}":       base + "actions:\n  - kind: share\n    messages: {x: '" + strings.Repeat("x", 257) + "{link}'}\n",
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

// TestSchemaEmbedOrigins: the schema refuses, as the loader does, an
// embed_origins value that could change the Content-Security-Policy it is
// written into, or plain http:// for a site other than this computer.
func TestSchemaEmbedOrigins(t *testing.T) {
	org := compile(t, "org.json", Org())
	doc := func(origin string) any {
		v, err := json.Marshal(origin)
		if err != nil {
			t.Fatal(err)
		}
		return yamlValue(t, "name: N\nembed_origins: ["+string(v)+"]\n")
	}
	for _, o := range []string{"https://partner.example", "https://partner.example:8443/", "http://127.0.0.1:8080",
		"http://localhost:3000", "https://[::1]:8443", "http://[::1]:8080", "https://bücher.example"} {
		if err := org.Validate(doc(o)); err != nil {
			t.Errorf("%s: got %v, want valid", o, err)
		}
	}
	for _, o := range []string{"https://p.example;report-uri", "https://p.example https://q.example",
		"https://p.example,https://q.example", "https://'p.example'", `https://p.example"`, "https://*.example",
		"https://p.example:123456", "http://partner.example", "https://p.example/path", "https://u@p.example",
		"https://bad_host.example", "ftp://p.example"} {
		if err := org.Validate(doc(o)); err == nil {
			t.Errorf("%s: got valid, want rejected", o)
		}
	}
}
