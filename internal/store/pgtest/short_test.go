package pgtest

import (
	"flag"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// skipRecorder stands in for a test: it records a skip or fatal message
// and ends the goroutine, as testing.T does.
type skipRecorder struct {
	testing.TB
	skipped, failed string
}

func (r *skipRecorder) Helper() {}
func (r *skipRecorder) Skip(args ...any) {
	r.skipped = fmt.Sprint(args...)
	runtime.Goexit()
}
func (r *skipRecorder) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
func (r *skipRecorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// TestShortSkips: under go test -short (make test-short) DSN, Prepared and
// NewCluster skip before looking for a server, whatever is installed.
func TestShortSkips(t *testing.T) {
	short := flag.Lookup("test.short").Value
	was := short.String()
	if err := short.Set("true"); err != nil {
		t.Fatal(err)
	}
	defer short.Set(was)
	for name, call := range map[string]func(testing.TB){
		"DSN":        func(tb testing.TB) { DSN(tb) },
		"NewCluster": func(tb testing.TB) { NewCluster(tb) },
		"Prepared":   func(tb testing.TB) { Prepared(tb, "short", func(string) error { return nil }) },
	} {
		r := &skipRecorder{TB: t}
		done := make(chan struct{})
		go func() { defer close(done); call(r) }()
		<-done
		if !strings.Contains(r.skipped, "-short") || r.failed != "" {
			t.Errorf("%s under -short: skipped %q, failed %q; want a skip naming -short", name, r.skipped, r.failed)
		}
	}
}
