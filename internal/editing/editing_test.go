package editing

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/scaffold"
	"github.com/placard/placard/internal/site"
)

var day = time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)

// folder makes a campaigns folder with organisations riverside (with a
// petition "library") and northgate (with a petition "rent"), from the
// scaffolds, and a workspace over it that counts reloads.
func folder(t *testing.T) (*Workspace, *[]string) {
	t.Helper()
	dir := t.TempDir()
	for _, org := range []struct{ slug, camp string }{{"riverside", "library"}, {"northgate", "rent"}} {
		o, err := scaffold.Org(org.slug)
		if err != nil {
			t.Fatal(err)
		}
		c, err := scaffold.Campaign(org.slug, scaffold.OrgName([]byte(o), org.slug), org.camp, "petition", day)
		if err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(dir, org.slug, "org.yaml"), o)
		write(t, filepath.Join(dir, org.slug, org.camp+".yaml"), c)
	}
	var reloads []string
	w := &Workspace{Dir: dir, Now: func() time.Time { return day }, Reload: func(why string) bool {
		reloads = append(reloads, why)
		return true
	}}
	return w, &reloads
}

func write(t *testing.T, file, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func read(t *testing.T, file string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var organiser = Author{Name: "Ada Organiser", Email: "ada@riverside.example"}

func TestOpenAndFiles(t *testing.T) {
	w, _ := folder(t)
	d, err := w.Open("riverside", "library.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(d.Text, "title: Library") || d.Version != Version([]byte(d.Text)) || d.Path() != "riverside/library.yaml" {
		t.Errorf("opened %+v", d)
	}
	files, err := w.Files("riverside")
	if err != nil || strings.Join(files, ",") != "org.yaml,library.yaml" {
		t.Errorf("Files = %v, %v", files, err)
	}
}

// TestHostilePaths: nothing outside the organisation's own folder, and
// nothing in it but its YAML files, can be opened, checked or saved.
func TestHostilePaths(t *testing.T) {
	w, _ := folder(t)
	outside := filepath.Join(t.TempDir(), "secret.yaml")
	write(t, outside, "title: secret\n")
	// A link inside riverside to a file outside the folder, a link to the
	// other organisation's file, and an organisation folder that is a link.
	must(t, os.Symlink(outside, filepath.Join(w.Dir, "riverside", "leak.yaml")))
	must(t, os.Symlink(filepath.Join(w.Dir, "northgate", "rent.yaml"), filepath.Join(w.Dir, "riverside", "rent.yaml")))
	must(t, os.Symlink(filepath.Join(w.Dir, "northgate"), filepath.Join(w.Dir, "alias")))
	must(t, os.Symlink(outside, filepath.Join(w.Dir, "riverside", "org-link.yaml")))
	cases := []struct{ org, name string }{
		{"riverside", "../northgate/rent.yaml"},
		{"riverside", "..%2fnorthgate/rent.yaml"},
		{"riverside", "/etc/passwd"},
		{"riverside", "assets/x.yaml"},
		{"riverside", ".hidden.yaml"},
		{"riverside", "Library.yaml"},
		{"riverside", "library.yml"},
		{"riverside", "library"},
		{"riverside", ""},
		{"riverside", "leak.yaml"},
		{"riverside", "rent.yaml"},
		{"riverside", "org-link.yaml"},
		{"riverside", "missing.yaml"},
		{"..", "org.yaml"},
		{".", "org.yaml"},
		{"", "org.yaml"},
		{"riverside/..", "org.yaml"},
		{"alias", "rent.yaml"},
		{"alias", "org.yaml"},
		{"nobody", "org.yaml"},
	}
	for _, c := range cases {
		if _, err := w.Open(c.org, c.name); !errors.Is(err, ErrNotFound) {
			t.Errorf("Open(%q, %q) = %v, want ErrNotFound", c.org, c.name, err)
		}
		s, err := w.Save(context.Background(), Save{Org: c.org, Name: c.name, Base: "x", Text: "title: x\n", Author: organiser})
		if c.name == "missing.yaml" {
			if err != nil || s.Written || s.Conflict == nil {
				t.Errorf("Save of a missing file with a base = %+v, %v, want a conflict", s, err)
			}
			continue
		}
		if !errors.Is(err, ErrNotFound) || s.Written {
			t.Errorf("Save(%q, %q) = %+v, %v, want ErrNotFound", c.org, c.name, s, err)
		}
	}
	if got := read(t, outside); got != "title: secret\n" {
		t.Errorf("the file outside changed: %q", got)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestCheckReportsAtLineAndColumn: a mistake is reported at its line and
// column with the checker's words, and nothing is written.
func TestCheckReportsAtLineAndColumn(t *testing.T) {
	w, reloads := folder(t)
	d, _ := w.Open("riverside", "library.yaml")
	bad := strings.Replace(d.Text, "status: draft", "status: drafty", 1)
	line := 1 + strings.Count(bad[:strings.Index(bad, "status: drafty")], "\n")
	rep, err := w.Check("riverside", "library.yaml", bad)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.Errors() != 1 {
		t.Fatalf("report %+v, want one error", rep)
	}
	p := rep.Problems[0]
	if !p.Here || p.File != "riverside/library.yaml" || p.Line != line || p.Col != 9 || !strings.Contains(p.Message, "draft") {
		t.Errorf("problem %+v, want riverside/library.yaml:%d:9 suggesting draft", p, line)
	}
	if !strings.HasPrefix(p.String(), "riverside/library.yaml:") {
		t.Errorf("String() = %q", p.String())
	}
	s, err := w.Save(context.Background(), Save{Org: "riverside", Name: "library.yaml", Base: d.Version, Text: bad, Author: organiser})
	if err != nil || s.Written || s.Report.OK() {
		t.Fatalf("Save = %+v, %v, want refused", s, err)
	}
	if got := read(t, filepath.Join(w.Dir, "riverside", "library.yaml")); got != d.Text {
		t.Error("a refused save changed the file")
	}
	if len(*reloads) != 0 {
		t.Errorf("reloaded %v after a refused save", *reloads)
	}
	good := strings.Replace(d.Text, "title: Library", "title: Keep the library open", 1)
	rep, _ = w.Check("riverside", "library.yaml", good)
	if !rep.OK() {
		t.Errorf("good text refused: %+v", rep)
	}
}

// TestOtherOrganisationsProblemsAreCountedNotShown: another organisation's
// broken file stops the save (the site would not reload) but none of its
// names or words reach this organisation.
func TestOtherOrganisationsProblemsAreCountedNotShown(t *testing.T) {
	w, _ := folder(t)
	write(t, filepath.Join(w.Dir, "northgate", "secret-plan.yaml"), "title: [\n")
	d, _ := w.Open("riverside", "library.yaml")
	rep, err := w.Check("riverside", "library.yaml", d.Text)
	if err != nil {
		t.Fatal(err)
	}
	if rep.OK() || rep.Elsewhere != 1 || len(rep.Problems) != 0 {
		t.Errorf("report %+v, want one error elsewhere and none shown", rep)
	}
}

func TestSaveWritesAtomicallyAndReloads(t *testing.T) {
	w, reloads := folder(t)
	d, _ := w.Open("riverside", "library.yaml")
	good := strings.Replace(d.Text, "title: Library", "title: Keep the library open", 1)
	s, err := w.Save(context.Background(), Save{Org: "riverside", Name: "library.yaml", Base: d.Version, Text: good, Author: organiser, Why: "edited"})
	if err != nil || !s.Written || !s.Reloaded || s.Version != Version([]byte(good)) || s.Committed {
		t.Fatalf("Save = %+v, %v", s, err)
	}
	if got := read(t, filepath.Join(w.Dir, "riverside", "library.yaml")); got != good {
		t.Error("the file does not hold the saved text")
	}
	if len(*reloads) != 1 || !strings.Contains((*reloads)[0], "riverside/library.yaml") {
		t.Errorf("reloads %v", *reloads)
	}
	entries, _ := os.ReadDir(filepath.Join(w.Dir, "riverside"))
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left %s behind", e.Name())
		}
	}
}

// TestConcurrentSaves: two organisers open the same file; the first save
// wins, the second is refused with the difference, and the file keeps the
// first's text.
func TestConcurrentSaves(t *testing.T) {
	w, _ := folder(t)
	a, _ := w.Open("riverside", "library.yaml")
	b, _ := w.Open("riverside", "library.yaml")
	aText := strings.Replace(a.Text, "title: Library", "title: Ada's title", 1)
	bText := strings.Replace(b.Text, "title: Library", "title: Ben's title", 1)
	sa, err := w.Save(context.Background(), Save{Org: "riverside", Name: "library.yaml", Base: a.Version, Text: aText, Author: organiser})
	if err != nil || !sa.Written {
		t.Fatalf("first save %+v, %v", sa, err)
	}
	sb, err := w.Save(context.Background(), Save{Org: "riverside", Name: "library.yaml", Base: b.Version, Text: bText, Author: Author{Name: "Ben"}})
	if err != nil || sb.Written || sb.Conflict == nil {
		t.Fatalf("second save %+v, %v, want a conflict", sb, err)
	}
	if sb.Conflict.Version != sa.Version {
		t.Errorf("conflict version %q, want %q", sb.Conflict.Version, sa.Version)
	}
	if !strings.Contains(sb.Conflict.Diff, "-title: Ada's title\n+title: Ben's title\n") {
		t.Errorf("diff:\n%s", sb.Conflict.Diff)
	}
	if got := read(t, filepath.Join(w.Dir, "riverside", "library.yaml")); got != aText {
		t.Error("the second save changed the file")
	}
}

func TestGitCommitsWithTheOrganiserAsAuthor(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("git is not installed")
		}
		t.Skip("git is not installed")
	}
	w, _ := folder(t)
	w.Git = true
	gitIn := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", w.Dir}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Op", "GIT_AUTHOR_EMAIL=op@example.org", "GIT_COMMITTER_NAME=Op", "GIT_COMMITTER_EMAIL=op@example.org")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	gitIn("init", "--quiet")
	gitIn("add", ".")
	gitIn("commit", "--quiet", "--no-gpg-sign", "-m", "start")
	// Something else the operator was working on stays out of the commit.
	write(t, filepath.Join(w.Dir, "northgate", "draft-notes.md"), "notes\n")
	gitIn("add", "northgate/draft-notes.md")
	d, _ := w.Open("riverside", "library.yaml")
	good := strings.Replace(d.Text, "title: Library", "title: Keep it open", 1)
	s, err := w.Save(context.Background(), Save{Org: "riverside", Name: "library.yaml", Base: d.Version, Text: good,
		Author: Author{Name: "Ada\nEvil <x>", Email: "ada@riverside.example"}, Why: "edited"})
	if err != nil || !s.Written || !s.Committed {
		t.Fatalf("Save = %+v, %v", s, err)
	}
	log := gitIn("log", "-1", "--format=%an|%ae|%cn|%s", "--name-only")
	if !strings.HasPrefix(log, "Ada Evil  x|ada@riverside.example|Placard console|riverside/library.yaml: edited in the console\n") ||
		!strings.Contains(log, "\nriverside/library.yaml\n") || strings.Contains(log, "draft-notes") {
		t.Errorf("last commit:\n%s", log)
	}
	// A new campaign is committed too.
	if _, s, err := w.NewCampaign(context.Background(), "riverside", "parks", "letter", organiser); err != nil || !s.Committed {
		t.Fatalf("NewCampaign = %+v, %v", s, err)
	}
	if log := gitIn("log", "-1", "--format=%an|%s"); log != "Ada Organiser|riverside/parks.yaml: created in the console\n" {
		t.Errorf("last commit %q", log)
	}
}

