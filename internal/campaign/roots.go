package campaign

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"unicode"
)

// Reading through one os.Root per folder. The link check (links.go) says
// where each file really is: in its organisation's folder or in the site's
// assets folder. But it looks at the links, then the file is read, and
// someone who can write an organisation's folder (an organiser's git push,
// a shared host) could swap a link in between: one os.Root over the whole
// campaigns folder would then read another organisation's draft, or
// .git/config beside the organisations' folders. So every byte the loader
// reads of a file comes through the os.Root of the top-level folder the
// check resolved the file into — the organisation's own folder, or the
// site's assets folder for a link into it — opened once per load: the
// kernel resolves each name inside that folder, and a link changed to lead
// anywhere else is refused whatever happens between check and read. The
// check then runs again and the organiser reads the same message as for a
// link that was there all along. The site's own settings (site.yaml)
// are read through the campaigns folder's root, the folder their authors
// write.

// RootFS is r as the loader reads it: the fs.FS of r.FS(), whose Sub opens
// the folder as an os.Root of its own (closed by the result's Close), so
// that nothing read through the result leaves that folder. Load uses it;
// the console's editor hands one to LoadFSWith.
func RootFS(r *os.Root) fs.FS { return rootFS{r} }

// rootFS is RootFS's file system.
type rootFS struct{ r *os.Root }

var (
	_ fs.ReadDirFS  = rootFS{}
	_ fs.StatFS     = rootFS{}
	_ fs.ReadLinkFS = rootFS{}
	_ fs.SubFS      = rootFS{}
)

// Open opens name for reading without waiting, following no symbolic
// link on the way (openNoLinks): the loader opens only paths its link
// check resolved through no link, so a link found at the read is one
// made since the check — refused, and the check runs again to say where
// it leads. A file swapped for a named pipe after its check opens at once
// (and is then refused as not an ordinary file) instead of holding the
// load until something writes to it.
func (f rootFS) Open(name string) (fs.File, error) {
	if err := readableName("open", name); err != nil {
		return nil, err
	}
	file, err := openNoLinks(f.r, name, false)
	if err != nil {
		return nil, err
	}
	return file, nil
}

