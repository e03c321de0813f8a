// Package scaffold writes the commented YAML an organiser starts from: an
// organisation's org.yaml and a draft campaign of any kind. `placard new`
// and the console's "new campaign" both use it, so the two always agree and
// every scaffold passes the checker as written.
package scaffold

import (
	"bytes"
	"embed"
	"io/fs"
	"strconv"
	"strings"
	"text/template"
	"time"
	"unicode"

	"go.yaml.in/yaml/v4"

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

// Org is the text of a new org.yaml for the organisation slug, named
// with a title made from the slug (see OrgNamed).
func Org(slug string) (string, error) {
	return OrgNamed(slug, TitleFromSlug(slug))
}

// OrgNamed is the text of a new org.yaml for the organisation slug whose
// full name is name, kept exactly as typed ("T'ruah: The Rabbinic Call for
// Human Rights" is written in quotes, so YAML reads it whole).
func OrgNamed(slug, name string) (string, error) {
	if strings.TrimSpace(name) == "" {
		name = TitleFromSlug(slug)
	}
	return render("files/org.yaml", data{Slug: slug, Name: strings.TrimSpace(name)})
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
// the placeholders, as written (the templates quote it where YAML needs
// quotes), falling back to a title made from the slug when the name is
// missing, not plain text, or the file cannot be read.
func OrgName(orgYAML []byte, slug string) string {
	var org struct {
		Name any `yaml:"name"`
	}
	if err := yaml.Unmarshal(orgYAML, &org); err == nil {
		if s, ok := org.Name.(string); ok && strings.TrimSpace(s) != "" && !strings.ContainsAny(s, "\n\r") {
			return strings.TrimSpace(s)
		}
	}
	return TitleFromSlug(slug)
}

// yamlText writes s as a YAML value on one line: as it is when YAML reads
// it back unchanged as text, else in double quotes.
func yamlText(s string) string {
	var back string
	if strings.TrimSpace(s) == s && !strings.ContainsAny(s, "#\"'") && yaml.Unmarshal([]byte("v: "+s), &struct {
		V *string `yaml:"v"`
	}{V: &back}) == nil && back == s {
		return s
	}
	return strconv.Quote(s)
}

// render fills one embedded template.
func render(name string, d data) (string, error) {
	src, err := fs.ReadFile(files, name)
	if err != nil {
		return "", err
	}
	t, err := template.New(name).Funcs(template.FuncMap{"yaml": yamlText}).Parse(string(src))
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return "", err
	}
	return b.String(), nil
}