func TestNewCampaign(t *testing.T) {
	w, reloads := folder(t)
	d, s, err := w.NewCampaign(context.Background(), "riverside", "parks", "steps", organiser)
	if err != nil || !s.Written || !s.Report.OK() {
		t.Fatalf("NewCampaign = %+v, %v", s, err)
	}
	if got := read(t, filepath.Join(w.Dir, "riverside", "parks.yaml")); got != d.Text || !strings.Contains(got, "status: draft") {
		t.Errorf("file:\n%s", got)
	}
	if len(*reloads) != 1 {
		t.Errorf("reloads %v", *reloads)
	}
	if _, _, err := w.NewCampaign(context.Background(), "riverside", "parks", "petition", organiser); !errors.Is(err, ErrExists) {
		t.Errorf("second NewCampaign: %v, want ErrExists", err)
	}
	for _, slug := range []string{"Parks", "../x", "a--b", "org", ""} {
		if _, _, err := w.NewCampaign(context.Background(), "riverside", slug, "petition", organiser); err == nil {
			t.Errorf("NewCampaign(%q) made a file", slug)
		}
	}
	if _, _, err := w.NewCampaign(context.Background(), "riverside", "zoo", "rocket", organiser); !errors.Is(err, ErrBadKind) {
		t.Errorf("unknown kind: %v", err)
	}
}