// ReadDir lists the folder name, reached through no symbolic link (a
// folder swapped for a link since the check lists nothing).
func (f rootFS) ReadDir(name string) ([]fs.DirEntry, error) {
	if err := readableName("readdir", name); err != nil {
		return nil, err
	}
	dir, err := openNoLinks(f.r, name, true)
	if err != nil {
		return nil, err
	}
	defer dir.Close()
	entries, err := dir.ReadDir(-1)
	slices.SortFunc(entries, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return entries, err
}

func (f rootFS) Stat(name string) (fs.FileInfo, error) {
	if err := readableName("stat", name); err != nil {
		return nil, err
	}
	return f.r.FS().(fs.StatFS).Stat(name)
}

func (f rootFS) Lstat(name string) (fs.FileInfo, error) {
	if err := readableName("lstat", name); err != nil {
		return nil, err
	}
	return f.r.FS().(fs.ReadLinkFS).Lstat(name)
}

func (f rootFS) ReadLink(name string) (string, error) {
	if err := readableName("readlink", name); err != nil {
		return "", err
	}
	return f.r.FS().(fs.ReadLinkFS).ReadLink(name)
}

// Sub opens the folder dir as an os.Root of its own. The folder opened
// must be the folder named dir, not one a symbolic link there leads to:
// os.Root follows links that stay inside it, so a folder swapped since
// the check for a link (to .git beside it, say) is refused — what was
// opened is not what dir names, whenever the swap happened.
func (f rootFS) Sub(dir string) (fs.FS, error) {
	if err := readableName("sub", dir); err != nil {
		return nil, err
	}
	r, err := f.r.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	opened, err := r.Stat(".")
	if err != nil {
		r.Close()
		return nil, err
	}
	if named, err := f.r.Lstat(dir); err != nil || !os.SameFile(opened, named) {
		r.Close()
		return nil, &fs.PathError{Op: "sub", Path: dir, Err: errChanged}
	}
	return rootFS{r}, nil
}

// Close closes the root.
func (f rootFS) Close() error { return f.r.Close() }

// tops holds, for one load, the file system of each top-level folder of
// the campaigns folder that a read has needed: fs.Sub of the campaigns
// folder, which for a RootFS is an os.Root opened on that folder. The
// loaders reading organisations in parallel share it.
type tops struct {
	fsys fs.FS
	root string // the campaigns folder inside fsys
	mu   sync.Mutex
	open map[string]topFS
}

type topFS struct {
	fsys fs.FS
	err  error
}

// get returns the file system of the top-level folder top.
func (t *tops) get(top string) (fs.FS, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if got, ok := t.open[top]; ok {
		return got.fsys, got.err
	}
	sub, err := fs.Sub(t.fsys, path.Join(t.root, top))
	if t.open == nil {
		t.open = map[string]topFS{}
	}
	t.open[top] = topFS{sub, err}
	return sub, err
}

// close closes every folder get opened.
func (t *tops) close() {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, got := range t.open {
		if c, ok := got.fsys.(io.Closer); ok {
			_ = c.Close()
		}
	}
	t.open = nil
}

// in returns the file system that reads p (a path inside l.fsys, at or
// below the campaigns folder, normally one resolveLinks gave) and p's name
// in it: the file system of p's top-level folder, or the campaigns
// folder's own for a file directly in it (site.yaml) or the folder itself.
func (l *loader) in(p string) (fs.FS, string, error) {
	rel := p
	if l.root != "." {
		if p == l.root {
			return l.fsys, p, nil
		}
		rel = strings.TrimPrefix(p, l.root+"/")
	}
	if rel != "." {
		if err := readableName("open", rel); err != nil {
			return nil, "", err
		}
	}
	top, rest, found := strings.Cut(rel, "/")
	if !found || top == "." {
		return l.fsys, p, nil
	}
	fsys, err := l.tops.get(top)
	if err != nil {
		return nil, "", err
	}
	return fsys, rest, nil
}

// errOutside is a path that leads out of its folder.
var errOutside = errors.New("it leads out of its folder")

// errHidden is a path with a hidden name in it: Placard reads no hidden
// file, nor anything in a hidden folder (.git, .env, .ssh…).
var errHidden = errors.New("it is a hidden file, or in a hidden folder (one whose name starts with a dot) — Placard publishes no hidden file")

// errBadName is a path no campaign file has: a backslash, or a control
// character such as NUL, in it.
var errBadName = errors.New("its name holds a backslash or an invisible control character — rename it with letters, digits and hyphens")

// errNotInside is a path that names no file inside its folder: '..', or
// a path from the top of the computer.
var errNotInside = errors.New("it is not a path inside the folder ('..' or a path from the top of the computer) — name a file inside the folder")

// errChanged is a file or folder that became a symbolic link after the
// check said where it leads.
var errChanged = errors.New("it became a link while Placard read it")

// readableName refuses, for op, a name (a slash path inside a folder) no
// read of a campaign file may take: an absolute path, '..', a backslash,
// a control character such as NUL, or a hidden name anywhere on the way.
// The link check refuses them first, with its own words; this is the
// guard of the read itself, that no path to it skips (a load racing a
// change of the folder, the console's editor, preview, build, the pictures
// of share cards: all read through here).
func readableName(op, name string) error {
	if name == "." {
		return nil
	}
	var err error
	switch {
	case strings.ContainsFunc(name, func(r rune) bool { return r == '\\' || unicode.IsControl(r) }):
		err = errBadName
	case !fs.ValidPath(name):
		err = errNotInside
	case strings.HasPrefix(name, ".") || strings.Contains(name, "/."):
		err = errHidden
	default:
		return nil
	}
	return &fs.PathError{Op: op, Path: name, Err: err}
}

// readDir lists the folder p (a path inside l.fsys) through the file
// system of the top-level folder its links lead to. A link on the way
// that may not be followed is an error (the caller's check names it).
func (l *loader) readDir(p string) ([]fs.DirEntry, error) {
	resolved, lp := l.resolveLinks(p)
	if lp != nil {
		return nil, &fs.PathError{Op: "readdir", Path: p, Err: errOutside}
	}
	fsys, name, err := l.in(resolved)
	if err != nil {
		return nil, err
	}
	return fs.ReadDir(fsys, name)
}

// openChecked opens the file at resolved (what resolveLinks made of the
// path of file, the file as the organiser knows it) through the file
// system of its top-level folder, and returns it with what it is as
// opened. The file is nil, with no error, when it is not an ordinary file
// (info says what it is): it is not opened, or closed again when it had
// become something else by the time it was.
func (l *loader) openChecked(file, resolved string) (fs.File, fs.FileInfo, error) {
	callReadHook(file)
	fsys, name, err := l.in(resolved)
	if err != nil {
		return nil, nil, err
	}
	info, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, info, nil
	}
	f, err := fsys.Open(name)
	if err != nil {
		return nil, nil, err
	}
	if info, err = f.Stat(); err != nil || !info.Mode().IsRegular() {
		f.Close()
		return nil, info, err
	}
	return f, info, nil
}

