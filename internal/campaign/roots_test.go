package campaign

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// swapFarm builds a campaigns folder of two organisations, org and other,
// and the site's assets folder. other keeps back a draft, an embargoed
// report and a targets file, the campaigns folder holds a .git/config,
// org hidden files of its own (.git/config, .git/own.pdf, .env, a draft
// in .drafts) and the site's assets folder a hidden .draft.pdf: each
// holds secretBytes. org's files and links are all allowed: org's
// campaign names its own report, a coalition file through a link into the
// site's assets folder, and a targets file.
func swapFarm(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write := func(name, data string) {
		t.Helper()
		full := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(".git/config", "[remote]\n url = https://token:"+secretBytes+"@example.org/\n")
	write("other/org.yaml", "name: Other\n")
	write("other/draft.yaml", "title: "+secretBytes+"\nsummary: S.\ndate: 2026-01-01\nstatus: draft\nactions: [{kind: share}]\n")
	write("other/assets/embargoed.pdf", "%PDF-1.4\n"+secretBytes)
	write("other/targets/council.csv", "id,name,title,email\nsecret,"+secretBytes+",Councillor,secret@example.org\n")
	write("assets/coalition.pdf", "%PDF-1.4\ncoalition\n")
	write("assets/.draft.pdf", "%PDF-1.4\n"+secretBytes)
	write("org/.git/config", "[remote]\n url = https://token:"+secretBytes+"@example.org/\n")
	write("org/.git/own.pdf", "%PDF-1.4\n"+secretBytes)
	write("org/.env", "TOKEN="+secretBytes+"\n")
	write("org/.drafts/next.yaml", "title: "+secretBytes+"\nsummary: S.\ndate: 2026-01-01\nactions: [{kind: share}]\n")
	write("org/org.yaml", "name: Org\n")
	write("org/assets/own.pdf", "%PDF-1.4\nown\n")
	write("org/targets/council.csv", "id,name,title,email\nada,Ada Lane,Councillor,ada@example.org\n")
	write("org/news.yaml", "title: News\nsummary: S.\ndate: 2026-01-02\nactions: [{kind: share}]\n")
	write("org/camp.yaml", `title: Camp
summary: Files.
date: 2026-01-01
actions:
  - kind: resources
    items:
      - {title: Own, file: assets/own.pdf}
      - {title: Coalition, file: assets/coalition.pdf}
  - kind: contact
    targets: council
    subject: Hello
    message: Please.
`)
	if err := os.Symlink("../../assets/coalition.pdf", filepath.Join(dir, "org", "assets", "coalition.pdf")); err != nil {
		t.Skipf("this system cannot make symbolic links: %v", err)
	}
	return dir
}

// swapOnRead has the loader, when it is about to read when (a path inside
// dir, as the organiser names it), find file (the same, or the file it
// links to) replaced by a symbolic link to target — as someone writing the
// folder could do between the check of its links and its read — and
// reports whether it happened. The file is put back after the test.
func swapOnRead(t *testing.T, dir, when, file, target string) *bool {
	t.Helper()
	full := filepath.Join(dir, filepath.FromSlash(file))
	saved := filepath.Join(t.TempDir(), "saved")
	var once sync.Once
	swapped := new(bool)
	restore := SetReadHook(func(f string) {
		if f != filepath.ToSlash(filepath.Join(dir, filepath.FromSlash(when))) {
			return
		}
		once.Do(func() {
			if err := os.Rename(full, saved); err != nil {
				t.Error(err)
				return
			}
			if err := os.Symlink(filepath.FromSlash(target), full); err != nil {
				t.Error(err)
				return
			}
			*swapped = true
		})
	})
	t.Cleanup(func() {
		restore()
		if *swapped {
			_ = os.Remove(full)
			_ = os.Rename(saved, full)
		}
	})
	return swapped
}

// TestReadRefusesSwappedLink: a file whose links pass the check but that
// becomes, before it is read, a link leading out of its organisation's
// folder (into another organisation's folder, to the campaigns folder's
// .git, out of the campaigns folder) or to a hidden file or folder inside
// it (the organisation's own .git, .env, a hidden draft) is not read: the load fails with the
// message a link there all along gets, and no byte of what the link
// points to is in the site or any message. The same swap inside the
// site's assets folder, behind a link into it, is refused too.
func TestReadRefusesSwappedLink(t *testing.T) {
	cases := []struct {
		name, when, file, target, want string
	}{
		{"asset into another organisation", "org/assets/own.pdf", "org/assets/own.pdf", "../../other/assets/embargoed.pdf",
			"org/camp.yaml:7:28: 'file' names assets/own.pdf, a link to ../../other/assets/embargoed.pdf, which leads out of the folder org into the folder other — a link in an organisation's folder may only lead to a file in that same folder, or in the site's assets folder beside site.yaml (for files shared between organisations): copy the file itself into org/assets instead of linking to it"},
		{"asset to the campaigns folder's .git", "org/assets/own.pdf", "org/assets/own.pdf", "../../.git/config",
			"org/camp.yaml:7:28: 'file' names assets/own.pdf, a link to the hidden file ../../.git/config — Placard publishes no hidden file (one whose name starts with a dot): copy the file itself into org/assets instead of linking to it"},
		{"asset out of the campaigns folder", "org/assets/own.pdf", "org/assets/own.pdf", "../../../secret.pdf",
			"org/camp.yaml:7:28: 'file' names assets/own.pdf, a link to ../../../secret.pdf, outside the campaigns folder — Placard reads nothing outside it: copy the file itself into org/assets instead of linking to it"},
		{"shared asset into an organisation", "org/assets/coalition.pdf", "assets/coalition.pdf", "../other/assets/embargoed.pdf",
			"org/camp.yaml:8:34: 'file' names assets/coalition.pdf, but assets/coalition.pdf is a link to ../other/assets/embargoed.pdf, which leads out of the folder org into the folder other — a link in an organisation's folder may only lead to a file in that same folder, or in the site's assets folder beside site.yaml (for files shared between organisations): copy the file itself into org/assets instead of linking to it"},
		{"asset to a hidden file of its own organisation", "org/assets/own.pdf", "org/assets/own.pdf", "../.git/config",
			"org/camp.yaml:7:28: 'file' names assets/own.pdf, a link to the hidden file ../.git/config — Placard publishes no hidden file (one whose name starts with a dot): copy the file itself into org/assets instead of linking to it"},
		{"asset folder to a hidden folder of its own organisation", "org/assets/own.pdf", "org/assets", ".git",
			"org/camp.yaml:7:28: 'file' names assets/own.pdf, but org/assets is a link to the hidden file .git — Placard publishes no hidden file (one whose name starts with a dot): copy the file itself into org/assets instead of linking to it"},
		{"shared asset to a hidden file of the site's assets", "org/assets/coalition.pdf", "assets/coalition.pdf", ".draft.pdf",
			"org/camp.yaml:8:34: 'file' names assets/coalition.pdf, but assets/coalition.pdf is a link to the hidden file .draft.pdf — Placard publishes no hidden file (one whose name starts with a dot): copy the file itself into org/assets instead of linking to it"},
		{"campaign file to a hidden folder of its own organisation", "org/news.yaml", "org/news.yaml", ".drafts/next.yaml",
			"org/news.yaml: this file is a link to the hidden file .drafts/next.yaml — Placard publishes no hidden file (one whose name starts with a dot): copy the file itself here instead of linking to it"},
		{"targets file to a hidden file of its own organisation", "org/targets/council.csv", "org/targets/council.csv", "../.env",
			"org/targets/council.csv: this file is a link to the hidden file ../.env — Placard publishes no hidden file (one whose name starts with a dot): copy the file itself here instead of linking to it"},
		{"campaign file into another organisation", "org/news.yaml", "org/news.yaml", "../other/draft.yaml",
			"org/news.yaml: this file is a link to ../other/draft.yaml, which leads out of the folder org into the folder other — a link in an organisation's folder may only lead to a file in that same folder, or in the site's assets folder beside site.yaml (for files shared between organisations): copy the file itself here instead of linking to it"},
		{"targets file into another organisation", "org/targets/council.csv", "org/targets/council.csv", "../../other/targets/council.csv",
			"org/targets/council.csv: this file is a link to ../../other/targets/council.csv, which leads out of the folder org into the folder other — a link in an organisation's folder may only lead to a file in that same folder, or in the site's assets folder beside site.yaml (for files shared between organisations): copy the file itself here instead of linking to it"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := swapFarm(t)
			if err := os.WriteFile(filepath.Join(filepath.Dir(dir), "secret.pdf"), []byte("%PDF-1.4\n"+secretBytes), 0o644); err != nil {
				t.Fatal(err)
			}
			swapped := swapOnRead(t, dir, tc.when, tc.file, tc.target)
			site, ps := Load(dir)
			if !*swapped {
				t.Fatalf("the loader never read %s", tc.when)
			}
			var got []string
			for _, p := range ps {
				s := strings.ReplaceAll(p.String(), filepath.ToSlash(dir)+"/", "")
				got = append(got, s)
				if strings.Contains(s, secretBytes) {
					t.Errorf("a message quotes what the swapped link leads to: %s", s)
				}
			}
			// Other problems may follow from the file not read (a
			// contact action naming the targets file).
			if !slices.Contains(got, tc.want) {
				t.Errorf("got problems:\n%s\nwant among them:\n%s", strings.Join(got, "\n"), tc.want)
			}
			if site != nil {
				t.Errorf("got a Site, want none")
				o := site.Org("org")
				for p, a := range o.Assets {
					if bytes.Contains(a.Data, []byte(secretBytes)) {
						t.Errorf("org's %s holds the secret", p)
					}
				}
				for _, c := range o.Campaigns {
					if strings.Contains(c.Title, secretBytes) {
						t.Errorf("org/%s is the other organisation's draft", c.Slug)
					}
				}
				for _, tg := range o.TargetFiles["council"] {
					if strings.Contains(tg.Name, secretBytes) {
						t.Errorf("org's targets are the other organisation's")
					}
				}
			}
		})
	}
}

