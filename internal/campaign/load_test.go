package campaign

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// -update rewrites each case's want.txt from what the loader reports. Read
// the diff before committing: the files are the specification.
var update = flag.Bool("update", false, "rewrite testdata/*/*/want.txt from the loader's output")

// loadCase loads testdata/<kind>/<name> as a campaigns directory, so each
// problem's File is the path inside the case, such as riverside/org.yaml.
func loadCase(t *testing.T, kind, name string) (*Site, Problems) {
	t.Helper()
	return LoadFS(os.DirFS(filepath.Join("testdata", kind, name)), ".")
}

// checkWant compares the problems, one per line, with the case's want.txt.
// A missing want.txt means no problems at all.
func checkWant(t *testing.T, kind, name string, ps Problems) {
	t.Helper()
	wantFile := filepath.Join("testdata", kind, name, "want.txt")
	got := ""
	if len(ps) > 0 {
		got = ps.Error() + "\n"
	}
	if *update {
		if got == "" {
			os.Remove(wantFile)
			return
		}
		if err := os.WriteFile(wantFile, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(wantFile)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("problems differ from %s\ngot:\n%s\nwant:\n%s", wantFile, got, want)
	}
}

func caseNames(t *testing.T, kind string) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join("testdata", kind))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	if len(names) == 0 {
		t.Fatalf("no cases in testdata/%s", kind)
	}
	return names
}

// TestInvalid loads every case under testdata/invalid and compares the
// problems, exactly, with its want.txt. Every case must fail to load.
func TestInvalid(t *testing.T) {
	for _, name := range caseNames(t, "invalid") {
		t.Run(name, func(t *testing.T) {
			site, ps := loadCase(t, "invalid", name)
			checkWant(t, "invalid", name, ps)
			if !ps.HasErrors() {
				t.Errorf("got no errors, want at least one")
			}
			if site != nil {
				t.Errorf("got a Site despite errors, want nil")
			}
			for _, p := range ps {
				if p.Line < 0 || p.Col < 0 || p.Line > 0 && p.Col < 1 {
					t.Errorf("problem %q has position %d:%d, want 0:0 or both ≥ 1", p.Message, p.Line, p.Col)
				}
			}
		})
	}
}

// validChecks assert decoded values of the valid cases, beyond loading
// without errors.
var validChecks = map[string]func(t *testing.T, s *Site){
	"every-kind": checkEveryKind,
	"minimal":    checkMinimal,
	"defaults":   checkDefaults,
	"ignored":    checkIgnored,
	"warnings":   func(t *testing.T, s *Site) {},
	"site-config": func(t *testing.T, s *Site) {
		eq(t, "site name", s.Config.DisplayName("Placard"), "JVP Action Center")
		eq(t, "default organisation", s.Config.DefaultOrg(), s.Org("jvp"))
		eq(t, "description", s.Config.Description, "Act with Jewish Voice for Peace.")
	},
	"shapes":       checkShapes,
	"share-limits": func(t *testing.T, s *Site) {},
	"translations": checkTranslations,
	"targets":      checkTargets,
}

