package editing

import (
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

// overlay is the campaigns folder with one file's content replaced (or
// added): the candidate the organiser typed, seen by the loader exactly as
// if it were on disk.
type overlay struct {
	base fs.FS
	name string // slash path inside base
	data []byte
	at   time.Time
}

var (
	_ fs.ReadDirFS  = overlay{}
	_ fs.StatFS     = overlay{}
	_ fs.ReadFileFS = overlay{}
	_ fs.ReadLinkFS = overlay{}
	_ fs.SubFS      = overlay{}
)

// Sub is the folder dir with the candidate in place when it lies there:
// base's own Sub, which for the campaigns folder (campaign.RootFS) opens
// the folder as an os.Root of its own, so that the loader reads each
// organisation's files through its own folder's root as it does for the
// site (campaign roots.go).
func (o overlay) Sub(dir string) (fs.FS, error) {
	sub, err := fs.Sub(o.base, dir)
	if err != nil {
		return nil, err
	}
	if rel, ok := strings.CutPrefix(o.name, dir+"/"); ok {
		return overlay{base: sub, name: rel, data: o.data, at: o.at}, nil
	}
	return sub, nil
}

// Close closes base when it can be closed (a folder Sub opened).
func (o overlay) Close() error {
	if c, ok := o.base.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

func (o overlay) Open(name string) (fs.File, error) {
	if name == o.name {
		return &memFile{info: o.info(), data: o.data}, nil
	}
	return o.base.Open(name)
}

func (o overlay) ReadFile(name string) ([]byte, error) {
	if name == o.name {
		return append([]byte(nil), o.data...), nil
	}
	return fs.ReadFile(o.base, name)
}

func (o overlay) Stat(name string) (fs.FileInfo, error) {
	if name == o.name {
		return o.info(), nil
	}
	return fs.Stat(o.base, name)
}

func (o overlay) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(o.base, name)
	if err != nil || name != path.Dir(o.name) {
		return entries, err
	}
	base := path.Base(o.name)
	entries = slices.DeleteFunc(slices.Clone(entries), func(e fs.DirEntry) bool { return e.Name() == base })
	entries = append(entries, fs.FileInfoToDirEntry(o.info()))
	slices.SortFunc(entries, func(a, b fs.DirEntry) int {
		if a.Name() < b.Name() {
			return -1
		}
		if a.Name() > b.Name() {
			return 1
		}
		return 0
	})
	return entries, nil
}

func (o overlay) ReadLink(name string) (string, error) {
	if name == o.name {
		return "", &fs.PathError{Op: "readlink", Path: name, Err: fs.ErrInvalid}
	}
	if rl, ok := o.base.(fs.ReadLinkFS); ok {
		return rl.ReadLink(name)
	}
	return "", &fs.PathError{Op: "readlink", Path: name, Err: fs.ErrInvalid}
}

func (o overlay) Lstat(name string) (fs.FileInfo, error) {
	if name == o.name {
		return o.info(), nil
	}
	if rl, ok := o.base.(fs.ReadLinkFS); ok {
		return rl.Lstat(name)
	}
	return fs.Stat(o.base, name)
}

func (o overlay) info() fileInfo {
	return fileInfo{name: path.Base(o.name), size: int64(len(o.data)), at: o.at}
}

// fileInfo describes the candidate: an ordinary file.
type fileInfo struct {
	name string
	size int64
	at   time.Time
}

func (fi fileInfo) Name() string       { return fi.name }
func (fi fileInfo) Size() int64        { return fi.size }
func (fi fileInfo) Mode() fs.FileMode  { return 0o644 }
func (fi fileInfo) ModTime() time.Time { return fi.at }
func (fi fileInfo) IsDir() bool        { return false }
func (fi fileInfo) Sys() any           { return nil }

// memFile is the candidate opened for reading.
type memFile struct {
	info fileInfo
	data []byte
	off  int
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Close() error               { return nil }
func (f *memFile) Read(p []byte) (int, error) {
	if f.off >= len(f.data) {
		return 0, io.EOF
	}
	n := copy(p, f.data[f.off:])
	f.off += n
	return n, nil
}
