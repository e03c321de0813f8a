// Package editing lets an organiser change their organisation's files from
// the browser while the files stay the truth: open a campaign file or
// org.yaml with its version, check a candidate text with the real loader in
// the context of the whole campaigns folder, and save it — refused when it
// has problems or when the file changed on disk since it was opened, else
// written atomically, committed when the folder is a git repository, and
// reloaded. It also makes new campaigns from the scaffolds, stores uploaded
// pictures and edits a campaign's lifecycle (status, publish_at, close_at)
// in place. It knows nothing of HTTP.
package editing

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/placard/placard/internal/campaign"
)

// MaxFileSize is the largest file the editor opens or saves: the loader's
// own limit for a campaign file.
const MaxFileSize = 1 << 20

// Errors the workspace returns; the console answers ErrNotFound with 404.
var (
	// ErrNotFound is a file that is not one of the organisation's campaign
	// files or org.yaml, a name that could not be one, or an organisation
	// folder that is missing or is a link.
	ErrNotFound = errors.New("editing: no such file in this organisation")
	// ErrExists is a new campaign whose file is already there.
	ErrExists = errors.New("editing: the file already exists")
	// ErrTooLarge is a text or picture over its size limit.
	ErrTooLarge = errors.New("editing: too large")
)

// Workspace is the campaigns folder as the console edits it. One save runs
// at a time (per process); the version check catches edits made meanwhile
// by anyone else, in the console or in a shell.
type Workspace struct {
	// Dir is the campaigns folder.
	Dir string
	// Reload, when set, is called after each save with what was saved; it
	// loads the files again and reports whether they are serving (the
	// server's reloader).
	Reload func(why string) bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Git, when true, commits each save if Dir is inside a git work tree;
	// false never runs git.
	Git bool
	// Load holds the operator's settings for checking the files
	// (--secret-env), the same the server loads them with.
	Load campaign.LoadOptions

	mu sync.Mutex
}

// Doc is a file as opened: its text and the version it was opened at.
type Doc struct {
	// Org and Name say which file: Name is org.yaml or SLUG.yaml.
	Org, Name string
	// Text is the file's content.
	Text string
	// Version is the hash of the bytes on disk ("" when the file does not
	// exist); Save refuses when the disk no longer has it.
	Version string
}

// Path is the file's path inside the campaigns folder, as check shows it
// below the folder: riverside/org.yaml.
func (d Doc) Path() string { return d.Org + "/" + d.Name }

// Version is the version of a file's bytes.
func Version(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:16])
}

// ValidOrg reports whether org can be an organisation's folder name.
func ValidOrg(org string) bool { return isSlug(org) }

// ValidName reports whether name can be an editable file of an
// organisation: org.yaml or a campaign's SLUG.yaml. Nothing else (no
// folders, no '..', no hidden names) ever is.
func ValidName(name string) bool {
	if name == "org.yaml" {
		return true
	}
	stem, ok := strings.CutSuffix(name, ".yaml")
	return ok && isSlug(stem)
}

func isSlug(s string) bool {
	if s == "" || len(s) > 100 || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func (w *Workspace) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// orgRoot opens the organisation's folder as an os.Root, so nothing read or
// written through it can leave the folder. The folder itself must be a
// real folder directly inside Dir, not a link (a link could make one
// organisation's console write into another's folder).
func (w *Workspace) orgRoot(org string) (*os.Root, error) {
	if !ValidOrg(org) {
		return nil, ErrNotFound
	}
	top, err := os.OpenRoot(w.Dir)
	if err != nil {
		return nil, fmt.Errorf("editing: opening the campaigns folder: %w", err)
	}
	defer top.Close()
	fi, err := top.Lstat(org)
	if err != nil || !fi.IsDir() {
		return nil, ErrNotFound
	}
	if _, err := top.Lstat(org + "/org.yaml"); err != nil {
		return nil, ErrNotFound
	}
	r, err := top.OpenRoot(org)
	if err != nil {
		return nil, ErrNotFound
	}
	return r, nil
}

// readRegular reads name from r when it is an ordinary file (not a link,
// folder or device) no larger than limit. A missing file gives
// fs.ErrNotExist.
func readRegular(r *os.Root, name string, limit int64) ([]byte, error) {
	fi, err := r.Lstat(name)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, ErrNotFound
	}
	if fi.Size() > limit {
		return nil, ErrTooLarge
	}
	if openHook != nil {
		openHook(name)
	}
	// Opened without waiting, and looked at again once open: a file
	// swapped for a named pipe since the look above would hold the open
	// until something wrote to it, and then be read
	// (TestOpenRefusesPipeSwappedAfterCheck).
	f, err := r.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, ErrNotFound
	}
	b := make([]byte, 0, fi.Size())
	buf := make([]byte, 32<<10)
	for {
		n, err := f.Read(buf)
		b = append(b, buf[:n]...)
		if int64(len(b)) > limit {
			return nil, ErrTooLarge
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// openHook, when set (by tests), runs in readRegular between its look at
// the file and its open.
var openHook func(name string)

// Open reads one of the organisation's files for editing.
func (w *Workspace) Open(org, name string) (Doc, error) {
	if !ValidName(name) {
		return Doc{}, ErrNotFound
	}
	r, err := w.orgRoot(org)
	if err != nil {
		return Doc{}, err
	}
	defer r.Close()
	b, err := readRegular(r, name, MaxFileSize)
	if errors.Is(err, fs.ErrNotExist) {
		return Doc{}, ErrNotFound
	}
	if err != nil {
		return Doc{}, err
	}
	return Doc{Org: org, Name: name, Text: string(b), Version: Version(b)}, nil
}

// Files lists the organisation's editable files: org.yaml first, then its
// campaign files by name.
func (w *Workspace) Files(org string) ([]string, error) {
	r, err := w.orgRoot(org)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	f, err := r.Open(".")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if e.Type().IsRegular() && e.Name() != "org.yaml" && ValidName(e.Name()) {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return append([]string{"org.yaml"}, names...), nil
}

// rel is the file's path inside the campaigns folder, with the system's separator.
func rel(org, name string) string { return filepath.Join(org, name) }