func pngOf(w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{1, 2, 3, 255})
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

func TestUpload(t *testing.T) {
	w, _ := folder(t)
	pic := pngOf(40, 30)
	name, err := w.Upload(context.Background(), "riverside", pic, organiser)
	if err != nil || !strings.HasPrefix(name, "assets/upload-") || !strings.HasSuffix(name, ".png") {
		t.Fatalf("Upload = %q, %v", name, err)
	}
	if got := read(t, filepath.Join(w.Dir, "riverside", name)); got != string(pic) {
		t.Error("the stored picture differs")
	}
	if again, err := w.Upload(context.Background(), "riverside", pic, organiser); err != nil || again != name {
		t.Errorf("the same picture again = %q, %v", again, err)
	}
	// A 1×1 lossless WebP is taken too, named .webp.
	webp, _ := hex.DecodeString("524946461a000000574542505650384c0d0000002f00000010071011118888fe0700")
	if name, err := w.Upload(context.Background(), "riverside", webp, organiser); err != nil || !strings.HasSuffix(name, ".webp") {
		t.Errorf("WebP upload = %q, %v", name, err)
	}
	// A header claiming 30,000 × 30,000 pixels is refused before decoding.
	huge := pngOf(1, 1)
	huge[16], huge[17], huge[18], huge[19] = 0, 0, 0x75, 0x30
	huge[20], huge[21], huge[22], huge[23] = 0, 0, 0x75, 0x30
	binary.BigEndian.PutUint32(huge[29:33], crc32.ChecksumIEEE(huge[12:29]))
	for _, c := range []struct {
		data []byte
		want error
	}{
		{[]byte("GIF89a\x01\x00\x01\x00"), ErrPicture},
		{[]byte("<svg xmlns='http://www.w3.org/2000/svg'/>"), ErrPicture},
		{[]byte("\x89PNG\r\n\x1a\nnot really"), ErrPicture},
		{[]byte("RIFF\x00\x00\x00\x00WEBPjunk"), ErrPicture},
		{huge, ErrPixels},
		{make([]byte, MaxPictureSize+1), ErrTooLarge},
	} {
		if _, err := w.Upload(context.Background(), "riverside", c.data, organiser); !errors.Is(err, c.want) {
			t.Errorf("Upload(%.12q) = %v, want %v", c.data, err, c.want)
		}
	}
	// An assets "folder" that is a link out is never written through.
	must(t, os.Symlink(t.TempDir(), filepath.Join(w.Dir, "northgate", "assets")))
	if _, err := w.Upload(context.Background(), "northgate", pic, organiser); err == nil {
		t.Error("uploaded through a link")
	}
	if _, err := w.Upload(context.Background(), "../riverside", pic, organiser); !errors.Is(err, ErrNotFound) {
		t.Errorf("hostile org: %v", err)
	}
}

