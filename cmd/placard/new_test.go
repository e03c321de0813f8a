package main

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/placard/placard/internal/campaign"
)

// newRun runs placard new with args and returns the exit code and both outputs.
func newRun(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut strings.Builder
	err := run(context.Background(), append([]string{"new"}, args...), env(nil), &out, &errOut)
	return exitCode(err), out.String(), errOut.String()
}

// TestNewScaffoldsPassCheck writes the org scaffold and a campaign of every
// kind into a fresh campaigns folder, and loads it: no errors and no
// warnings, and every campaign is there with the kinds it promises.
func TestNewScaffoldsPassCheck(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := newRun(t, "org", "riverside", "--campaigns", dir); code != 0 {
		t.Fatalf("new org: exit %d, want 0; stderr:\n%s", code, stderr)
	}
	for _, kind := range scaffoldKinds() {
		if code, _, stderr := newRun(t, "campaign", "riverside", "try-"+kind, "--kind", kind, "--campaigns", dir); code != 0 {
			t.Fatalf("new campaign --kind %s: exit %d, want 0; stderr:\n%s", kind, code, stderr)
		}
	}
	site, problems := campaign.Load(dir)
	if len(problems) > 0 {
		t.Fatalf("the scaffolds have problems, want none:\n%s", problems.Error())
	}
	org := site.Org("riverside")
	if org == nil || org.Name != "Riverside" {
		t.Fatalf("got org %+v, want Riverside", org)
	}
	for _, kind := range scaffoldKinds() {
		c := org.Campaign("try-" + kind)
		if c == nil {
			t.Fatalf("campaign try-%s is missing", kind)
		}
		if c.Status != campaign.StatusDraft {
			t.Errorf("try-%s: status %q, want draft", kind, c.Status)
		}
		var kinds []string
		for _, a := range c.Actions {
			kinds = append(kinds, string(a.Kind))
		}
		want := kind
		if kind == "steps" {
			want = "listen share engage donate"
			if c.Layout != campaign.LayoutSteps {
				t.Errorf("try-steps: layout %q, want steps", c.Layout)
			}
		}
		if got := strings.Join(kinds, " "); got != want {
			t.Errorf("try-%s: actions %q, want %q", kind, got, want)
		}
	}
	var stderr strings.Builder
	if err := run(context.Background(), []string{"check", dir}, env(nil), &strings.Builder{}, &stderr); err != nil {
		t.Errorf("placard check: exit %d, want 0; stderr:\n%s", exitCode(err), stderr.String())
	}
}

