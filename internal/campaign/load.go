package campaign

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"reflect"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Load reads the campaigns directory dir from the operating system: one
// folder per organisation, each holding org.yaml, one <slug>.yaml per
// campaign, and any number of subfolders (such as assets/) for files.
//
// It reports every problem in every file at once, sorted by file and
// position, each with File = dir joined with the file's path inside it. The
// Site is nil when any problem is an error; warnings alone still give a
// Site. Drafts are loaded too: whether to show them is the web's decision.
//
// Files are read through os.Root: no symbolic link and no '..' can make it
// read anything outside dir, nor a file of one organisation's folder
// anything outside that folder but the site's assets folder (see links.go
// and roots.go).
func Load(dir string) (*Site, Problems) {
	return LoadWith(dir, LoadOptions{})
}

// LoadOptions are the server operator's settings that change what Load
// accepts.
type LoadOptions struct {
	// SecretEnv lists the environment variables, beyond each
	// organisation's own PLACARD_ORG_<SLUG>__…, that an org.yaml may name as
	// a webhook's secret_env or its OSDI api_key_env (placard serve
	// --secret-env, PLACARD_SECRET_ENV). See SecretEnvAllowed.
	SecretEnv []string
	// Keep, when set, names the organisations to take as they are instead
	// of reading their folders: it returns the organisation a load before
	// made for the folder slug, or nil to read the folder. A reload sets
	// it for the organisations whose files, and those of every other
	// organisation their campaigns name as related, read the same bytes
	// as when they were loaded (cmd/placard's adopt.go). A kept
	// organisation is never written to (a site serving holds it): it is
	// not checked again, only counted in the checks across organisations
	// (short addresses, secret names, related campaigns), and the site
	// is built around it with SiteOf.
	Keep func(slug string) *Org
	// Reader, when set, is the organisation whose organiser reads the
	// problems, and when (the console's editor: an organisation's
	// editors never see another's files). No problem in its files then
	// names, suggests or confirms another organisation's campaign that
	// has no public page yet (Campaign.PublicAt): a related link to one
	// is an error worded as for a campaign that does not exist, and a
	// short address another organisation holds is said to be taken
	// without saying by which file. Problems in other files are as
	// without it.
	Reader *Reader
}

// Reader is the organisation that reads a load's problems, and when
// (LoadOptions.Reader).
type Reader struct {
	Org string
	Now time.Time
}

// hides reports whether a problem in org's files must keep quiet about
// campaign x of another organisation: a Reader from org, and x has no
// public page at the Reader's time.
func (o LoadOptions) hides(org string, x *Campaign) bool {
	return o.Reader != nil && o.Reader.Org == org && x.Org != nil && x.Org.Slug != org && !x.PublicAt(o.Reader.Now)
}

// LoadWith is Load with the operator's options.
func LoadWith(dir string, o LoadOptions) (*Site, Problems) {
	root := dir
	if root == "" {
		root = "."
	}
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, Problems{{File: cmp.Or(dir, "."), Message: readDirMessage(err)}}
	}
	defer r.Close()
	return load(RootFS(r), ".", dir, o)
}

// LoadFS is Load reading from fsys, with dir a path inside it ("." for its
// root). Problem.File is dir joined with the path below it, so tests and
// embedded examples get the same messages as files on disk.
func LoadFS(fsys fs.FS, dir string) (*Site, Problems) {
	return load(fsys, dir, dir, LoadOptions{})
}

// LoadFSWith is LoadFS with the operator's options.
func LoadFSWith(fsys fs.FS, dir string, o LoadOptions) (*Site, Problems) {
	return load(fsys, dir, dir, o)
}

// reservedOrgSlugs are folder names that would clash with the site's own
// addresses (/static/…, /healthz, /readyz, /oembed).
var reservedOrgSlugs = []string{"static", "healthz", "readyz", "oembed", "admin"}

// consolePages are the organisers' console's own pages directly under
// /admin/ (internal/console routes.go; TestConsolePagesNamed keeps the two
// in step). An organisation whose folder has one of these names works on
// the public site, but at /admin/<name> the console shows its own page,
// not the organisation's: loading warns.
var consolePages = []string{"activity", "invite", "passkey", "sessions", "signin", "signout", "static"}

// ConsolePage reports whether slug names one of the console's own pages
// (see consolePages), which an organisation of that name cannot reach.
func ConsolePage(slug string) bool { return slices.Contains(consolePages, slug) }

