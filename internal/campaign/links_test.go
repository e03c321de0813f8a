package campaign

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// secretBytes stands for a file outside the campaigns folder that must never
// be read: a signer database, /etc/passwd, the form secret.
const secretBytes = "SECRET-SIGNER-LIST"

// treeWriters returns write, which writes a file under root (its folders
// made as needed), and link, which makes a symbolic link under root to
// target (slash-separated, as written); link skips t where the system
// cannot make links.
func treeWriters(t testing.TB, root string) (write func(name, data string), link func(target, name string)) {
	place := func(name string) string {
		t.Helper()
		full := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		return full
	}
	write = func(name, data string) {
		t.Helper()
		if err := os.WriteFile(place(name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link = func(target, name string) {
		t.Helper()
		if err := os.Symlink(filepath.FromSlash(target), place(name)); err != nil {
			t.Skipf("this system cannot make symbolic links: %v", err)
		}
	}
	return write, link
}

// linkFarm builds, in a temporary folder, a campaigns folder whose files and
// folders are symbolic links: some leading out of it to a secret, some to a
// hidden file inside it, some staying inside it (allowed). It returns the
// campaigns folder. Links are made at run time so that git checkouts on any
// system give the same test.
func linkFarm(t testing.TB) string {
	t.Helper()
	top := t.TempDir()
	write, link := treeWriters(t, top)
	svg := `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>` + secretBytes + `</title></svg>`
	// Outside the campaigns folder.
	write("secret.svg", svg)
	write("secret.txt", secretBytes)
	write("outside/report.pdf", "%PDF-1.4\n"+secretBytes)
	write("outside/org.yaml", "name: "+secretBytes+"\n")
	write("secret.yaml", "title: "+secretBytes+"\nsummary: S.\ndate: 2026-01-01\nactions: [{kind: share}]\n")
	// Inside it.
	write("c/.private/report.pdf", "%PDF-1.4\n"+secretBytes)
	write("c/org/shared/report.pdf", "%PDF-1.4\nshared\n")
	write("c/org/org.yaml", "name: Org\nlogo: {src: assets/logo.svg, alt: Logo}\n")
	write("c/org/camp.yaml", `title: Camp
summary: Files.
date: 2026-01-01
actions:
  - kind: resources
    items:
      - {title: Notes, file: assets/notes.txt}
      - {title: Report, file: docs/report.pdf}
      - {title: Shared, file: assets/shared.pdf}
      - {title: Hidden, file: assets/hidden.pdf}
      - {title: Up, file: assets/up/secret.txt}
      - {title: Circle, file: assets/loop.pdf}
`)
	link("../../../secret.svg", "c/org/assets/logo.svg")                               // relative, out
	link(filepath.ToSlash(filepath.Join(top, "secret.txt")), "c/org/assets/notes.txt") // absolute
	link(filepath.ToSlash(filepath.Join(top, "outside")), "c/org/docs")                // a folder, out
	link("../shared/report.pdf", "c/org/assets/shared.pdf")                            // inside: allowed
	link("../../.private/report.pdf", "c/org/assets/hidden.pdf")                       // hidden inside
	link("../../..", "c/org/assets/up")                                                // a folder, out through '..'
	link("loop.pdf", "c/org/assets/loop.pdf")                                          // itself
	link("../../secret.yaml", "c/org/linked.yaml")                                     // a campaign file, out
	link("../../outside/org.yaml", "c/org2/org.yaml")                                  // an organisation file, out
	link(filepath.ToSlash(filepath.Join(top, "outside")), "c/evil")                    // an organisation folder, out
	return filepath.Join(top, "c")
}

// wantLinkProblems is what both Load and LoadFS report for linkFarm.
var wantLinkProblems = []string{
	"evil: this is a link to TOP/outside, outside the campaigns folder — Placard reads nothing outside it: move the folder or file itself here instead of linking to it",
	"org/camp.yaml:7:30: 'file' names assets/notes.txt, a link to TOP/secret.txt, outside the campaigns folder — Placard reads nothing outside it: copy the file itself into org/assets instead of linking to it",
	"org/camp.yaml:8:31: 'file' names docs/report.pdf, but org/docs is a link to TOP/outside, outside the campaigns folder — Placard reads nothing outside it: copy the file itself into org/docs instead of linking to it",
	"org/camp.yaml:10:31: 'file' names assets/hidden.pdf, a link to the hidden file ../../.private/report.pdf — Placard publishes no hidden file (one whose name starts with a dot): copy the file itself into org/assets instead of linking to it",
	"org/camp.yaml:11:27: 'file' names assets/up/secret.txt, but org/assets/up is a link to ../../.., outside the campaigns folder — Placard reads nothing outside it: copy the file itself into org/assets/up instead of linking to it",
	"org/camp.yaml:12:31: 'file' names assets/loop.pdf, a link that leads round in a circle (loop.pdf) — replace the link with the file itself",
	"org/linked.yaml: this file is a link to ../../secret.yaml, outside the campaigns folder — Placard reads nothing outside it: copy the file itself here instead of linking to it",
	"org/org.yaml:2:13: 'src' names assets/logo.svg, a link to ../../../secret.svg, outside the campaigns folder — Placard reads nothing outside it: copy the file itself into org/assets instead of linking to it",
	"org2/org.yaml: this file is a link to ../../outside/org.yaml, outside the campaigns folder — Placard reads nothing outside it: copy the file itself here instead of linking to it",
}

// bothLoaders are the two ways to load the campaigns in dir, which must
// agree on links: Load (through os.Root) and LoadFS (any fs.FS that can
// read links).
func bothLoaders(dir string) map[string]func() (*Site, Problems) {
	return map[string]func() (*Site, Problems){
		"Load":   func() (*Site, Problems) { return Load(dir) },
		"LoadFS": func() (*Site, Problems) { return LoadFS(os.DirFS(dir), ".") },
	}
}

// TestLinksLeadingOut: a file or folder that is a symbolic link leading out
// of the campaigns folder (or to a hidden file, or round in a circle) is an
// error at the setting that names it, and not one byte of what it points to
// reaches the loaded site. A link that stays inside the folder is followed.
// Load (through os.Root) and LoadFS (any fs.FS that can read links) agree.
func TestLinksLeadingOut(t *testing.T) {
	dir := linkFarm(t)
	top := filepath.ToSlash(filepath.Dir(dir))
	for name, load := range bothLoaders(dir) {
		t.Run(name, func(t *testing.T) {
			site, ps := load()
			if site != nil {
				t.Fatal("got a Site, want none: links lead out of the folder")
			}
			var got []string
			for _, p := range ps {
				s := p.String()
				if name == "Load" {
					s = strings.ReplaceAll(s, filepath.ToSlash(dir)+"/", "")
				}
				s = strings.ReplaceAll(s, top, "TOP")
				got = append(got, s)
				if strings.Contains(p.Message, secretBytes) {
					t.Errorf("a message quotes the secret: %s", p)
				}
			}
			if strings.Join(got, "\n") != strings.Join(wantLinkProblems, "\n") {
				t.Errorf("got problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantLinkProblems, "\n"))
			}
		})
	}
}

// TestLinksInsideAllowed: with the links leading out removed, the site loads,
// the shared file comes through its link, and nothing holds the secret.
func TestLinksInsideAllowed(t *testing.T) {
	dir := linkFarm(t)
	for _, p := range []string{"evil", "org2/org.yaml", "org2", "org/linked.yaml", "org/assets/logo.svg", "org/assets/notes.txt", "org/docs", "org/assets/hidden.pdf", "org/assets/loop.pdf"} {
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(p))); err != nil {
			t.Fatal(err)
		}
	}
	camp := filepath.Join(dir, "org", "camp.yaml")
	src, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	var keep []string
	for _, line := range strings.Split(string(src), "\n") {
		if !strings.Contains(line, "file:") || strings.Contains(line, "shared.pdf") {
			keep = append(keep, line)
		}
	}
	if err := os.WriteFile(camp, []byte(strings.Join(keep, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "org", "org.yaml"), []byte("name: Org\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	site, ps := Load(dir)
	if ps.HasErrors() {
		t.Fatalf("got errors, want none:\n%s", ps.Errors())
	}
	a := site.Orgs[0].Assets["assets/shared.pdf"]
	if a == nil || !bytes.Contains(a.Data, []byte("shared")) {
		t.Fatalf("assets/shared.pdf (a link inside the folder): got %v, want the shared file", a)
	}
	for p, a := range site.Orgs[0].Assets {
		if bytes.Contains(a.Data, []byte(secretBytes)) {
			t.Errorf("asset %s holds the secret", p)
		}
	}
}

// TestLinksStayInTheirOrganisation: a link in one organisation's folder
// that leads into another organisation's folder (here to its org.yaml and
// to the report of its draft) is an error at the setting that names it, and
// no byte of the other folder's files reaches the first organisation's
// assets; a link into the site's own assets folder (beside site.yaml, for
// files shared between organisations) and one inside the same folder are
// followed.
func TestLinksStayInTheirOrganisation(t *testing.T) {
	dir := t.TempDir()
	write, link := treeWriters(t, dir)
	write("other/org.yaml", "name: Other "+secretBytes+"\n")
	write("other/assets/embargoed.pdf", "%PDF-1.4\n"+secretBytes)
	write("assets/coalition.pdf", "%PDF-1.4\ncoalition\n")
	write("org/assets/own.pdf", "%PDF-1.4\nown\n")
	write("org/org.yaml", "name: Org\n")
	camp := `title: Camp
summary: Files.
date: 2026-01-01
actions:
  - kind: resources
    items:
      - {title: Coalition, file: assets/coalition.pdf}
      - {title: Own, file: assets/again.pdf}
      - {title: Round, file: assets/round.pdf}
`
	bad := `      - {title: Other, file: assets/other.txt}
      - {title: Embargoed, file: theirs/embargoed.pdf}
      - {title: Top, file: assets/top/other/assets/embargoed.pdf}
`
	write("org/camp.yaml", camp+bad)
	link("../../assets/coalition.pdf", "org/assets/coalition.pdf") // the site's shared folder: allowed
	link("own.pdf", "org/assets/again.pdf")                        // the same folder: allowed
	link("../../org/assets/own.pdf", "org/assets/round.pdf")       // out and back in: allowed
	link("../../other/org.yaml", "org/assets/other.txt")           // another organisation's file
	link("../other/assets", "org/theirs")                          // another organisation's folder
	link("../..", "org/assets/top")                                // the campaigns folder itself
	want := []string{
		"org/camp.yaml:10:30: 'file' names assets/other.txt, a link to ../../other/org.yaml, which leads out of the folder org into the folder other — a link in an organisation's folder may only lead to a file in that same folder, or in the site's assets folder beside site.yaml (for files shared between organisations): copy the file itself into org/assets instead of linking to it",
		"org/camp.yaml:11:34: 'file' names theirs/embargoed.pdf, but org/theirs is a link to ../other/assets, which leads out of the folder org into the folder other — a link in an organisation's folder may only lead to a file in that same folder, or in the site's assets folder beside site.yaml (for files shared between organisations): copy the file itself into org/theirs instead of linking to it",
		"org/camp.yaml:12:28: 'file' names assets/top/other/assets/embargoed.pdf, but org/assets/top is a link to ../.., which leads out of the folder org into the folder other — a link in an organisation's folder may only lead to a file in that same folder, or in the site's assets folder beside site.yaml (for files shared between organisations): copy the file itself into org/assets/top/other/assets instead of linking to it",
	}
	for name, load := range bothLoaders(dir) {
		t.Run(name, func(t *testing.T) {
			site, ps := load()
			if site != nil {
				t.Fatal("got a Site, want none: links lead into another organisation's folder")
			}
			var got []string
			for _, p := range ps.Errors() {
				s := strings.ReplaceAll(p.String(), filepath.ToSlash(dir)+"/", "")
				got = append(got, s)
				if strings.Contains(s, secretBytes) {
					t.Errorf("a message quotes the other organisation's file: %s", s)
				}
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("got problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
	write("org/camp.yaml", camp)
	site, ps := Load(dir)
	if ps.HasErrors() {
		t.Fatalf("got errors, want none (links into the site's assets and the same folder):\n%s", ps.Errors())
	}
	var org *Org
	for _, o := range site.Orgs {
		if o.Slug == "org" {
			org = o
		}
	}
	for file, want := range map[string]string{"assets/coalition.pdf": "coalition", "assets/again.pdf": "own", "assets/round.pdf": "own"} {
		if a := org.Assets[file]; a == nil || !bytes.Contains(a.Data, []byte(want)) {
			t.Errorf("%s: got %v, want the file it links to", file, a)
		}
	}
}