// TestValid loads every case under testdata/valid: each must load with no
// errors (any warnings are listed in its want.txt), and its checks pass.
func TestValid(t *testing.T) {
	for _, name := range caseNames(t, "valid") {
		t.Run(name, func(t *testing.T) {
			site, ps := loadCase(t, "valid", name)
			checkWant(t, "valid", name, ps)
			if ps.HasErrors() {
				t.Fatalf("got errors, want none:\n%s", ps.Errors())
			}
			if site == nil {
				t.Fatal("got a nil Site, want one")
			}
			check, ok := validChecks[name]
			if !ok {
				t.Fatalf("no checks for valid case %q: add one to validChecks", name)
			}
			check(t, site)
		})
	}
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func mustCampaign(t *testing.T, s *Site, org, slug string) *Campaign {
	t.Helper()
	c := s.Campaign(org, slug)
	if c == nil {
		t.Fatalf("campaign %s/%s: got nil, want it loaded", org, slug)
	}
	return c
}

func checkEveryKind(t *testing.T, s *Site) {
	o := s.Org("riverside")
	if o == nil {
		t.Fatal("org riverside: got nil")
	}
	eq(t, "org name", o.Name, "Riverside Coalition")
	eq(t, "org file", o.File, "riverside/org.yaml")
	eq(t, "org language", o.Language, "en")
	eq(t, "accent defaults to primary", o.Colours.Accent, "#0b5d3b")
	eq(t, "media contact phone", o.MediaContact.Phone, "+1 555 0100")
	eq(t, "social bluesky", o.Social.Bluesky, "https://bsky.example/profile/riverside.example")
	eq(t, "members", len(o.Members), 2)
	eq(t, "about", string(o.About), "A coalition of **forty** neighbourhood groups.\n")

	logo := o.Logo.Asset
	if logo == nil {
		t.Fatal("logo asset: got nil")
	}
	eq(t, "logo content type", logo.ContentType, "image/svg+xml")
	eq(t, "logo width (from width attribute)", logo.Width, 120)
	eq(t, "logo height", logo.Height, 40)
	eq(t, "logo hash length", len(logo.Hash), 12)
	eq(t, "logo path", logo.Path, "assets/logo.svg")

	eq(t, "redirects", fmt.Sprint(o.Redirects), "[{library-petition save-the-library} {hours opening-hours}]")
	c := mustCampaign(t, s, "riverside", "save-the-library")
	eq(t, "title", c.Title, "Four ways to help save the Riverside library")
	eq(t, "file", c.File, "riverside/save-the-library.yaml")
	eq(t, "org back-pointer", c.Org, o)
	eq(t, "date", c.Date, date("2026-02-10"))
	eq(t, "close_at (RFC 3339)", c.CloseAt, time.Date(2026, 3, 3, 18, 0, 0, 0, time.UTC))
	eq(t, "publish_at (date)", c.PublishAt, date("2026-02-10"))
	eq(t, "public the moment publish_at is reached", c.PublicAt(date("2026-02-10")), true)
	eq(t, "not public the second before publish_at", c.PublicAt(date("2026-02-10").Add(-time.Second)), false)
	eq(t, "status default", c.Status, StatusPublished)
	eq(t, "layout", c.Layout, LayoutSteps)
	eq(t, "hashtags", strings.Join(c.Hashtags, ","), "SaveRiversideLibrary,Libraries")
	eq(t, "image content type", c.Image.Asset.ContentType, "image/jpeg")
	eq(t, "image width", c.Image.Asset.Width, 1200)
	eq(t, "image height", c.Image.Asset.Height, 630)
	eq(t, "image credit", c.Image.Credit, "Photo by Jo Amari")

	// Related: same org by slug, another org by org/slug, an outside page.
	eq(t, "related count", len(c.Related), 3)
	eq(t, "related[0] target", c.Related[0].Target, mustCampaign(t, s, "riverside", "opening-hours"))
	eq(t, "related[1] target", c.Related[1].Target, mustCampaign(t, s, "parkland", "keep-the-park"))
	eq(t, "related[2] title", c.Related[2].Title, "The library's annual report")
	eq(t, "related[2] target", c.Related[2].Target, (*Campaign)(nil))

	kinds := make([]string, len(c.Actions))
	ids := make([]string, len(c.Actions))
	for i, a := range c.Actions {
		kinds[i], ids[i] = string(a.Kind), a.ID
	}
	eq(t, "kinds", strings.Join(kinds, ","), "statement,letter,petition,contact,share,listen,engage,donate,resources,share")
	eq(t, "ids", strings.Join(ids, ","), "statement,open-letter,sign,contact,share,listen,engage,donate,resources,share-2")

	st := c.Actions[0].Statement
	eq(t, "statement dateline", st.Dateline, "RIVERSIDE")
	eq(t, "statement date defaults to campaign date", st.Date, c.Date)
	eq(t, "statement media contact defaults to org's", st.MediaContact, o.MediaContact)
	eq(t, "statement icon", c.Actions[0].Icon, "📣")

	lt := c.Actions[1].Letter
	eq(t, "letter to", lt.To, "Riverside City Council")
	eq(t, "letter organisations", len(lt.Organisations), 2)
	eq(t, "signatory logo shares the org logo asset", lt.Organisations[0].Logo.Asset, logo)
	eq(t, "individual role", lt.Individuals[0].Role, "Librarian, Riverside branch")

	p := c.Actions[2].Petition
	eq(t, "petition goal", p.Goal, 5000)
	eq(t, "petition text (a petition's own text)", string(p.Text), "Keep the Riverside library open.")
	eq(t, "petition action text stays empty", string(c.Actions[2].Text), "")

	ct := c.Actions[3].Contact
	eq(t, "targets", len(ct.Targets), 2)
	eq(t, "target region", ct.Targets[1].Region, "Southside")

	sh := c.Actions[4].Share
	eq(t, "share x", sh.Messages.X.First(), "Our library closes unless the council hears from us by 3 March. {link}")
	eq(t, "share falls back to default", sh.Messages.For(NetworkBluesky), sh.Messages.Default.First())

	items := c.Actions[5].Listen.Items
	durations := []time.Duration{34 * time.Minute, time.Hour + 5*time.Minute, time.Hour + 5*time.Minute, 12*time.Minute + 30*time.Second, time.Hour + 2*time.Minute + 3*time.Second}
	eq(t, "listen items", len(items), len(durations))
	for i, d := range durations {
		eq(t, "duration of item "+items[i].Title, items[i].Duration, d)
	}
	eq(t, "format", items[0].Format, "podcast")

	eq(t, "engage organisations (own list)", len(c.Actions[6].Engage.Organisations), 1)

	d := c.Actions[7].Donate
	eq(t, "amounts", len(d.Amounts), 3)
	eq(t, "amount", d.Amounts[2], 50)
	eq(t, "currency", d.Currency, "USD")
	eq(t, "amount_param", d.Destinations[0].AmountParam, "amount")

	res := c.Actions[8].Resources.Items
	eq(t, "resource file asset type", res[0].Asset.ContentType, "application/pdf")
	eq(t, "resource date", res[0].Date, date("2025-12-01"))
	eq(t, "resource link", res[1].Link, "https://riverside.example/report")
	eq(t, "resource picture shares the campaign image", res[2].Asset, c.Image.Asset)

	// Each file referenced is read once into Org.Assets, by its path.
	paths := make([]string, 0, len(o.Assets))
	for p, a := range o.Assets {
		eq(t, "asset key is its path", a.Path, p)
		paths = append(paths, p)
	}
	slices.Sort(paths)
	eq(t, "assets", strings.Join(paths, ","), "assets/logo.svg,assets/reading-room.jpg,assets/report.pdf,assets/small.gif,assets/tiny.png")
	eq(t, "png size", o.Assets["assets/tiny.png"].Width*100+o.Assets["assets/tiny.png"].Height, 403)
	eq(t, "gif size", o.Assets["assets/small.gif"].Width*100+o.Assets["assets/small.gif"].Height, 201)
	eq(t, "gif type", o.Assets["assets/small.gif"].ContentType, "image/gif")

	// Campaigns are newest first, then by title.
	var slugs []string
	for _, c := range o.Campaigns {
		slugs = append(slugs, c.Slug)
	}
	eq(t, "campaign order", strings.Join(slugs, ","), "save-the-library,a-second-look,opening-hours,draft-plan")
	eq(t, "draft is loaded", mustCampaign(t, s, "riverside", "draft-plan").Status, StatusDraft)

	// Orgs are sorted by name.
	eq(t, "org order", s.Orgs[0].Slug+","+s.Orgs[1].Slug, "parkland,riverside")
	eq(t, "parkland language", s.Org("parkland").Language, "ar")
}

func checkMinimal(t *testing.T, s *Site) {
	c := mustCampaign(t, s, "tiny", "hello")
	eq(t, "status", c.Status, StatusPublished)
	eq(t, "layout", c.Layout, LayoutSections)
	eq(t, "action id", c.Actions[0].ID, "share")
	eq(t, "share struct set", c.Actions[0].Share != nil, true)
	eq(t, "language", s.Org("tiny").Language, "en")
	eq(t, "accent stays empty without primary", s.Org("tiny").Colours.Accent, "")
	eq(t, "assets map exists", s.Org("tiny").Assets != nil, true)
}

func checkDefaults(t *testing.T, s *Site) {
	c := mustCampaign(t, s, "coalition", "four-steps")
	var ids []string
	for _, a := range c.Actions {
		ids = append(ids, a.ID)
	}
	// An explicit id "share" takes the plain name; the unnamed shares number around it.
	eq(t, "ids", strings.Join(ids, ","), "share-2,share,share-3,engage,donate,statement")
	st := c.Actions[5].Statement
	eq(t, "statement keeps its own date", st.Date, date("2026-01-30"))
	eq(t, "statement keeps its own contact", st.MediaContact.Name, "Ada Lind")
	eq(t, "engage without a list (uses members)", len(c.Actions[3].Engage.Organisations), 0)
	eq(t, "donate without destinations (uses org donate)", len(c.Actions[4].Donate.Destinations), 0)
	eq(t, "status closed", c.Status, StatusClosed)
	eq(t, "language", s.Org("coalition").Language, "fr-CA")
	eq(t, "accent", s.Org("coalition").Colours.Accent, "#123")
}

func checkIgnored(t *testing.T, s *Site) {
	eq(t, "orgs", len(s.Orgs), 1)
	o := s.Org("quiet")
	eq(t, "campaigns (assets/*.yaml and notes are not campaigns)", len(o.Campaigns), 1)
}

func checkShapes(t *testing.T, s *Site) {
	c := mustCampaign(t, s, "shapes", "flow-style")
	eq(t, "title with a colon in quotes", c.Title, "Tell the Courier: call it what it is")
	eq(t, "summary folded", c.Summary, "One line and another line.\n")
	eq(t, "hashtags in flow style", strings.Join(c.Hashtags, ","), "A,B")
	eq(t, "related in flow style", c.Related[0].Campaign, "other")
	eq(t, "anchor and alias", c.Actions[1].Contact.Targets[0].Phone, c.Actions[1].Contact.Targets[1].Phone)
	eq(t, "quoted number as goal", c.Actions[0].Petition.Goal, 250)
	eq(t, "date with time offset", c.Date.Equal(time.Date(2026, 2, 10, 8, 0, 0, 0, time.UTC)), true)
}

// TestLoadDirAsTyped checks that Load names files with the directory as the
// caller wrote it.
func TestLoadDirAsTyped(t *testing.T) {
	_, ps := Load(filepath.Join("testdata", "invalid", "misspelt-field") + "/")
	if len(ps) == 0 {
		t.Fatal("got no problems, want the misspelt field")
	}
	want := "testdata/invalid/misspelt-field/riverside/save-the-library.yaml"
	eq(t, "file", ps[0].File, want)
}

// TestLoadMissingDir reports a directory that does not exist as one problem.
func TestLoadMissingDir(t *testing.T) {
	site, ps := Load(filepath.Join(t.TempDir(), "nope"))
	eq(t, "site", site, (*Site)(nil))
	eq(t, "problems", len(ps), 1)
	if len(ps) == 1 {
		eq(t, "message", ps[0].Message, "there is no such folder — check the path to the campaigns folder")
	}
}

// TestLoadEmptyDir warns about a directory with no organisations, and still
// gives an (empty) Site.
func TestLoadEmptyDir(t *testing.T) {
	site, ps := LoadFS(fstest.MapFS{"campaigns/README.md": {Data: []byte("hi")}}, "campaigns")
	if site == nil {
		t.Fatal("got nil Site, want an empty one")
	}
	eq(t, "problems", ps.Error(), "campaigns: warning: there are no organisations here yet — make a folder for each organisation, with an org.yaml file in it")
}

// TestAssetTooLarge refuses a file over 20 MB (made in memory, not committed).
func TestAssetTooLarge(t *testing.T) {
	fsys := fstest.MapFS{
		"c/big/org.yaml":        {Data: []byte("name: Big\nlogo: {src: assets/huge.png, alt: Huge}\n")},
		"c/big/assets/huge.png": {Data: make([]byte, 21<<20)},
	}
	site, ps := LoadFS(fsys, "c")
	eq(t, "site", site, (*Site)(nil))
	eq(t, "problems", ps.Error(), "c/big/org.yaml:2:13: assets/huge.png is 21.0 MB, over the 20 MB limit for a file — make it smaller (for a picture, 2000 pixels wide is plenty)")
}

// TestLargePictureWarning warns about a picture over 1 MB.
func TestLargePictureWarning(t *testing.T) {
	pdf := []byte("%PDF-1.4\n")
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><!--` + strings.Repeat("x", 1<<20) + `--></svg>`)
	fsys := fstest.MapFS{
		"big/org.yaml":          {Data: []byte("name: Big\nlogo: {src: assets/big.svg, alt: Big}\n")},
		"big/assets/big.svg":    {Data: svg},
		"big/assets/report.pdf": {Data: pdf},
	}
	site, ps := LoadFS(fsys, ".")
	if site == nil {
		t.Fatalf("got nil Site, want one: %v", ps)
	}
	eq(t, "problems", ps.Error(), "big/org.yaml:2:13: warning: assets/big.svg is 1.0 MB — pictures this large load slowly on phones: keep them under 1 MB (a JPEG saved at 80% quality, 2000 pixels wide at most, usually is)")
	eq(t, "viewBox size", site.Org("big").Logo.Asset.Width, 10)
}

func TestShareLength(t *testing.T) {
	for _, tc := range []struct {
		msg  string
		want int
	}{
		{"", 24},                           // the appended link after a space
		{"Hello {link}", 6 + 23},           // {link} counts 23
		{"{link} and {link}", 23 + 5 + 23}, // each one
		{"See https://example.org/a/very/long/path/indeed?x=1 now", 4 + 23 + 4 + 24},
		{"héllo ✊", 7 + 24}, // characters, not bytes
	} {
		eq(t, "shareLength("+tc.msg+")", shareLength(tc.msg), tc.want)
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"34m": 34 * time.Minute, "1h5m": 65 * time.Minute, "1h 5m": 65 * time.Minute, "90s": 90 * time.Second,
		"12:30": 12*time.Minute + 30*time.Second, "1:02:03": time.Hour + 2*time.Minute + 3*time.Second, "4m10s": 250 * time.Second,
	} {
		got, ok := parseDuration(in)
		if !ok || got != want {
			t.Errorf("parseDuration(%q): got %v %v, want %v true", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "34", "long", "-5m", "0m", "1:2", "1:60", "1:02:03:04", "::", "1h-5m"} {
		if got, ok := parseDuration(in); ok {
			t.Errorf("parseDuration(%q): got %v true, want false", in, got)
		}
	}
}

func TestSuggest(t *testing.T) {
	options := []string{"title", "summary", "date", "close_at", "colours", "short_name"}
	for in, want := range map[string]string{
		"titel": "title", "sumary": "summary", "Title": "title", "colors": "colours",
		"close-at": "close_at", "shortName": "short_name", "dat": "date", "zzz": "", "description": "",
	} {
		eq(t, "suggest("+in+")", suggest(in, options), want)
	}
}

func TestContrast(t *testing.T) {
	// Known WCAG ratios against white.
	eq(t, "black", contrastWithWhite([3]float64{0, 0, 0}) > 20.9, true)
	eq(t, "#767676 passes", contrastWithWhite([3]float64{0x76, 0x76, 0x76}) >= 4.5, true)
	eq(t, "#777777 fails", contrastWithWhite([3]float64{0x77, 0x77, 0x77}) < 4.5, true)
	d := darkEnough([3]float64{0x7f, 0xb3, 0xd5})
	rgb, ok := (&checker{l: &loader{pos: positions{}}}).colour(d, new(string), "primary")
	eq(t, "suggestion parses", ok, true)
	eq(t, "suggestion passes", contrastWithWhite(rgb) >= 4.5, true)
}

func TestSlugify(t *testing.T) {
	for in, want := range map[string]string{
		"Save The Library": "save-the-library", "Café_Été": "cafe-ete", "--x--": "x", "مرحبا": "", "A1 b2": "a1-b2",
	} {
		eq(t, "Slugify("+in+")", Slugify(in), want)
	}
}

// BenchmarkLoad measures loading a small but complete campaigns directory
// (every kind of call to action, five files read as assets).
func BenchmarkLoad(b *testing.B) {
	fsys := os.DirFS(filepath.Join("testdata", "valid", "every-kind"))
	for b.Loop() {
		if site, ps := LoadFS(fsys, "."); site == nil {
			b.Fatal(ps)
		}
	}
}

// TestYAMLTooLarge refuses a campaign file over 1 MB without reading it.
func TestYAMLTooLarge(t *testing.T) {
	fsys := fuzzFS(t, make([]byte, 3<<20))
	site, ps := LoadFS(fsys, "c")
	eq(t, "site", site, (*Site)(nil))
	eq(t, "problems", ps.Error(), "c/org/fuzz.yaml: this file is 3.0 MB, far larger than a campaign file should be (at most 1 MB) — check that it is the right file")
}

// TestAliasBomb stops a file whose aliases multiply the work, with one problem.
func TestAliasBomb(t *testing.T) {
	var b strings.Builder
	b.WriteString("title: T\nsummary: S\ndate: 2026-01-01\ntargets: &t [")
	for i := range 400 {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("{name: N, phone: '+1 555 0100'}")
	}
	b.WriteString("]\nactions:\n")
	for range 400 {
		b.WriteString("  - {kind: contact, targets: *t}\n")
	}
	_, ps := LoadFS(fuzzFS(t, []byte(b.String())), "c")
	n := 0
	for _, p := range ps {
		if strings.HasPrefix(p.Message, "this alias *t repeats ") {
			n++
		}
	}
	eq(t, "alias problems", n, 1)
}

// failFS is an fs.FS whose named paths cannot be opened. It has only Open,
// so fs.ReadFile, fs.ReadDir and fs.Stat all go through it.
type failFS struct {
	files fstest.MapFS
	fail  map[string]error
}

func (f failFS) Open(name string) (fs.File, error) {
	if err := f.fail[name]; err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	return f.files.Open(name)
}

// TestUnreadable reports files and folders that exist but cannot be read,
// each at its own path.
func TestUnreadable(t *testing.T) {
	fsys := failFS{
		files: fstest.MapFS{
			"c/a/org.yaml":        {Data: []byte("name: A\nlogo: {src: assets/logo.png, alt: Logo}\n")},
			"c/a/assets/logo.png": {Data: []byte("x")},
			"c/a/camp.yaml":       {Data: []byte("title: T\n")},
			"c/b/org.yaml":        {Data: []byte("name: B\n")},
		},
		fail: map[string]error{
			"c/a/camp.yaml":       fs.ErrPermission,
			"c/a/assets/logo.png": errors.New("input/output error"),
			"c/b":                 fs.ErrPermission,
		},
	}
	site, ps := LoadFS(fsys, "c")
	eq(t, "site", site, (*Site)(nil))
	eq(t, "problems", ps.Error(), strings.Join([]string{
		"c/a/camp.yaml: this file cannot be read: permission denied",
		"c/a/org.yaml:2:13: assets/logo.png cannot be read: input/output error",
		"c/b: this folder cannot be read: permission denied",
	}, "\n"))
}

// checkTranslations: each language's copy holds its own text, falls back
// to the default where a translation is missing, shares everything else,
// and keeps the organisation's own wording per language.
func checkTranslations(t *testing.T, s *Site) {
	o := s.Org("trio")
	if got := o.Langs(); !slices.Equal(got, []string{"en", "ar", "he"}) {
		t.Fatalf("Langs = %v, want [en ar he]", got)
	}
	c := o.Campaign("open-the-park")
	ar, he := c.In("ar"), c.In("he")
	for _, tc := range []struct{ got, want string }{
		{o.Name, "Trio Network"}, {o.In("ar").Name, "شبكة الثلاثي"}, {o.In("he").Name, "רשת השלישייה"},
		{string(o.In("he").About), "We work in three languages."}, // fallback
		{o.In("ar").Language, "ar"}, {o.Language, "en"},
		{c.Title, "Open the park"}, {ar.Title, "افتحوا الحديقة"}, {he.Title, "פתחו את הפארק"},
		{ar.Actions[0].Petition.Target, "مجلس المدينة"}, {string(he.Actions[0].Petition.Text), "פתחו את שערי הפארק כל יום."},
		{ar.Actions[1].Share.Messages.Default.First(), "Open the park! {link}"}, // fallback
		{he.Actions[1].Share.Messages.Default.First(), "פתחו את הפארק! {link}"},
		{ar.Slug, "open-the-park"}, {ar.Actions[0].ID, "petition"},
		{o.In("ar").Strings["ar"]["sign.submit.petition"], "أضف صوتك"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	if ar.Actions[0].Petition.Goal != 500 || !ar.Date.Equal(c.Date) || ar.Org != o.In("ar") || o.In("ar").Campaign("open-the-park") != ar {
		t.Errorf("the Arabic copy does not share goal, date or its organisation's index")
	}
	if c.Actions[0].Petition == ar.Actions[0].Petition {
		t.Errorf("the Arabic copy shares the petition with the default: translating one would change the other")
	}
	if ar.In("he") != he || ar.In("en") != c || o.In("he").In("ar") != o.In("ar") {
		t.Errorf("In from a translated copy does not reach the other languages")
	}
	if o.In("fr") != o || c.In("fr") != c {
		t.Errorf("In(an undeclared language) should be the default copy")
	}
}

// TestDefaultsInEveryLanguage: the defaults the loader fills in (action
// ids, a statement's date and media contact) hold in each language's copy
// too, the media contact in that language, so pages read the fields and
// never work them out again.
func TestDefaultsInEveryLanguage(t *testing.T) {
	fsys := fstest.MapFS{
		"c/org.yaml": {Data: []byte(`name: Riverside
languages: [en, fr]
media_contact:
  name: {en: Sam Ortiz, fr: Samuel Ortiz}
  email: press@riverside.example
`)},
		"c/vote.yaml": {Data: []byte(`title: {en: Vote, fr: Vote}
summary: {en: Our response., fr: Notre réponse.}
date: 2026-03-04
actions:
  - kind: statement
    body: {en: We spoke., fr: Nous avons parlé.}
  - kind: share
    messages: {default: {en: Pass it on., fr: Faites passer.}}
  - kind: share
    messages: {default: {en: Again., fr: Encore.}}
`)},
	}
	site, ps := LoadFS(fsys, ".")
	if site == nil {
		t.Fatalf("LoadFS: %v", ps)
	}
	for lang, contact := range map[string]string{"en": "Sam Ortiz", "fr": "Samuel Ortiz"} {
		c := mustCampaign(t, site, "c", "vote").In(lang)
		var ids []string
		for _, a := range c.Actions {
			ids = append(ids, a.ID)
		}
		eq(t, lang+" ids", strings.Join(ids, ","), "statement,share,share-2")
		st := c.Actions[0].Statement
		eq(t, lang+" statement date", st.Date, date("2026-03-04"))
		if st.MediaContact == nil {
			t.Fatalf("%s: statement has no media contact, want the organisation's", lang)
		}
		eq(t, lang+" statement media contact", st.MediaContact.Name, contact)
	}
}

// TestRetiredCheckWordingLoads: org.yaml files written before validation
// messages became one catalogue key per field may override the four
// shared names those messages had (check.toolong, check.unreadable,
// check.invisible, check.email.invalid); such a file loads as it did,
// without problems, instead of being refused.
func TestRetiredCheckWordingLoads(t *testing.T) {
	fsys := fstest.MapFS{
		"c/o/org.yaml": {Data: []byte("name: O\nstrings:\n  en:\n    check.toolong: At most {max} letters, please\n" +
			"    check.unreadable: Unreadable, please retype\n    check.invisible: Hidden characters, please retype\n" +
			"    check.email.invalid: That is not an email address\n")},
	}
	site, ps := LoadFS(fsys, "c")
	if site == nil || len(ps) > 0 {
		t.Fatalf("an org.yaml overriding the retired check.* names: problems %v", ps)
	}
}

// TestConsolePageFolderWarns: an organisation whose folder is named like
// one of the console's own pages (/admin/sessions, /admin/activity…)
// loads and serves its public pages, with a warning that its console
// pages cannot be reached at that name and how to fix it. Nothing warned
// before, and the console silently showed its own page instead.
func TestConsolePageFolderWarns(t *testing.T) {
	fsys := fstest.MapFS{"sessions/org.yaml": {Data: []byte("name: Sessions Collective\n")}}
	site, ps := LoadFS(fsys, ".")
	if site == nil || site.Org("sessions") == nil {
		t.Fatalf("an organisation named like a console page did not load: %v", ps)
	}
	eq(t, "problems", ps.Error(), "sessions: warning: the organisers' console has a page of its own at /admin/sessions, so this organisation's console pages cannot be reached there; its public pages work — rename the folder (for example to sessions-group) to use the console")
}
