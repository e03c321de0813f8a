// Package scaffold writes the commented YAML an organiser starts from: an
// organisation's org.yaml and a draft campaign of any kind. `placard new`
// and the console's "new campaign" both use it, so the two always agree and
// every scaffold passes the checker as written.
package scaffold

import (
	"bytes"
	"embed"
	"io/fs"
	"strings"
	"text/template"
	"time"
	"unicode"

	"github.com/placard/placard/internal/campaign"
)

// files holds the commented YAML: org.yaml, the campaign header, and one
// block of actions per kind (actions/<kind>.yaml, plus actions/steps.yaml
// for a steps-layout campaign).
//
//go:embed files
var files embed.FS

// Kinds are the kinds a new campaign may have: every kind of call to
// action, then "steps" for a campaign laid out as numbered steps.
func Kinds() []string {
	var ks []string
	for _, k := range campaign.Kinds {
		ks = append(ks, string(k))
	}
	return append(ks, "steps")
}

// data fills the templates.
type data struct {
	Org, Slug, Name, Title, Kind, Date, Hashtag string
	Steps                                       bool
	Actions                                     string
}

// Org is the text of a new org.yaml for the organisation slug.
func Org(slug string) (string, error) {
	return render("files/org.yaml", data{Slug: slug, Name: TitleFromSlug(slug)})
}

// Campaign is the text of a new draft campaign slug of the given kind (one
// of Kinds) for the organisation org, whose display name is orgName; today
// dates it.
func Campaign(org, orgName, slug, kind string, today time.Time) (string, error) {
	d := data{
		Org: org, Slug: slug, Kind: kind, Steps: kind == "steps",
		Name: orgName, Title: TitleFromSlug(slug),
		Date: today.Format("2006-01-02"), Hashtag: strings.ReplaceAll(TitleFromSlug(slug), " ", ""),
	}
	actions, err := render("files/actions/"+kind+".yaml", d)
	if err != nil {
		return "", err
	}
	d.Actions = strings.TrimRight(actions, "\n")
	return render("files/campaign.yaml", d)
}

// TitleFromSlug turns save-the-library into "Save The Library", a
// placeholder the organiser rewrites.
func TitleFromSlug(slug string) string {
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

// OrgName reads the organisation's name from the text of its org.yaml for
// the placeholders, falling back to a title made from the slug when the
// name is missing or would need quoting.
func OrgName(orgYAML []byte, slug string) string {
	for _, line := range strings.Split(string(orgYAML), "\n") {
		if v, ok := strings.CutPrefix(line, "name:"); ok {
			if v = strings.Trim(strings.TrimSpace(v), `"'`); v != "" && !strings.ContainsAny(v, ":#{}[]&*!|>%@`") {
				return v
			}
		}
	}
	return TitleFromSlug(slug)
}

// render fills one embedded template.
func render(name string, d data) (string, error) {
	src, err := fs.ReadFile(files, name)
	if err != nil {
		return "", err
	}
	t, err := template.New(name).Parse(string(src))
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return "", err
	}
	return b.String(), nil
}
