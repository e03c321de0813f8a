package campaign

import (
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"testing"
)

// TestLoadOrgsInParallelSame: organisations read on several cores at once
// (loadorgs.go) give the site and the problems, in the same order, that
// reading them one after the other gives, for the examples and every
// folder of testdata, with and without problems. Run it with -race too
// (.ci/run does).
func TestLoadOrgsInParallelSame(t *testing.T) {
	if n := runtime.GOMAXPROCS(0); n < 2 {
		runtime.GOMAXPROCS(2)
		t.Cleanup(func() { runtime.GOMAXPROCS(n) })
	}
	dirs := []string{"../../campaigns"}
	for _, pattern := range []string{"testdata/valid/*", "testdata/invalid/*"} {
		more, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, more...)
	}
	several := 0
	for _, dir := range dirs {
		parallel, pp := Load(dir)
		serialLoad = true
		serial, sp := Load(dir)
		serialLoad = false
		if !reflect.DeepEqual(pp, sp) {
			t.Errorf("%s: the problems differ:\n%v\n---\n%v", dir, pp, sp)
		}
		if !reflect.DeepEqual(parallel, serial) {
			t.Errorf("%s: the sites differ", dir)
		}
		if entries, _ := os.ReadDir(dir); len(slices.DeleteFunc(entries, func(e os.DirEntry) bool { return !e.IsDir() })) > 1 {
			several++
		}
	}
	if several < 3 {
		t.Fatalf("only %d folders with several organisations", several)
	}
}