// loader is the state of one Load.
type loader struct {
	fsys     fs.FS
	root     string // the campaigns directory inside fsys
	tops     *tops  // what reads each of its top-level folders (roots.go)
	shown    string // the directory as the caller wrote it, for messages
	pos      positions
	misspelt map[misspelling]bool
	bad      map[posKey]bool
	literal  map[posKey]bool
	sources  map[string][]byte // each YAML file's text, by its File
	trans    translations      // texts in languages other than the default
	probs    Problems
	orgs     []*orgFolder

	// errorsAt indexes the positions of probs[:indexed] that are errors.
	errorsAt map[where]bool
	indexed  int

	// recovered and syntax are the lines emptied to read past syntax
	// errors and the syntax errors reported (recover.go).
	recovered map[recoveredLine]bool
	syntax    map[Problem]bool

	// site is site.yaml (siteconfig.go).
	site *SiteConfig

	// placed counts the places of orgs filled in by loadOrgs (place).
	placed int

	// opts are the operator's settings (LoadWith).
	opts LoadOptions
}

// orgFolder is one organisation being loaded, with what its checks need.
type orgFolder struct {
	org     *Org
	dir     string // the folder inside fsys
	listing map[string][]fs.DirEntry
	failed  bool // org.yaml is missing or unreadable
	// kept is an organisation taken from a load before (LoadOptions.Keep):
	// counted in the checks across organisations, never written to.
	kept bool
}

func load(fsys fs.FS, root, shown string, opts LoadOptions) (*Site, Problems) {
	if root == "" {
		root = "."
	}
	l := &loader{
		fsys: fsys, root: path.Clean(root), shown: shown, tops: &tops{fsys: fsys, root: path.Clean(root)},
		pos: positions{}, misspelt: map[misspelling]bool{}, bad: map[posKey]bool{},
		literal: map[posKey]bool{}, sources: map[string][]byte{}, trans: translations{},
		recovered: map[recoveredLine]bool{}, syntax: map[Problem]bool{}, opts: opts,
	}
	defer l.tops.close()
	entries, err := fs.ReadDir(fsys, l.root)
	if err != nil {
		l.probs = append(l.probs, Problem{File: l.display(""), Message: readDirMessage(err)})
		return nil, l.probs
	}
	var folders []string // the organisations to read (loadOrgs), in order
	for _, e := range entries {
		name := e.Name()
		if ignored(name) {
			continue
		}
		isDir := e.IsDir()
		if e.Type()&fs.ModeSymlink != 0 {
			full := path.Join(l.root, name)
			if lp := l.followLinks(full); lp != nil {
				l.probs = append(l.probs, Problem{File: l.display(name), Message: linkMessage(lp, "this is a link",
					"move the folder or file itself here")})
				continue
			}
			info, err := fs.Stat(fsys, full)
			isDir = err == nil && info.IsDir()
		}
		if isDir {
			if l.siteAssets(name) {
				continue // the site's own files (siteconfig.go)
			}
			if opts.Keep != nil {
				if o := opts.Keep(name); o != nil && o.Slug == name {
					l.orgs = append(l.orgs, &orgFolder{org: o, kept: true})
					continue
				}
			}
			l.orgs = append(l.orgs, nil) // loadOrgs fills it in
			folders = append(folders, name)
			continue
		}
		if name == siteFile {
			continue // read by loadSiteConfig
		}
		if ext := strings.ToLower(path.Ext(name)); ext == ".yaml" || ext == ".yml" {
			l.probs = append(l.probs, Problem{File: l.display(name), Message: "this file is not in an organisation's folder — move it into one: each organisation has its own folder, holding its org.yaml and one .yaml file per campaign"})
		}
	}
	l.loadOrgs(folders)
	l.loadSiteConfig()
	l.resolveSiteConfig()
	if len(l.orgs) == 0 && !l.probs.HasErrors() {
		l.probs = append(l.probs, Problem{File: l.display(""), Warning: true, Message: "there are no organisations here yet — make a folder for each organisation, with an org.yaml file in it"})
	}
	for _, of := range l.orgs {
		if !of.kept {
			l.check(of)
		}
	}
	l.checkShorts()
	l.checkSecretNames() // webhooks.go
	for _, of := range l.orgs {
		if !of.kept {
			applyDefaults(of.org)
		}
	}
	if !l.probs.HasErrors() {
		for _, of := range l.orgs {
			if !of.kept {
				l.translate(of)
			}
		}
		l.checkTranslations()
	}
	l.probs = dropRecovered(l.probs, l.recovered, l.syntax)
	l.probs.Sort()
	if l.probs.HasErrors() {
		return nil, l.probs
	}
	orgs := make([]*Org, len(l.orgs))
	fresh := make([]*Org, 0, len(l.orgs))
	for i, of := range l.orgs {
		orgs[i] = of.org
		if !of.kept {
			fresh = append(fresh, of.org)
		}
	}
	if len(fresh) < len(orgs) {
		NewSite(fresh) // indexes the organisations just read, not the kept ones
		return SiteOf(orgs, l.site), l.probs
	}
	s := NewSite(orgs)
	s.Config = l.site
	return s, l.probs
}

