package editing

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path"
)

// Author is the organiser a save is made by, for the git history.
type Author struct {
	Name, Email string
}

// Save is one request to write a file.
type Save struct {
	// Org and Name say which file (see Doc).
	Org, Name string
	// Base is the version the organiser opened; "" for a file that must not
	// exist yet (a new campaign).
	Base string
	// Text is what the organiser typed.
	Text string
	// Author made the change.
	Author Author
	// Why says what the change was, for the commit message and the reload
	// log: "edited", "published", "closed".
	Why string
}

// Saved is what became of a Save. The typed text is the caller's: nothing
// here discards it, so a refused save can show it again.
type Saved struct {
	// Written is true when the file on disk now holds the text.
	Written bool
	// Version is the file's new version when Written.
	Version string
	// Report is the check of the text (refused when !Report.OK()).
	Report Report
	// Conflict is set when the file changed on disk since it was opened:
	// nothing was written.
	Conflict *Conflict
	// Committed is true when the save was committed to git.
	Committed bool
	// Reloaded is true when the reload after the save put it on the site.
	Reloaded bool
}

// Conflict is a file changed on disk since the organiser opened it.
type Conflict struct {
	// Version is the version on disk now ("" when it was removed).
	Version string
	// Diff is a unified diff from the file on disk to the organiser's text.
	Diff string
}

// Save checks and writes one file. It refuses, writing nothing, when the
// file's version on disk is not s.Base (Saved.Conflict) or when the text
// has problems (Saved.Report); otherwise it writes the file atomically,
// commits it when the folder is a git repository, and reloads the site.
// An error means the request itself was wrong (ErrNotFound, ErrTooLarge,
// ErrExists) or the disk failed.
func (w *Workspace) Save(ctx context.Context, s Save) (Saved, error) {
	if !ValidName(s.Name) {
		return Saved{}, ErrNotFound
	}
	if len(s.Text) > MaxFileSize {
		return Saved{}, ErrTooLarge
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	r, err := w.orgRoot(s.Org)
	if err != nil {
		return Saved{}, err
	}
	defer r.Close()
	disk, err := readRegular(r, s.Name, MaxFileSize)
	onDisk := ""
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if s.Base != "" {
			return Saved{Conflict: &Conflict{Diff: Diff("on disk now (removed)", "", "your text", s.Text)}}, nil
		}
	case err != nil:
		return Saved{}, err
	default:
		onDisk = Version(disk)
		if s.Base == "" {
			return Saved{}, ErrExists
		}
	}
	if onDisk != s.Base {
		return Saved{Conflict: &Conflict{Version: onDisk,
			Diff: Diff("on disk now", string(disk), "your text", s.Text)}}, nil
	}
	_, rep, err := w.load(s.Org, s.Name, []byte(s.Text))
	if err != nil {
		return Saved{}, err
	}
	out := Saved{Report: rep}
	if !rep.OK() {
		return out, nil
	}
	if err := writeAtomic(r, s.Name, []byte(s.Text), s.Base == ""); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return Saved{}, ErrExists
		}
		return Saved{}, err
	}
	out.Written, out.Version = true, Version([]byte(s.Text))
	w.after(ctx, &out, s.Org, []string{s.Name}, s.Author, s.Why)
	return out, nil
}

// after commits what was written and reloads the site.
func (w *Workspace) after(ctx context.Context, out *Saved, org string, names []string, a Author, why string) {
	if w.Git {
		out.Committed = w.commit(ctx, org, names, a, why)
	}
	if w.Reload != nil {
		out.Reloaded = w.Reload("console: " + org + "/" + names[0] + " " + why)
	}
}

// writeAtomic writes data to name inside r so that a reader sees the old
// file or the new one, never part of either, and the new one survives a
// crash once this returns: a temporary file in the same folder, synced,
// then renamed over name (or linked to it, for a file that must be new,
// which fails with fs.ErrExist when one appeared) and the folder synced.
func writeAtomic(r *os.Root, name string, data []byte, mustBeNew bool) error {
	dir := path.Dir(name)
	var rnd [8]byte
	rand.Read(rnd[:])
	tmp := path.Join(dir, ".placard-"+hex.EncodeToString(rnd[:])+".tmp")
	mode := fs.FileMode(0o644)
	if fi, err := r.Lstat(name); err == nil && fi.Mode().IsRegular() {
		mode = fi.Mode().Perm()
	}
	f, err := r.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		if mustBeNew {
			err = r.Link(tmp, name)
			if err == nil {
				err = r.Remove(tmp)
			}
		} else {
			err = r.Rename(tmp, name)
		}
	}
	if err != nil {
		r.Remove(tmp)
		return err
	}
	d, err := r.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