// TestNewScaffoldsShowEveryOption: each campaign scaffold mentions every
// setting of its kind, filled in or as a note, so organisers see them all.
func TestNewScaffoldsShowEveryOption(t *testing.T) {
	options := map[string][]string{
		"statement": {"dateline:", "date:", "body:", "media_contact:", "availability:"},
		"letter":    {"to:", "salutation:", "body:", "closing:", "organisations:", "individuals:", "signing:", "goal:", "fields:", "consent:", "organisation:", "role:"},
		"petition":  {"target:", "text:", "goal:", "fields:", "postcode:", "country:", "phone:", "comment:", "consent:"},
		"contact":   {"targets:", "role:", "phone:", "email:", "region:", "script:", "subject:", "message:"},
		"share":     {"messages:", "default:", "x:", "bluesky:", "mastodon:", "facebook:", "linkedin:", "whatsapp:", "telegram:", "email:", "hashtags:", "email_subject:"},
		"listen":    {"items:", "title:", "link:", "source:", "format:", "duration:", "description:"},
		"engage":    {"organisations:", "name:", "link:", "region:", "description:", "email:"},
		"donate":    {"destinations:", "amount_param:", "amounts:", "currency:"},
		"resources": {"items:", "title:", "link:", "file:", "description:", "date:"},
	}
	common := []string{"title:", "summary:", "date:", "status:", "close_at:", "publish_at:", "outcome:", "image:", "alt:", "credit:", "hashtags:", "body:", "layout:", "related:", "actions:", "id:", "icon:"}
	dir := t.TempDir()
	if code, _, stderr := newRun(t, "org", "riverside", "--campaigns", dir); code != 0 {
		t.Fatalf("new org: exit %d; stderr:\n%s", code, stderr)
	}
	for kind, opts := range options {
		if code, _, stderr := newRun(t, "--campaigns", dir, "campaign", "--kind", kind, "riverside", kind); code != 0 {
			t.Fatalf("new campaign --kind %s: exit %d; stderr:\n%s", kind, code, stderr)
		}
		data, err := os.ReadFile(filepath.Join(dir, "riverside", kind+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range append(common, opts...) {
			if !strings.Contains(string(data), o) {
				t.Errorf("the %s scaffold does not mention %s", kind, o)
			}
		}
	}
	org, err := os.ReadFile(filepath.Join(dir, "riverside", "org.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []string{"name:", "short_name:", "website:", "logo:", "about:", "colours:", "primary:", "accent:", "media_contact:", "social:", "donate:", "privacy_policy:", "language:", "consent:", "delivery:", "members:", "redirects:"} {
		if !strings.Contains(string(org), o) {
			t.Errorf("the org scaffold does not mention %s", o)
		}
	}
}

// TestNewRefusesOverwrite: a second new for the same file exits 1, says so
// plainly, and leaves the file as it was.
func TestNewRefusesOverwrite(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "riverside", "org.yaml")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("name: Mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := newRun(t, "org", "riverside", "--campaigns", dir)
	if code != 1 || !strings.Contains(stderr, "already exists") {
		t.Errorf("new org over an existing file: exit %d, stderr %q; want 1 and 'already exists'", code, stderr)
	}
	if code, _, stderr := newRun(t, "campaign", "riverside", "walk", "--kind", "letter", "--campaigns", dir); code != 0 {
		t.Fatalf("new campaign: exit %d; stderr:\n%s", code, stderr)
	}
	if data, _ := os.ReadFile(filepath.Join(dir, "riverside", "walk.yaml")); !strings.Contains(string(data), "- name: Mine\n") {
		t.Errorf("the campaign scaffold does not use the organisation's name 'Mine'")
	}
	code, _, stderr = newRun(t, "campaign", "riverside", "walk", "--kind", "petition", "--campaigns", dir)
	if code != 1 || !strings.Contains(stderr, "already exists") {
		t.Errorf("new campaign over an existing file: exit %d, stderr %q; want 1 and 'already exists'", code, stderr)
	}
	if data, _ := os.ReadFile(file); string(data) != "name: Mine\n" {
		t.Errorf("org.yaml was changed to %q", data)
	}
	code, _, stderr = newRun(t, "campaign", "nowhere", "walk", "--kind", "share", "--campaigns", dir)
	if code != 1 || !strings.Contains(stderr, "placard new org nowhere") {
		t.Errorf("new campaign for a missing org: exit %d, stderr %q; want 1 and a hint to make the org", code, stderr)
	}
}

// TestNewUsage: wrong command lines exit 2 with a plain message, and a
// near-miss gets a did-you-mean.
func TestNewUsage(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "say what to make"},
		{[]string{"orgg", "x"}, `did you mean "org"?`},
		{[]string{"org"}, "new org takes one name"},
		{[]string{"org", "River Side"}, `did you mean "river-side"?`},
		{[]string{"org", "static"}, "cannot be called"},
		{[]string{"org", "a", "--kind", "share"}, "--kind is for new campaign"},
		{[]string{"campaign", "riverside", "x"}, "needs --kind"},
		{[]string{"campaign", "riverside", "x", "--kind", "petiton"}, `did you mean "petition"?`},
		{[]string{"campaign", "riverside", "x", "--kind", "poll"}, "must be one of"},
		{[]string{"campaign", "riverside", "Bad_Name", "--kind", "share"}, `did you mean "bad-name"?`},
		{[]string{"org", "a", "--bogus"}, "flag provided but not defined"},
	} {
		code, _, stderr := newRun(t, append(tc.args, "--campaigns", dir)...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("new %q: exit %d, stderr %q; want 2 and %q", tc.args, code, stderr, tc.want)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("usage errors wrote files: %v", entries)
	}
}

// uncommentOptions turns on every optional setting a scaffold shows as a
// note: a comment line whose text starts with a lower-case key and a colon
// (or "- key:"), with the indented lines that continue it.
func uncommentOptions(text string) string {
	option := regexp.MustCompile(`^(\s*)# ((- )?[a-z_]+:( |$).*)$`)
	continued := regexp.MustCompile(`^(\s*)# (  .*)$`)
	lines := strings.Split(text, "\n")
	on := false
	for i, l := range lines {
		switch m, c := option.FindStringSubmatch(l), continued.FindStringSubmatch(l); {
		case m != nil && !strings.HasPrefix(m[2], "  "):
			lines[i], on = m[1]+m[2], true
		case c != nil && on:
			lines[i] = c[1] + c[2]
		default:
			on = false
		}
	}
	return strings.Join(lines, "\n")
}

// TestNewScaffoldOptionsPassCheck turns on every optional setting of every
// scaffold, with the pictures and documents they name in place, and loads
// the result: the placeholders are valid too, so an organiser who removes a
// # gets a working file. The one problem allowed is the warning that the
// related campaign the scaffold names is a draft (all scaffolds are).
func TestNewScaffoldOptionsPassCheck(t *testing.T) {
	dir := t.TempDir()
	if code, _, stderr := newRun(t, "org", "riverside", "--campaigns", dir); code != 0 {
		t.Fatalf("new org: exit %d; stderr:\n%s", code, stderr)
	}
	// another-campaign is the campaign scaffolds relate to, and
	// new-campaign-name the one org.yaml's redirect leads to.
	kinds := append(scaffoldKinds(), "another-campaign", "new-campaign-name")
	for _, kind := range kinds {
		k := kind
		if k == "another-campaign" || k == "new-campaign-name" {
			k = "share"
		}
		if code, _, stderr := newRun(t, "campaign", "riverside", kind, "--kind", k, "--campaigns", dir); code != 0 {
			t.Fatalf("new campaign --kind %s: exit %d; stderr:\n%s", k, code, stderr)
		}
	}
	org := filepath.Join(dir, "riverside")
	writeFile(t, filepath.Join(org, "assets", "logo.svg"), []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>`))
	writeFile(t, filepath.Join(org, "assets", "report.pdf"), []byte("%PDF-1.4\n%%EOF\n"))
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, image.NewRGBA(image.Rect(0, 0, 1200, 630)), nil); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(org)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if filepath.Ext(e.Name()) != ".yaml" || e.Name() == "another-campaign.yaml" || e.Name() == "new-campaign-name.yaml" {
			continue // only there to be related to, or redirected to
		}
		file := filepath.Join(org, e.Name())
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		on := uncommentOptions(string(data))
		if e.Name() != "org.yaml" {
			slug := strings.TrimSuffix(e.Name(), ".yaml")
			writeFile(t, filepath.Join(org, "assets", slug+".jpg"), jpg.Bytes())
			if !strings.Contains(on, "\nrelated:\n  - campaign: another-campaign") {
				t.Errorf("%s: related: was not turned on:\n%s", e.Name(), on)
			}
		}
		if on == string(data) {
			t.Errorf("%s: no option was turned on", e.Name())
		}
		writeFile(t, file, []byte(on))
	}
	_, problems := campaign.Load(dir)
	for _, p := range problems {
		if !p.Warning || !strings.Contains(p.Message, "is a draft") {
			t.Errorf("with every option on: %s", p)
		}
	}
}

func writeFile(t *testing.T, file string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestNewHelp: new --help prints the synopsis with every kind on stdout and
// exits 0, and placard --help lists the command.
func TestNewHelp(t *testing.T) {
	code, stdout, stderr := newRun(t, "--help")
	if code != 0 {
		t.Fatalf("new --help: exit %d, want 0; stderr:\n%s", code, stderr)
	}
	for _, want := range append(scaffoldKinds(), "Usage: placard new", "--campaigns", "--kind", "never overwritten") {
		if !strings.Contains(stdout, want) {
			t.Errorf("new --help lacks %q; got:\n%s", want, stdout)
		}
	}
	var out strings.Builder
	if err := run(context.Background(), []string{"--help"}, env(nil), &out, &strings.Builder{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "placard new org|campaign") {
		t.Errorf("placard --help does not list new; got:\n%s", out.String())
	}
}