// ignored reports whether a directory entry is no business of the loader:
// hidden files and folders, and notes such as README.md.
func ignored(name string) bool {
	lower := strings.ToLower(name)
	return strings.HasPrefix(name, ".") || strings.HasPrefix(lower, "readme") ||
		strings.HasSuffix(lower, ".md") || strings.HasSuffix(lower, ".markdown")
}

func readFileMessage(err error) string {
	return "this file cannot be read: " + errCause(err)
}

// errCause says why a file could not be read, without the path and
// operation Go's errors repeat.
func errCause(err error) string {
	if errors.Is(err, fs.ErrPermission) {
		return "permission denied"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return err.Error()
}

func readDirMessage(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "there is no such folder — check the path to the campaigns folder"
	case errors.Is(err, fs.ErrPermission):
		return "this folder cannot be read: permission denied"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return "this folder cannot be read: " + err.Error()
}

// display is the path of rel (a path inside the campaigns directory) as the
// organiser typed it.
func (l *loader) display(rel string) string {
	if l.shown == "" {
		if rel == "" {
			return "."
		}
		return rel
	}
	return path.Join(l.shown, rel)
}

// loadOrg reads the organisation in the folder slug.
func (l *loader) loadOrg(slug string) *orgFolder {
	dir := path.Join(l.root, slug)
	of := &orgFolder{
		org:     &Org{Slug: slug, File: l.display(path.Join(slug, "org.yaml")), Assets: map[string]*Asset{}},
		dir:     dir,
		listing: map[string][]fs.DirEntry{},
	}
	folder := l.display(slug)
	if !isSlug(slug) {
		l.probs = append(l.probs, Problem{File: folder, Message: "an organisation's folder name is its web address, so it can only use lower-case letters a–z, digits and hyphens — " + renameHint(slug, "")})
	} else if slices.Contains(reservedOrgSlugs, slug) {
		l.probs = append(l.probs, Problem{File: folder, Message: fmt.Sprintf("an organisation's folder cannot be called '%s': the site uses the address /%s itself — rename the folder", slug, slug)})
	} else if ConsolePage(slug) {
		l.probs = append(l.probs, Problem{File: folder, Warning: true, Message: fmt.Sprintf("the organisers' console has a page of its own at /admin/%s, so this organisation's console pages cannot be reached there; its public pages work — rename the folder (for example to %s-group) to use the console", slug, slug)})
	}
	// Listed through the folder's own os.Root, which every file of it
	// is read through too (roots.go).
	ofs, err := l.tops.get(slug)
	var entries []fs.DirEntry
	if err == nil {
		entries, err = fs.ReadDir(ofs, ".")
	}
	if err != nil {
		msg, file := readDirMessage(err), folder
		if orgFile := path.Join(dir, "org.yaml"); errors.Is(err, errChanged) {
			// The folder is a link (roots.go's Sub opens no folder a
			// link leads to): its files lead out of it, as the check
			// says of its org.yaml.
			if lp := l.followLinks(orgFile); lp != nil {
				msg, file = l.fileLinkMessage(orgFile, lp), of.org.File
			}
		}
		l.probs = append(l.probs, Problem{File: file, Message: msg})
		of.failed = true
		return of
	}
	of.listing[dir] = entries
	hasOrg := false
	langs := declaredLangs(nil)
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || ignored(name) {
			continue
		}
		ext := path.Ext(name)
		file := l.display(path.Join(slug, name))
		switch {
		case name == "org.yaml":
			hasOrg = true
		case ext == ".yaml":
			stem := strings.TrimSuffix(name, ext)
			if !isSlug(stem) {
				l.probs = append(l.probs, Problem{File: file, Message: "a campaign's file name is its web address, so it can only use lower-case letters a–z, digits and hyphens — " + renameHint(stem, ".yaml")})
			}
		case strings.EqualFold(ext, ".yaml") || strings.EqualFold(ext, ".yml"):
			stem := strings.TrimSuffix(name, ext)
			if !isSlug(stem) && Slugify(stem) != "" {
				stem = Slugify(stem)
			}
			l.probs = append(l.probs, Problem{File: file, Message: fmt.Sprintf("Placard reads only files ending in .yaml — rename it to %s.yaml", stem)})
		}
	}
	if !hasOrg {
		of.failed = true
		if !slices.ContainsFunc(entries, func(e fs.DirEntry) bool {
			return strings.EqualFold(e.Name(), "org.yml") || strings.EqualFold(e.Name(), "org.yaml")
		}) {
			l.probs = append(l.probs, Problem{File: folder, Message: "this organisation's folder has no org.yaml — add one with at least name: and the organisation's name"})
		}
	} else {
		d := l.decoder(of.org.File, path.Join(dir, "org.yaml"))
		if root := d.parse("organisation"); root != nil {
			d.langs = declaredLangs(root)
			langs = d.langs
			l.pos[posKey{reflect.ValueOf(of.org).Pointer(), reflect.TypeFor[Org]()}] = where{d.file, root.Line, root.Column}
			d.decodeStruct(root, reflect.ValueOf(of.org).Elem(), "", "organisation")
		} else {
			of.failed = true
		}
	}
	// The campaign files are read in order, parsed on every core
	// preparseBatch at a time (so an organisation of thousands of campaigns
	// does not hold all their YAML trees at once), and decoded in order:
	// problems and positions are recorded as before.
	var ds []*decoder
	var cs []*Campaign
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || ignored(name) || name == "org.yaml" || path.Ext(name) != ".yaml" {
			continue
		}
		c := &Campaign{Org: of.org, Slug: strings.TrimSuffix(name, ".yaml"), File: l.display(path.Join(slug, name))}
		of.org.Campaigns = append(of.org.Campaigns, c)
		d := l.decoder(c.File, path.Join(dir, name))
		d.langs = langs
		ds, cs = append(ds, d), append(cs, c)
	}
	for i, c := range cs {
		if i%preparseBatch == 0 {
			preparse(ds[i:min(i+preparseBatch, len(ds))])
		}
		d := ds[i]
		if root := d.parse("campaign"); root != nil {
			l.pos[posKey{reflect.ValueOf(c).Pointer(), reflect.TypeFor[Campaign]()}] = where{d.file, root.Line, root.Column}
			d.decodeStruct(root, reflect.ValueOf(c).Elem(), "", "campaign")
		}
	}
	slices.SortFunc(of.org.Campaigns, func(a, b *Campaign) int {
		return cmp.Or(b.Date.Compare(a.Date), cmp.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title)), cmp.Compare(a.Slug, b.Slug))
	})
	return of
}

