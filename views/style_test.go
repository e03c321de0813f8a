package views

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// cssRules splits a stylesheet into its rules as "context|selector" →
// declaration block, the context being the @media (or other) block a rule
// sits in ("" at the top level). Comments are dropped.
func cssRules(css string) (selectors []string, blocks map[string][]string) {
	css = regexp.MustCompile(`(?s)/\*.*?\*/`).ReplaceAllString(css, "")
	blocks = map[string][]string{}
	var stack []string
	var sel strings.Builder
	for i := 0; i < len(css); i++ {
		switch c := css[i]; c {
		case '{':
			head := strings.Join(strings.Fields(sel.String()), " ")
			sel.Reset()
			if strings.HasPrefix(head, "@") {
				stack = append(stack, head)
				continue
			}
			end := strings.IndexByte(css[i:], '}')
			if end < 0 {
				return selectors, blocks
			}
			var decls []string
			for _, d := range strings.Split(css[i+1:i+end], ";") {
				if d = strings.Join(strings.Fields(d), " "); d != "" {
					decls = append(decls, d)
				}
			}
			key := strings.Join(stack, " ") + "|" + strings.Join(decls, "; ")
			blocks[key] = append(blocks[key], head)
			selectors = append(selectors, head)
			i += end
		case '}':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		default:
			sel.WriteByte(c)
		}
	}
	return selectors, blocks
}

// TestStyleHasNoRepeatedRules: no two rules in the same context of
// style.css say the same declarations (they belong in one rule with both
// selectors), so the stylesheet's bytes within its 17 KB go to styling.
func TestStyleHasNoRepeatedRules(t *testing.T) {
	css, err := fs.ReadFile(Static, "style.css")
	if err != nil {
		t.Fatal(err)
	}
	_, blocks := cssRules(string(css))
	if len(blocks) < 100 {
		t.Fatalf("read %d distinct rules from style.css, want the whole file", len(blocks))
	}
	for key, sels := range blocks {
		if len(sels) > 1 {
			t.Errorf("style.css repeats { %s } for %q: make it one rule", key[strings.IndexByte(key, '|')+1:], sels)
		}
	}
}

// TestStyleClassesAreUsed: every class style.css styles is written by a
// component (views/*.templ), by the site's view models or by a script;
// a class named nowhere is a dead rule. Classes made by joining a prefix
// and a value (action-KIND, badge-STATUS, banner-STATUS) are checked by
// their prefix.
func TestStyleClassesAreUsed(t *testing.T) {
	css, err := fs.ReadFile(Static, "style.css")
	if err != nil {
		t.Fatal(err)
	}
	selectors, _ := cssRules(string(css))
	var sources strings.Builder
	for _, pattern := range []string{"*.templ", "static/*.js", "*.go", "../internal/site/*.go"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") || strings.HasSuffix(f, "_templ.go") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			sources.Write(b)
		}
	}
	src := sources.String()
	class := regexp.MustCompile(`\.([a-zA-Z][\w-]*)`)
	joined := []string{"action-", "badge-", "banner-"}
	seen := map[string]bool{}
	for _, sel := range selectors {
		for _, m := range class.FindAllStringSubmatch(sel, -1) {
			c := m[1]
			if seen[c] {
				continue
			}
			seen[c] = true
			name := c
			if i := slices.IndexFunc(joined, func(p string) bool { return strings.HasPrefix(c, p) }); i >= 0 && !regexp.MustCompile(`\b`+regexp.QuoteMeta(c)+`\b`).MatchString(src) {
				name = joined[i]
			}
			if !regexp.MustCompile(`(^|[^\w-])` + regexp.QuoteMeta(name) + `([^\w]|$)`).MatchString(src) {
				t.Errorf("style.css styles .%s, which no component, view model or script writes", c)
			}
		}
	}
	if len(seen) < 120 {
		t.Fatalf("read %d classes from style.css, want them all", len(seen))
	}
}