// TestReadThroughRootsAllowed: without a swap, the same folder loads: the
// organisation's own file, the coalition file through the link into the
// site's assets folder, and the targets file are read; so is a file
// reached through a link out of the organisation's folder and back in.
func TestReadThroughRootsAllowed(t *testing.T) {
	dir := swapFarm(t)
	if err := os.Symlink("../../org/assets/own.pdf", filepath.Join(dir, "org", "assets", "round.pdf")); err != nil {
		t.Fatal(err)
	}
	camp := filepath.Join(dir, "org", "camp.yaml")
	src, err := os.ReadFile(camp)
	if err != nil {
		t.Fatal(err)
	}
	src = bytes.Replace(src, []byte("      - {title: Coalition"), []byte("      - {title: Round, file: assets/round.pdf}\n      - {title: Coalition"), 1)
	if err := os.WriteFile(camp, src, 0o644); err != nil {
		t.Fatal(err)
	}
	calls := 0
	defer SetReadHook(func(string) { calls++ })()
	serialLoad = true // the hook counts without a lock
	defer func() { serialLoad = false }()
	site, ps := Load(dir)
	if ps.HasErrors() {
		t.Fatalf("got errors, want none:\n%s", ps.Errors())
	}
	if calls == 0 {
		t.Error("the read hook was never called")
	}
	org := site.Org("org")
	for file, want := range map[string]string{"assets/own.pdf": "own", "assets/coalition.pdf": "coalition", "assets/round.pdf": "own"} {
		if a := org.Assets[file]; a == nil || !bytes.Contains(a.Data, []byte(want)) {
			t.Errorf("%s: got %v, want the file it names", file, a)
		}
	}
	if ts := org.TargetFiles["council"]; len(ts) != 1 || ts[0].Name != "Ada Lane" {
		t.Errorf("targets/council.csv: got %v, want Ada Lane", ts)
	}
}