// preparseBatch is how many campaign files are parsed at once.
const preparseBatch = 16

// decoder reads the file at fsPath and returns a decoder for it; a file that
// cannot be read is reported and decodes as empty.
func (l *loader) decoder(file, fsPath string) *decoder {
	d := &decoder{file: file, pos: l.pos, probs: &l.probs, misspelt: l.misspelt, bad: l.bad, literal: l.literal,
		langs: declaredLangs(nil), trans: l.trans, recovered: l.recovered, syntax: l.syntax}
	resolved, lp := l.resolveLinks(fsPath)
	if lp != nil {
		l.probs = append(l.probs, Problem{File: file, Message: l.fileLinkMessage(fsPath, lp)})
		d.unreadable = true
		return d
	}
	f, info, err := l.openChecked(file, resolved)
	switch {
	case err != nil:
		msg := "this file cannot be read: " + readCause(err)
		if lp := l.followLinks(fsPath); lp != nil { // it changed since the check
			msg = l.fileLinkMessage(fsPath, lp)
		}
		l.probs = append(l.probs, Problem{File: file, Message: msg})
		d.unreadable = true
		return d
	case f == nil:
		l.probs = append(l.probs, Problem{File: file, Message: "this is not an ordinary file (it is a folder, a device or a pipe) — replace it with a file of settings"})
		d.unreadable = true
		return d
	case info.Size() > maxYAMLSize:
		f.Close()
		d.size = info.Size() // parse reports it; no need to read it all
		return d
	}
	src, err := readLimited(f, info, maxYAMLSize)
	if errors.Is(err, errGrown) {
		d.size = maxYAMLSize + 1
		return d
	}
	if err != nil {
		l.probs = append(l.probs, Problem{File: file, Message: readFileMessage(err)})
		d.unreadable = true
	}
	d.src = src
	l.sources[file] = src
	return d
}

// fileLinkMessage explains lp, the link that keeps the YAML or data file
// at fsPath from being read.
func (l *loader) fileLinkMessage(fsPath string, lp *linkProblem) string {
	subject := "this file is a link"
	if lp.link != fsPath {
		subject = "this file is in " + l.shownLink(lp) + ", which is a link"
	}
	return linkMessage(lp, subject, "copy the file itself here")
}

// isSlug reports whether s is a web-address name: lower-case letters a–z,
// digits and single hyphens between them.
func isSlug(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// Slugify makes the slug closest to s: accents dropped, lower case, every run
// of other characters turned into one hyphen. It returns "" when nothing is
// left. The checker and `placard new` use it to suggest a valid name.
func Slugify(s string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		r = unicode.ToLower(r)
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
			continue
		}
		hyphen = true
	}
	return b.String()
}

func renameHint(name, ext string) string {
	if s := Slugify(name); s != "" {
		return "rename it to " + s + ext
	}
	return "rename it using only a–z, 0–9 and hyphens"
}
