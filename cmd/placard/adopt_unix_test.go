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
