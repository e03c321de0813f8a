package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/placard/placard/internal/signing"
)

// erasingWriter is an export's stdout that, on the first write reaching
// it, erases an address through another handle on the same database, as
// serve or a second command would while the export is part-way.
type erasingWriter struct {
	strings.Builder
	once  sync.Once
	erase func() error
	err   error
}

func (w *erasingWriter) Write(p []byte) (int, error) {
	w.once.Do(func() { w.err = w.erase() })
	return w.Builder.Write(p)
}

// TestExportPagedErasure: `signatures export` reads a page at a time, so
// an erasure while the export is being written (to a pipe, a slow disk)
// empties SQLite's write-ahead log at once, and the erased address is not
// in the rest of the export. Reading the campaign in one statement kept a
// reader on the old snapshot for the whole export: the erasure could not
// empty the WAL and the address was still written out.
func TestExportPagedErasure(t *testing.T) {
	db := sqliteDB(t)
	st := openForTest(t, db)
	var sigs []*signing.Signature
	for i := range 1200 {
		sigs = append(sigs, sig(petitionRef, fmt.Sprintf("Runner %d", i), fmt.Sprintf("r%04d@example.org", i), signing.KindIndividual))
	}
	seed(t, st, sigs...)
	gone := "r1100@example.org"
	out := &erasingWriter{erase: func() error {
		_, err := st.Erase(context.Background(), gone)
		return err
	}}
	var errs strings.Builder
	if err := run(context.Background(), []string{"signatures", "export", "--campaign", petitionRef, "--db", db}, env(nil), out, &errs); err != nil {
		t.Fatalf("export: %v\n%s", err, errs.String())
	}
	if out.err != nil {
		t.Errorf("erasing during the export: %v", out.err)
	}
	if strings.Contains(out.String(), gone) {
		t.Errorf("the export wrote %s, erased while it was part-way", gone)
	}
	if n := strings.Count(out.String(), "@example.org"); n != 1199 {
		t.Errorf("the export holds %d addresses, want 1199", n)
	}
}
