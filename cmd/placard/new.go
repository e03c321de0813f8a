package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/scaffold"
)

const newSynopsis = `Write a new, commented file to start from:

  placard new org SLUG [--name "Full Name"]
      writes DIR/SLUG/org.yaml, with the organisation's name as typed
  placard new campaign ORG SLUG --kind KIND
      writes DIR/ORG/SLUG.yaml, a draft campaign whose call to action is KIND:
      petition, letter, statement, contact, share, listen, engage, donate,
      resources, or steps (a steps-layout page with listen, share, engage
      and donate)

SLUG and ORG are web addresses: lower-case letters a–z, digits and single
hyphens. The file shows every option of its kind; the optional ones are
notes (lines starting with #) to fill in. It passes 'placard check' as
written. An existing file is never overwritten. The editor schemas the
file's first line points to (DIR/org.schema.json, DIR/campaign.schema.json)
are written beside the organisations' folders, and kept current.

Exit status: 0 when the file was written, 1 when it could not be (such as
a file already there), 2 when the command line is wrong.`

// scaffoldKinds are the --kind values (see scaffold.Kinds).
func scaffoldKinds() []string { return scaffold.Kinds() }

// newCmd writes an organisation or campaign scaffold.
func newCmd(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := newFlags("new", "new org SLUG | new campaign ORG SLUG --kind KIND [--campaigns DIR]", newSynopsis, stdout, stderr)
	dir := fset.campaignsFlag("the campaigns `folder` to write into")
	kind := fset.String("kind", "", "the `kind` of call to action, for new campaign")
	name := fset.String("name", "", "the organisation's full `name`, as typed, for new org (default: made from SLUG)")
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
		if strings.ContainsAny(*name, "\n\r") {
			return usageErr("new", "--name must be one line")
		}
		if err := checkSlug("organisation", pos[1]); err != nil {
			return err
		}
		folder := filepath.Join(*dir, pos[1])
		file := filepath.Join(folder, "org.yaml")
		text, err := scaffold.OrgNamed(pos[1], *name)
		if err != nil {
			return err
		}
		if err := writeScaffold(file, text); err != nil {
			return err
		}
		if err := writeSchemas(*dir); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s — fill it in, then run: placard check %s\n", file, shellQuote(*dir))
		return nil
	case "campaign":
		if len(pos) != 3 {
			return usageErr("new", "new campaign takes the organisation and the campaign's name, like new campaign riverside save-the-library --kind petition — got %d", len(pos)-1)
		}
		if *kind == "" {
			return usageErr("new", "new campaign needs --kind, one of %s", strings.Join(scaffoldKinds(), ", "))
		}
		if *name != "" {
			return usageErr("new", "--name is for new org; a campaign takes its organisation's name from its org.yaml")
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
		orgYAML, _ := os.ReadFile(filepath.Join(*dir, org, "org.yaml"))
		text, err := scaffold.Campaign(org, scaffold.OrgName(orgYAML, org), slug, *kind, time.Now())
		if err != nil {
			return err
		}
		file := filepath.Join(*dir, org, slug+".yaml")
		if err := writeScaffold(file, text); err != nil {
			return err
		}
		if err := writeSchemas(*dir); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote %s, a draft — fill it in, run: placard check %s — then set status: published\n", file, shellQuote(*dir))
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

// writeScaffold writes text into file, creating its folder, and refuses to
// replace a file that is already there.
func writeScaffold(file, text string) error {
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