func TestPublishAndClose(t *testing.T) {
	w, reloads := folder(t)
	ctx := context.Background()
	d, _ := w.Open("riverside", "library.yaml")
	s, err := w.Change(ctx, "riverside", "library.yaml", d.Version, organiser, "published", func(s string) (string, error) { return Publish(s, time.Time{}) })
	if err != nil || !s.Written {
		t.Fatalf("publish = %+v, %v", s, err)
	}
	after := read(t, filepath.Join(w.Dir, "riverside", "library.yaml"))
	if want := strings.Replace(d.Text, "status: draft", "status: published", 1); after != want {
		t.Errorf("publishing changed more than the status line:\n%s", Diff("want", want, "got", after))
	}
	// A stale page's button is refused.
	if s, err := w.Change(ctx, "riverside", "library.yaml", d.Version, organiser, "closed", func(s string) (string, error) { return Close(s, time.Time{}) }); err != nil || s.Written || s.Conflict == nil {
		t.Errorf("stale close = %+v, %v", s, err)
	}
	at := time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
	s, err = w.Change(ctx, "riverside", "library.yaml", s.Version, organiser, "closed", func(s string) (string, error) { return Close(s, at) })
	if err != nil || !s.Written {
		t.Fatalf("scheduled close = %+v, %v", s, err)
	}
	if got := read(t, filepath.Join(w.Dir, "riverside", "library.yaml")); !strings.Contains(got, "status: published\nclose_at: 2027-01-31\n") {
		t.Errorf("close_at not added after status:\n%s", got)
	}
	if len(*reloads) != 2 {
		t.Errorf("reloads %v", *reloads)
	}
	if _, err := w.Change(ctx, "riverside", "org.yaml", "", organiser, "published", func(s string) (string, error) { return Publish(s, time.Time{}) }); !errors.Is(err, ErrNotFound) {
		t.Errorf("publishing org.yaml: %v", err)
	}
}

