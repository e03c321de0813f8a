package campaign

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
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

// Open opens name for reading without waiting: a file swapped for a named
// pipe after its check opens at once (and is then refused as not an
// ordinary file) instead of holding the load until something writes to it.
func (f rootFS) Open(name string) (fs.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrInvalid}
	}
	file, err := f.r.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	return file, nil
}

func (f rootFS) ReadDir(name string) ([]fs.DirEntry, error) {
	return f.r.FS().(fs.ReadDirFS).ReadDir(name)
}

func (f rootFS) Stat(name string) (fs.FileInfo, error) {
	return f.r.FS().(fs.StatFS).Stat(name)
}

func (f rootFS) Lstat(name string) (fs.FileInfo, error) {
	return f.r.FS().(fs.ReadLinkFS).Lstat(name)
}

func (f rootFS) ReadLink(name string) (string, error) {
	return f.r.FS().(fs.ReadLinkFS).ReadLink(name)
}

// Sub opens the folder dir as an os.Root of its own.
func (f rootFS) Sub(dir string) (fs.FS, error) {
	if !fs.ValidPath(dir) {
		return nil, &fs.PathError{Op: "sub", Path: dir, Err: fs.ErrInvalid}
	}
	r, err := f.r.OpenRoot(dir)
	if err != nil {
		return nil, err
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
	top, rest, found := strings.Cut(rel, "/")
	if !found || top == "." {
		return l.fsys, p, nil
	}
	if top == ".." || !fs.ValidPath(rest) {
		return nil, "", &fs.PathError{Op: "open", Path: p, Err: errOutside}
	}
	fsys, err := l.tops.get(top)
	if err != nil {
		return nil, "", err
	}
	return fsys, rest, nil
}

// errOutside is a path that leads out of its folder.
var errOutside = errors.New("it leads out of its folder")

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
	if h := readHook.Load(); h != nil {
		(*h)(file)
	}
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
// reads and the read itself (SetReadHook).
var readHook atomic.Pointer[func(file string)]

// SetReadHook has f called, during every load, between the check of each
// file's links and the read of its bytes, with the file as the organiser
// knows it (Problem.File's form: the campaigns folder as given, joined
// with the path inside it); nil calls nothing. It returns the function
// that puts back the hook before. Only tests call it: it is their seam to
// change a file exactly there, as someone writing a folder during a load
// could.
func SetReadHook(f func(file string)) (restore func()) {
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
	if errors.Is(err, errOutside) || err != nil && strings.Contains(err.Error(), "path escapes from parent") {
		return "it is a link leading out of its folder (it changed while Placard read it)"
	}
	return errCause(err)
}