// TestTargetsFolderLinkOut: an organisation's targets folder that is a
// link into another organisation's folder is named once, as a link, and
// none of the other folder's file names or rows reach a message.
func TestTargetsFolderLinkOut(t *testing.T) {
	dir := swapFarm(t)
	if err := os.RemoveAll(filepath.Join(dir, "org", "targets")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../other/targets", filepath.Join(dir, "org", "targets")); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(dir, "other", "targets", "council.csv"), filepath.Join(dir, "other", "targets", "council-"+secretBytes+".csv")); err != nil {
		t.Fatal(err)
	}
	_, ps := Load(dir)
	want := "org/targets: this folder is a link to ../other/targets, which leads out of the folder org into the folder other — a link in an organisation's folder may only lead to a file in that same folder, or in the site's assets folder beside site.yaml (for files shared between organisations): move the folder itself here instead of linking to it"
	var got []string
	for _, p := range ps {
		s := strings.ReplaceAll(p.String(), filepath.ToSlash(dir)+"/", "")
		got = append(got, s)
		if strings.Contains(s, secretBytes) {
			t.Errorf("a message names the other organisation's file: %s", s)
		}
	}
	if !slices.Contains(got, want) {
		t.Errorf("got problems:\n%s\nwant among them:\n%s", strings.Join(got, "\n"), want)
	}
}

