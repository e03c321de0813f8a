package main

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/template"
	"time"
	"unicode"

	"github.com/placard/placard/internal/campaign"
)

// scaffolds holds the commented YAML that placard new writes: org.yaml, the
// campaign header, and one block of actions per kind (actions/<kind>.yaml,
// plus actions/steps.yaml for a steps-layout campaign).
//
//go:embed scaffold
var scaffolds embed.FS

const newSynopsis = `Write a new, commented file to start from:

  placard new org SLUG
      writes DIR/SLUG/org.yaml
  placard new campaign ORG SLUG --kind KIND
      writes DIR/ORG/SLUG.yaml, a draft campaign whose call to action is KIND:
      petition, letter, statement, contact, share, listen, engage, donate,
      resources, or steps (a steps-layout page with listen, share, engage
      and donate)

SLUG and ORG are web addresses: lower-case letters a–z, digits and single
hyphens. The file shows every option of its kind; the optional ones are
notes (lines starting with #) to fill in. It passes 'placard check' as
written. An existing file is never overwritten.

Exit status: 0 when the file was written, 1 when it could not be (such as
a file already there), 2 when the command line is wrong.`

// scaffoldKinds are the --kind values: every kind of call to action, then
// "steps" for a campaign laid out as numbered steps.
func scaffoldKinds() []string {
	var ks []string
	for _, k := range campaign.Kinds {
		ks = append(ks, string(k))
	}
	return append(ks, "steps")
}

// scaffoldData fills the scaffold templates.
type scaffoldData struct {
	Org, Slug, Name, Title, Kind, Date, Hashtag string
	Steps                                       bool
	Actions                                     string
}

// newCmd writes an organisation or campaign scaffold.
func newCmd(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := newFlags("new", "new org SLUG | new campaign ORG SLUG --kind KIND [--campaigns DIR]", newSynopsis, stdout, stderr)
	dir := fset.campaignsFlag("the campaigns `folder` to write into")
	kind := fset.String("kind", "", "the `kind` of call to action, for new campaign")
	pos, help, err := fset.parse(args, getenv)
	if help || err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageErr("new", "say what to make: new org SLUG, or new campaign ORG SLUG --kind KIND")
	}
	switch what := pos[0]; what {
	case "org":
		if len(pos) != 2 {
			return usageErr("new", "new org takes one name, the organisation's folder, like riverside — got %d", len(pos)-1)
		}
		if *kind != "" {
			return usageErr("new", "--kind is for new campaign, not new org")
		}
		if err := checkSlug("organisation", pos[1]); err != nil {
			return err
		}
		folder := filepath.Join(*dir, pos[1])
		file := filepath.Join(folder, "org.yaml")
		data := scaffoldData{Slug: pos[1], Name: titleFromSlug(pos[1])}
		if err := writeScaffold(file, "scaffold/org.yaml", data); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s — fill it in, then run 'placard check %s'\n", file, *dir)
		return nil
	case "campaign":
		if len(pos) != 3 {
			return usageErr("new", "new campaign takes the organisation and the campaign's name, like new campaign riverside save-the-library --kind petition — got %d", len(pos)-1)
		}
		if *kind == "" {
			return usageErr("new", "new campaign needs --kind, one of %s", strings.Join(scaffoldKinds(), ", "))
		}
		if !contains(scaffoldKinds(), *kind) {
			return usageErr("new", "unknown --kind %q%s; it must be one of %s", *kind, didYouMean(*kind, scaffoldKinds()), strings.Join(scaffoldKinds(), ", "))
		}
		org, slug := pos[1], pos[2]
		if err := checkSlug("organisation", org); err != nil {
			return err
		}
		if err := checkSlug("campaign", slug); err != nil {
			return err
		}
		if _, err := os.Stat(filepath.Join(*dir, org, "org.yaml")); err != nil {
			return failure("there is no organisation %s in %s — make it first with 'placard new org %s'", org, *dir, org)
		}
		data := scaffoldData{
			Org: org, Slug: slug, Kind: *kind, Steps: *kind == "steps",
			Name: orgName(filepath.Join(*dir, org, "org.yaml"), org), Title: titleFromSlug(slug),
			Date: time.Now().Format("2006-01-02"), Hashtag: strings.ReplaceAll(titleFromSlug(slug), " ", ""),
		}
		actions, err := render("scaffold/actions/"+*kind+".yaml", data)
		if err != nil {
			return err
		}
		data.Actions = strings.TrimRight(actions, "\n")
		file := filepath.Join(*dir, org, slug+".yaml")
		if err := writeScaffold(file, "scaffold/campaign.yaml", data); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s, a draft — fill it in, run 'placard check %s', then set status: published\n", file, *dir)
		return nil
	default:
		return usageErr("new", "unknown thing to make %q%s; placard new makes an org or a campaign", what, didYouMean(what, []string{"org", "campaign"}))
	}
}

// checkSlug refuses a name that cannot be a web address, suggesting one that can.
func checkSlug(noun, s string) error {
	ok := s != "" && s[0] != '-' && s[len(s)-1] != '-' && !strings.Contains(s, "--")
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			ok = false
		}
	}
	if !ok {
		msg := fmt.Sprintf("the %s's name %q is its web address, so it can only use lower-case letters a–z, digits and single hyphens", noun, s)
		if fix := campaign.Slugify(s); fix != "" {
			msg += fmt.Sprintf("; did you mean %q?", fix)
		}
		return usageErr("new", "%s", msg)
	}
	if noun == "organisation" && (s == "static" || s == "healthz" || s == "readyz") {
		return usageErr("new", "an organisation cannot be called %q: the site uses the address /%s itself — choose another name", s, s)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// titleFromSlug turns save-the-library into "Save The Library", a
// placeholder the organiser rewrites.
func titleFromSlug(slug string) string {
	words := strings.Split(slug, "-")
	for i, w := range words {
		if w != "" {
			r := []rune(w)
			r[0] = unicode.ToUpper(r[0])
			words[i] = string(r)
		}
	}
	return strings.Join(words, " ")
}

// orgName reads the organisation's name from its org.yaml for the
// placeholders, falling back to a title made from the slug.
func orgName(file, slug string) string {
	if data, err := os.ReadFile(file); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "name:"); ok {
				if v = strings.Trim(strings.TrimSpace(v), `"'`); v != "" && !strings.ContainsAny(v, ":#{}[]&*!|>%@`") {
					return v
				}
			}
		}
	}
	return titleFromSlug(slug)
}

// render fills one embedded template.
func render(name string, data scaffoldData) (string, error) {
	src, err := fs.ReadFile(scaffolds, name)
	if err != nil {
		return "", err
	}
	t, err := template.New(name).Parse(string(src))
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

// writeScaffold renders a template into file, creating its folder, and
// refuses to replace a file that is already there.
func writeScaffold(file, tmpl string, data scaffoldData) error {
	text, err := render(tmpl, data)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return failure("cannot make the folder %s: %v", filepath.Dir(file), err)
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return failure("%s already exists — it was left as it is; choose another name or remove the file first", file)
	}
	if err != nil {
		return failure("cannot write %s: %v", file, err)
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return failure("cannot write %s: %v", file, err)
	}
	if err := f.Close(); err != nil {
		return failure("cannot write %s: %v", file, err)
	}
	return nil
}
