// Command scalegen writes a campaigns folder of N campaigns copied from the
// examples, for bench/scale.sh:
//
//	go run ./bench/scalegen -examples campaigns -out /tmp/x/campaigns -n 3000
//
// The folder holds the examples themselves (so the cross-organisation
// related campaigns they name are there) and, for the rest, new
// organisations made from the examples in turn: organisation i is a copy of
// example organisation i mod E (of those -only names, by default all),
// named EXAMPLE-i (its org.yaml and assets, hard-linked when the file
// system allows), holding about -per-org campaigns copied from that
// example's campaigns in turn. The first copies keep the originals' file
// names (the copies name them as related campaigns); the others are
// NAME-j.yaml, so every campaign has its own slug. A campaign's short
// address (short:) gets the suffix -i-j, since shorts are unique across
// the site. An organisation too small to hold all its example's campaigns
// names the originals' related campaigns in the example organisation
// instead (EXAMPLE/NAME), so every file stays valid.
//
// N counts every campaign in the folder, the examples' included; it must be
// at least the examples' count, or 0 for the examples alone. It prints one
// line:
// "scalegen: N campaigns in K organisations (B from the examples as they are, M copies)".
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

func main() {
	examples := flag.String("examples", "campaigns", "the examples' `folder` (one folder per organisation)")
	out := flag.String("out", "", "the `folder` to write; it must not exist yet")
	n := flag.Int("n", 100, "how many campaigns in all, the examples' included; 0: the examples only")
	perOrg := flag.Int("per-org", 25, "campaigns per new organisation (about)")
	only := flag.String("only", "", "copy only these example organisations (comma-separated `names`); default all")
	flag.Parse()
	if *out == "" || *perOrg < 1 {
		fmt.Fprintln(os.Stderr, "scalegen: -out is required and -per-org must be at least 1")
		os.Exit(2)
	}
	var names []string
	if *only != "" {
		names = strings.Split(*only, ",")
	}
	if err := generate(*examples, *out, *n, *perOrg, names); err != nil {
		fmt.Fprintln(os.Stderr, "scalegen:", err)
		os.Exit(1)
	}
}

// example is one example organisation.
type example struct {
	name      string   // folder name, the organisation's slug
	campaigns []string // campaign file names, sorted
	texts     [][]byte // their contents, in the same order
}

var (
	shortLine   = regexp.MustCompile(`(?m)^short:[ \t]*([a-z0-9-]+)[ \t]*$`)
	relatedSame = regexp.MustCompile(`(?m)^([ \t]*-?[ \t]*campaign:[ \t]*)([a-z0-9-]+)[ \t]*$`)
)

func generate(src, out string, n, perOrg int, only []string) error {
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("%s exists already", out)
	}
	exs, err := readExamples(src)
	if err != nil {
		return err
	}
	base := 0
	for _, e := range exs {
		base += len(e.campaigns)
	}
	if n == 0 {
		n = base
	}
	templates := exs
	if len(only) > 0 {
		templates = nil
		for _, name := range only {
			i := slices.IndexFunc(exs, func(e example) bool { return e.name == strings.TrimSpace(name) })
			if i < 0 {
				return fmt.Errorf("-only: no example organisation %q under %s", name, src)
			}
			templates = append(templates, exs[i])
		}
	}
	if n < base {
		return fmt.Errorf("-n %d is fewer than the examples' %d campaigns", n, base)
	}
	// The examples as they are.
	if err := copyTree(src, out); err != nil {
		return err
	}
	copies := n - base
	orgs := (copies + perOrg - 1) / perOrg
	for i := range orgs {
		count := copies / orgs
		if i < copies%orgs {
			count++
		}
		e := templates[i%len(templates)]
		dir := filepath.Join(out, fmt.Sprintf("%s-%d", e.name, i+1))
		if err := copyOrg(filepath.Join(src, e.name), dir); err != nil {
			return err
		}
		for j := range count {
			k := j % len(e.campaigns)
			text := e.texts[k]
			name := e.campaigns[k]
			if j >= len(e.campaigns) {
				name = fmt.Sprintf("%s-%d.yaml", strings.TrimSuffix(name, ".yaml"), j+1)
			}
			text = shortLine.ReplaceAll(text, fmt.Appendf(nil, "short: ${1}-%d-%d", i+1, j+1))
			if count < len(e.campaigns) {
				text = relatedSame.ReplaceAll(text, []byte("${1}"+e.name+"/${2}"))
			}
			if err := os.WriteFile(filepath.Join(dir, name), text, 0o644); err != nil {
				return err
			}
		}
	}
	fmt.Printf("scalegen: %d campaigns in %d organisations (%d from the examples as they are, %d copies)\n",
		n, len(exs)+orgs, base, copies)
	return nil
}

// readExamples reads every organisation folder under src (a folder with an
// org.yaml) and its campaign files.
func readExamples(src string) ([]example, error) {
	ents, err := os.ReadDir(src)
	if err != nil {
		return nil, err
	}
	var exs []example
	for _, d := range ents {
		if !d.IsDir() {
			continue
		}
		dir := filepath.Join(src, d.Name())
		if _, err := os.Stat(filepath.Join(dir, "org.yaml")); err != nil {
			continue
		}
		e := example{name: d.Name()}
		files, err := os.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			if f.IsDir() || f.Name() == "org.yaml" || !strings.HasSuffix(f.Name(), ".yaml") {
				continue
			}
			b, err := os.ReadFile(filepath.Join(dir, f.Name()))
			if err != nil {
				return nil, err
			}
			e.campaigns = append(e.campaigns, f.Name())
			e.texts = append(e.texts, b)
		}
		if len(e.campaigns) > 0 {
			exs = append(exs, e)
		}
	}
	if len(exs) == 0 {
		return nil, fmt.Errorf("no organisation with campaigns under %s", src)
	}
	slices.SortFunc(exs, func(a, b example) int { return strings.Compare(a.name, b.name) })
	return exs, nil
}

// copyOrg copies an example organisation's folder without its campaign
// files: org.yaml, assets and anything else that is not a campaign.
func copyOrg(src, dst string) error {
	return copyFiltered(src, dst, func(rel string, d fs.DirEntry) bool {
		return d.IsDir() || !(filepath.Dir(rel) == "." && strings.HasSuffix(rel, ".yaml") && rel != "org.yaml")
	})
}

// copyTree copies the folder src to dst.
func copyTree(src, dst string) error {
	return copyFiltered(src, dst, func(string, fs.DirEntry) bool { return true })
}

// copyFiltered copies the files under src that keep accepts to dst, by hard
// link when it can and by copying otherwise.
func copyFiltered(src, dst string, keep func(rel string, d fs.DirEntry) bool) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		if !keep(rel, d) {
			return nil
		}
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		if os.Link(p, to) == nil {
			return nil
		}
		return copyFile(p, to)
	})
}

func copyFile(from, to string) (err error) {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, out.Close()) }()
	_, err = io.Copy(out, in)
	return err
}