// TestReadLayerRefusesHiddenAndBadNames: the read layer itself — RootFS,
// which the server, build and the console's editor read through, and the
// loader's reads through any file system — refuses a hidden name anywhere
// on the path (.git, .env, a dot-folder inside an organisation), an
// absolute path, '..', a backslash and NUL, whatever the link check said,
// with a plain cause that names no byte of the file.
func TestReadLayerRefusesHiddenAndBadNames(t *testing.T) {
	dir := swapFarm(t)
	r, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	fsys := RootFS(r)
	names := map[string]string{
		".git/config":           "it is a hidden file, or in a hidden folder (one whose name starts with a dot) — Placard publishes no hidden file",
		".git":                  "it is a hidden file, or in a hidden folder (one whose name starts with a dot) — Placard publishes no hidden file",
		"org/.git/config":       "it is a hidden file, or in a hidden folder (one whose name starts with a dot) — Placard publishes no hidden file",
		"org/.env":              "it is a hidden file, or in a hidden folder (one whose name starts with a dot) — Placard publishes no hidden file",
		"org/.drafts/next.yaml": "it is a hidden file, or in a hidden folder (one whose name starts with a dot) — Placard publishes no hidden file",
		"assets/.draft.pdf":     "it is a hidden file, or in a hidden folder (one whose name starts with a dot) — Placard publishes no hidden file",
		"org/assets/../.env":    "it is not a path inside the folder ('..' or a path from the top of the computer) — name a file inside the folder",
		"../secret.pdf":         "it is not a path inside the folder ('..' or a path from the top of the computer) — name a file inside the folder",
		"/etc/passwd":           "it is not a path inside the folder ('..' or a path from the top of the computer) — name a file inside the folder",
		"org//.env":             "it is not a path inside the folder ('..' or a path from the top of the computer) — name a file inside the folder",
		`org\.env`:              "its name holds a backslash or an invisible control character — rename it with letters, digits and hyphens",
		"org/news.yaml\x00":     "its name holds a backslash or an invisible control character — rename it with letters, digits and hyphens",
	}
	rl := fsys.(fs.ReadLinkFS)
	for name, want := range names {
		calls := map[string]func() error{
			"Open":     func() error { f, err := fsys.Open(name); closeIf(f); return err },
			"Stat":     func() error { _, err := fs.Stat(fsys, name); return err },
			"ReadDir":  func() error { _, err := fs.ReadDir(fsys, name); return err },
			"ReadFile": func() error { _, err := fs.ReadFile(fsys, name); return err },
			"Lstat":    func() error { _, err := rl.Lstat(name); return err },
			"ReadLink": func() error { _, err := rl.ReadLink(name); return err },
			"Sub": func() error {
				sub, err := fs.Sub(fsys, name)
				if c, ok := sub.(io.Closer); ok {
					c.Close()
				}
				return err
			},
		}
		for op, call := range calls {
			err := call()
			if err == nil {
				t.Errorf("%s(%q) succeeded, want it refused", op, name)
				continue
			}
			if got := readCause(err); got != want && !(op == "Sub" && errors.Is(err, fs.ErrInvalid)) { // fs.Sub refuses an invalid path itself
				t.Errorf("%s(%q): got cause %q, want %q", op, name, got, want)
			}
		}
		// The loader's own reads refuse it through any file system,
		// os.DirFS (LoadFS) as much as RootFS (Load).
		for fsName, f := range map[string]fs.FS{"RootFS": fsys, "DirFS": os.DirFS(dir)} {
			l := &loader{fsys: f, root: ".", tops: &tops{fsys: f, root: "."}}
			file, _, err := l.openChecked(name, name)
			closeIf(file)
			l.tops.close()
			if err == nil {
				t.Errorf("%s: the loader read %q, want it refused", fsName, name)
			} else if got := readCause(err); got != want {
				t.Errorf("%s: the loader's read of %q: got cause %q, want %q", fsName, name, got, want)
			}
		}
	}
	// What may be read still is.
	if data, err := fs.ReadFile(fsys, "org/assets/own.pdf"); err != nil || !bytes.Contains(data, []byte("own")) {
		t.Errorf("org/assets/own.pdf: %q, %v", data, err)
	}
	if entries, err := fs.ReadDir(fsys, "."); err != nil || len(entries) == 0 {
		t.Errorf("the campaigns folder lists %v, %v", entries, err)
	}
}

