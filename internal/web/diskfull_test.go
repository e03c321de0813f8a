package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store/sqlite"
)

// TestSignDiskFull (attack8): signers arriving together while the SQLite
// database's disk is full are each answered 503 with Retry-After and their
// form back — never 303, never a 500 — pages are still served, and once
// space comes back the same server stores the next signatures without a
// restart; every signature answered 303 is stored, and none answered 503
// is.
func TestSignDiskFull(t *testing.T) {
	dir := tinyDisk(t)
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "placard.db"))
	if err != nil {
		t.Fatalf("opening SQLite: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	e := newSignEnv(t, st, nil)
	const signers = 12
	forms := make([]url.Values, signers+4)
	for i := range forms {
		forms[i] = e.formValues(t, libraryPage, "petition-form")
		e.clock.add(time.Second) // a token of its own
	}
	e.clock.add(5 * time.Second)

	filler := fill(t, dir)
	var wg sync.WaitGroup
	codes := make([]int, signers)
	retry := make([]string, signers)
	bodies := make([]string, signers)
	for i := range signers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := forms[i]
			w.Set("email", fmt.Sprintf("full%d@example.org", i))
			res := e.post(t, libraryPage+"/sign", w, nil)
			codes[i], retry[i] = res.StatusCode, res.Header.Get("Retry-After")
			bodies[i] = body(t, res)
		}()
	}
	wg.Wait()
	for i := range signers {
		if codes[i] != http.StatusServiceUnavailable || retry[i] == "" {
			t.Errorf("signer %d with the disk full: %d, Retry-After %q; want 503 with Retry-After", i, codes[i], retry[i])
		}
		if !strings.Contains(bodies[i], fmt.Sprintf("full%d@example.org", i)) {
			t.Errorf("signer %d: the 503 does not give back what was typed", i)
		}
		if strings.Contains(bodies[i], dir) || strings.Contains(bodies[i], "goroutine") {
			t.Errorf("signer %d: the 503 shows a path or a stack", i)
		}
	}
	// Reads go on.
	wantStatus(t, get(t, e.s, "GET", libraryPage, nil), 200)
	if c := e.count(t, "riverside", "save-the-library"); c.Signatures != 0 {
		t.Errorf("with the disk full: %d signatures stored, want 0 (none was acknowledged)", c.Signatures)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		w := forms[signers+i]
		w.Set("email", fmt.Sprintf("after%d@example.org", i))
		res := e.post(t, libraryPage+"/sign", w, nil)
		if res.StatusCode != 303 {
			t.Fatalf("signer %d after space came back: %d %s", i, res.StatusCode, body(t, res))
		}
	}
	// One of the refused signers presses the button again (the form the
	// 503 gave back holds the same token): kept.
	w := forms[0]
	w.Set("email", "full0@example.org")
	wantStatus(t, e.post(t, libraryPage+"/sign", w, nil), 303)
	var stored []string
	if err := e.st.Signatures(context.Background(), "riverside", "save-the-library", signing.StatusApproved, func(s *signing.Signature) error {
		stored = append(stored, s.Email)
		return nil
	}); err != nil {
		t.Fatalf("Signatures: %v", err)
	}
	if len(stored) != 4 {
		t.Errorf("after space came back: stored %q, want the 4 acknowledged", stored)
	}
}
