//go:build unix

package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestSumsReadNoPipe: summing the campaigns folder reads only ordinary
// files. A named pipe in an organisation's folder (which the loader never
// reads) made the sum wait for a writer that never came: the reload hung,
// holding the lock every later reload and console save waits for. Failed
// before: the sum of a folder holding a pipe never returned.
func TestSumsReadNoPipe(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "riverside"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "riverside", "org.yaml"), []byte("name: Riverside\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	sums := sumFolders(dir)
	if err := syscall.Mkfifo(filepath.Join(dir, "riverside", "notes"), 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan folderSums, 1)
	go func() { done <- sumFolders(dir) }()
	select {
	case got := <-done:
		if got["riverside"] == sums["riverside"] {
			t.Error("a folder holding a pipe summed as one without")
		}
	case <-time.After(time.Minute):
		t.Fatal("summing a folder that holds a named pipe has not returned after a minute: it waits for a writer")
	}
}

// TestSumRefusesLinkSwappedAfterWalk: a file of an organisation's folder
// swapped, after the walk saw an ordinary file and before it is read, for
// a link out of the folder (to a copy with the same bytes and time) is not
// read: the folder's sum matches nothing, so the next reload loads it
// afresh and its check names the link. Swapped for a named pipe, the sum
// does not wait for a writer.
func TestSumRefusesLinkSwappedAfterWalk(t *testing.T) {
	dir := copyTestdata(t)
	file := filepath.Join(dir, "harbour-choir", "keep-the-hall.yaml")
	clean := sumFolders(dir)["harbour-choir"]
	if again := sumFolders(dir)["harbour-choir"]; again != clean {
		t.Fatal("two sums of the same folder differ")
	}
	info, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	outside := filepath.Join(t.TempDir(), "keep-the-hall.yaml")
	if err := os.WriteFile(outside, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(outside, info.ModTime(), info.ModTime()); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		swap func() error
	}{
		{"link out", func() error { return os.Symlink(outside, file) }},
		{"named pipe", func() error { return syscall.Mkfifo(file, 0o644) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			swapped := false
			sumHook = func(name string) {
				if name != "keep-the-hall.yaml" || swapped {
					return
				}
				swapped = true
				if err := os.Remove(file); err != nil {
					t.Error(err)
				}
				if err := tc.swap(); err != nil {
					t.Error(err)
				}
			}
			defer func() {
				sumHook = nil
				_ = os.Remove(file)
				if err := os.WriteFile(file, data, 0o644); err != nil {
					t.Fatal(err)
				}
				_ = os.Chtimes(file, info.ModTime(), info.ModTime())
			}()
			got := sumFolders(dir)["harbour-choir"]
			if !swapped {
				t.Fatal("the sum never read keep-the-hall.yaml")
			}
			if got == clean {
				t.Error("the folder sums as unchanged: the file the swapped link leads to was read")
			}
		})
	}
}