// errGrown is a file that grew past its limit while it was read.
var errGrown = errors.New("it grew while Placard read it")

// readLimited reads f, opened with info, to its end and closes it,
// refusing more than limit bytes.
func readLimited(f fs.File, info fs.FileInfo, limit int64) ([]byte, error) {
	defer f.Close()
	var b bytes.Buffer
	b.Grow(int(min(info.Size(), limit)) + bytes.MinRead)
	if _, err := b.ReadFrom(io.LimitReader(f, limit+1)); err != nil {
		return nil, err
	}
	if int64(b.Len()) > limit {
		return nil, errGrown
	}
	return b.Bytes(), nil
}

// readHook, when set, runs between the link check of each file the loader
// reads and the read itself (SetReadHook). Every read looks at it, so it
// is one atomic load, no lock and no allocation (callReadHook); outside a
// test binary it is never set.
var readHook atomic.Pointer[func(file string)]

// callReadHook calls the read hook, if a test set one, with file.
func callReadHook(file string) {
	if h := readHook.Load(); h != nil {
		(*h)(file)
	}
}

// SetReadHook has f called, during every load, between the check of each
// file's links and the read of its bytes, with the file as the organiser
// knows it (Problem.File's form: the campaigns folder as given, joined
// with the path inside it); nil calls nothing. It returns the function
// that puts back the hook before. It is the tests' seam to change a file
// exactly there, as someone writing a folder during a load could, and
// nothing else's: outside a test binary (testing.Testing) it panics, so no
// code of the module can use it to watch or change every file a server
// reads.
func SetReadHook(f func(file string)) (restore func()) {
	if !testing.Testing() {
		panic("campaign.SetReadHook is for tests only: a program may not run code between the check of a campaign file and its read")
	}
	var p *func(string)
	if f != nil {
		p = &f
	}
	old := readHook.Swap(p)
	return func() { readHook.Store(old) }
}

// readCause is errCause for a file that could not be read after its check.
func readCause(err error) string {
	if errors.Is(err, errGrown) {
		return err.Error()
	}
	if errors.Is(err, errHidden) || errors.Is(err, errBadName) || errors.Is(err, errNotInside) {
		return errCause(err)
	}
	if errors.Is(err, errChanged) {
		return err.Error() + " — check the file and load again"
	}
	if errors.Is(err, errOutside) || err != nil && strings.Contains(err.Error(), "path escapes from parent") {
		return "it is a link leading out of its folder (it changed while Placard read it)"
	}
	return errCause(err)
}
