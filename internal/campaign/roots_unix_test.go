//go:build unix

package campaign

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
)

// TestReadDoesNotWaitOnSwappedPipe: a campaign file swapped, after its
// check, for a named pipe no one writes to does not hold the load (a
// reload would never end): it is refused as not an ordinary file.
func TestReadDoesNotWaitOnSwappedPipe(t *testing.T) {
	dir := swapFarm(t)
	file := filepath.Join(dir, "org", "news.yaml")
	var once sync.Once
	swapped := false
	defer SetReadHook(func(f string) {
		if filepath.FromSlash(f) != file {
			return
		}
		once.Do(func() {
			if err := os.Remove(file); err != nil {
				t.Error(err)
			}
			if err := syscall.Mkfifo(file, 0o644); err != nil {
				t.Error(err)
			}
			swapped = true
		})
	})()
	_, ps := Load(dir)
	if !swapped {
		t.Fatal("the loader never read org/news.yaml")
	}
	var got []string
	for _, p := range ps {
		got = append(got, strings.ReplaceAll(p.String(), filepath.ToSlash(dir)+"/", ""))
	}
	want := "org/news.yaml: this is not an ordinary file (it is a folder, a device or a pipe) — replace it with a file of settings"
	if !slices.Contains(got, want) {
		t.Errorf("got problems:\n%s\nwant among them:\n%s", strings.Join(got, "\n"), want)
	}
}