func TestPreviewRendersTheCandidate(t *testing.T) {
	w, reloads := folder(t)
	d, _ := w.Open("riverside", "library.yaml")
	text := strings.Replace(d.Text, "title: Library", "title: Keep the library open", 1)
	p, err := w.Preview("riverside", "library.yaml", text, site.Options{Base: "http://127.0.0.1:1", SiteName: "Test"})
	if err != nil || !p.Report.OK() {
		t.Fatalf("Preview = %+v, %v", p.Report, err)
	}
	if !strings.Contains(string(p.Body), "Keep the library open") || !strings.Contains(p.CSP, "default-src") {
		t.Errorf("preview %d bytes, CSP %q", len(p.Body), p.CSP)
	}
	if got := read(t, filepath.Join(w.Dir, "riverside", "library.yaml")); got != d.Text || len(*reloads) != 0 {
		t.Error("a preview wrote or reloaded")
	}
	p, err = w.Preview("riverside", "org.yaml", strings.Replace(read(t, filepath.Join(w.Dir, "riverside", "org.yaml")), "name: Riverside", "name: Riverside Renamed", 1), site.Options{Base: "http://127.0.0.1:1"})
	if err != nil || !strings.Contains(string(p.Body), "Riverside Renamed") {
		t.Errorf("org preview: %v, %d bytes", err, len(p.Body))
	}
	p, err = w.Preview("riverside", "library.yaml", "title: [\n", site.Options{Base: "http://127.0.0.1:1"})
	if err != nil || p.Body != nil || p.Report.OK() {
		t.Errorf("a broken text previewed: %v, %+v", err, p.Report)
	}
}