func closeIf(f fs.File) {
	if f != nil {
		f.Close()
	}
}

// TestSetReadHookPanicsOutsideTests: SetReadHook is the tests' seam and no
// one else's — a program of the module that calls it (built and run here
// as an ordinary binary, not a test) panics instead of running code
// between the check of each campaign file and its read.
func TestSetReadHookPanicsOutsideTests(t *testing.T) {
	gotool, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the go command is needed to build a program that is not a test: %v", err)
		}
		t.Skipf("no go command to build a program that is not a test: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "readhook")
	if out, err := exec.Command(gotool, "build", "-o", bin, "./testdata/readhook").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin).CombinedOutput()
	want := "panicked: campaign.SetReadHook is for tests only: a program may not run code between the check of a campaign file and its read\n"
	if err != nil || string(out) != want {
		t.Errorf("the program said %q (%v), want %q", out, err, want)
	}
}

// TestReadHookCostsNoAllocation: every read of a campaign file looks at
// the hook; unset (as in every program) or set, the look allocates
// nothing, so guarding the seam adds nothing to a load.
func TestReadHookCostsNoAllocation(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { callReadHook("org/camp.yaml") }); n != 0 {
		t.Errorf("no hook: %.0f allocations per read, want 0", n)
	}
	defer SetReadHook(func(string) {})()
	if n := testing.AllocsPerRun(100, func() { callReadHook("org/camp.yaml") }); n != 0 {
		t.Errorf("a hook: %.0f allocations per read, want 0", n)
	}
}

// TestOrgFolderLinkNamedAtItsOrgYAML: an organisation's folder that is a
// link to another folder of the campaigns folder is not listed through
// the link (Sub opens no folder a link leads to); the organiser reads the
// check's message at its org.yaml, not that the folder "became a link".
func TestOrgFolderLinkNamedAtItsOrgYAML(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "real"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "real", "org.yaml"), []byte("name: Real\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real", filepath.Join(dir, "alias")); err != nil {
		t.Skipf("this system cannot make symbolic links: %v", err)
	}
	_, ps := Load(dir)
	var got []string
	for _, p := range ps {
		got = append(got, strings.ReplaceAll(p.String(), filepath.ToSlash(dir)+"/", ""))
	}
	want := "alias/org.yaml: this file is in alias, which is a link to real, which leads out of the folder alias into the folder real — a link in an organisation's folder may only lead to a file in that same folder, or in the site's assets folder beside site.yaml (for files shared between organisations): copy the file itself here instead of linking to it"
	if !slices.Contains(got, want) {
		t.Errorf("got problems:\n%s\nwant among them:\n%s", strings.Join(got, "\n"), want)
	}
	for _, g := range got {
		if strings.Contains(g, "became a link") {
			t.Errorf("a problem says the folder changed: %s", g)
		}
	}
}
