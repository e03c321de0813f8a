//go:build unix

package editing

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestOpenRefusesPipeSwappedAfterCheck: a file swapped for a named pipe
// between readRegular's look at it and its open is neither waited on nor
// read. Failed before: the open waited for a writer (a console request
// held for as long as nobody wrote, one open file each), and once one
// came the pipe's bytes were served as the campaign file ("x").
func TestOpenRefusesPipeSwappedAfterCheck(t *testing.T) {
	w, _ := folder(t)
	file := filepath.Join(w.Dir, "riverside", "library.yaml")
	wrote := make(chan struct{})
	openHook = func(name string) {
		openHook = nil
		if err := os.Remove(file); err != nil {
			t.Error(err)
		}
		if err := syscall.Mkfifo(file, 0o644); err != nil {
			t.Error(err)
		}
		// A writer that comes once a reader has the pipe open: before the
		// fix the open waited for it, and read what it wrote.
		go func() {
			defer close(wrote)
			f, err := os.OpenFile(file, os.O_WRONLY, 0)
			if err != nil {
				return
			}
			f.Write([]byte("x"))
			f.Close()
		}()
	}
	t.Cleanup(func() { openHook = nil })
	doc, err := w.Open("riverside", "library.yaml")
	if err == nil {
		t.Errorf("Open of a file become a pipe: got %q, want it refused", doc.Text)
	}
	// Let the writer finish: it waits for a reader.
	if r, err := os.OpenFile(file, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
		<-wrote
		r.Close()
	}
}