// TestPreviewRefusesLinkSwappedAfterCheck: the editor's check reads each
// organisation's files through its own folder's os.Root, as the site
// does: a picture of riverside's that passes the link check and is then
// swapped, before its read, for a link into northgate's folder is not
// read — the report names the link as the check does, and no preview is
// made.
func TestPreviewRefusesLinkSwappedAfterCheck(t *testing.T) {
	w, _ := folder(t)
	const secret = "NORTHGATE-EMBARGOED"
	svg := func(title string) string {
		return `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><title>` + title + `</title></svg>`
	}
	write(t, filepath.Join(w.Dir, "northgate", "assets", "embargoed.svg"), svg(secret))
	pic := filepath.Join(w.Dir, "riverside", "assets", "pic.svg")
	write(t, pic, svg("Riverside"))
	var once sync.Once
	swapped := false
	defer campaign.SetReadHook(func(file string) {
		if file != "riverside/assets/pic.svg" { // the editor loads the folder as "."
			return
		}
		once.Do(func() {
			must(t, os.Remove(pic))
			must(t, os.Symlink(filepath.Join("..", "..", "northgate", "assets", "embargoed.svg"), pic))
			swapped = true
		})
	})()
	text := read(t, filepath.Join(w.Dir, "riverside", "org.yaml")) + "logo: {src: assets/pic.svg, alt: Riverside}\n"
	p, err := w.Preview("riverside", "org.yaml", text, site.Options{Base: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	if !swapped {
		t.Fatal("the preview never read assets/pic.svg")
	}
	want := "'src' names assets/pic.svg, a link to ../../northgate/assets/embargoed.svg, which leads out of the folder riverside into the folder northgate"
	found := false
	for _, pr := range p.Report.Problems {
		found = found || strings.Contains(pr.Message, want)
		if strings.Contains(pr.Message, secret) {
			t.Errorf("a problem quotes northgate's file: %s", pr.Message)
		}
	}
	if !found {
		t.Errorf("the report lacks %q: %+v", want, p.Report.Problems)
	}
	if p.Body != nil {
		t.Errorf("a preview was made (%d bytes), want none", len(p.Body))
	}
}

// TestPreviewRefusesLinkSwappedToHiddenFile: a picture of riverside's
// swapped, after its check, for a link to a hidden file in riverside's
// own folder (its .git) is not read by the editor's check: the report
// names the link to a hidden file, as the check does, and no preview is
// made. Before the read refused every link made since the check, os.Root
// followed this one (it stays inside the folder) into the preview.
func TestPreviewRefusesLinkSwappedToHiddenFile(t *testing.T) {
	w, _ := folder(t)
	const secret = "RIVERSIDE-GIT-SECRET"
	svg := func(title string) string {
		return `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><title>` + title + `</title></svg>`
	}
	write(t, filepath.Join(w.Dir, "riverside", ".git", "secret.svg"), svg(secret))
	pic := filepath.Join(w.Dir, "riverside", "assets", "pic.svg")
	write(t, pic, svg("Riverside"))
	var once sync.Once
	swapped := false
	defer campaign.SetReadHook(func(file string) {
		if file != "riverside/assets/pic.svg" {
			return
		}
		once.Do(func() {
			must(t, os.Remove(pic))
			must(t, os.Symlink(filepath.Join("..", ".git", "secret.svg"), pic))
			swapped = true
		})
	})()
	text := read(t, filepath.Join(w.Dir, "riverside", "org.yaml")) + "logo: {src: assets/pic.svg, alt: Riverside}\n"
	p, err := w.Preview("riverside", "org.yaml", text, site.Options{Base: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	if !swapped {
		t.Fatal("the preview never read assets/pic.svg")
	}
	want := "'src' names assets/pic.svg, a link to the hidden file ../.git/secret.svg — Placard publishes no hidden file (one whose name starts with a dot)"
	found := false
	for _, pr := range p.Report.Problems {
		found = found || strings.Contains(pr.Message, want)
		if strings.Contains(pr.Message, secret) {
			t.Errorf("a problem quotes the hidden file: %s", pr.Message)
		}
	}
	if !found {
		t.Errorf("the report lacks %q: %+v", want, p.Report.Problems)
	}
	if p.Body != nil {
		t.Errorf("a preview was made (%d bytes), want none", len(p.Body))
	}
}
