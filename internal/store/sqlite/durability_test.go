package sqlite_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/internal/store/storetest"
)

// signerEnv, when set to a database path, turns the test binary into the
// signer process TestKilledWhileSigning kills.
const signerEnv = "PLACARD_TEST_SQLITE_SIGNER"

// openerEnv, when set to a database path, turns the test binary into a
// process that only opens it and prints Open's error (TestOpenUnwritable).
const openerEnv = "PLACARD_TEST_SQLITE_OPENER"

func TestMain(m *testing.M) {
	if path := os.Getenv(signerEnv); path != "" {
		signForever(path)
		return
	}
	if path := os.Getenv(openerEnv); path != "" {
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			fmt.Println(err)
			os.Exit(1)
		}
		db.Close()
		return
	}
	os.Exit(m.Run())
}

// signForever signs distinct emails from 64 goroutines through a Committer
// and prints each email only after Sign returned nil — the moment a web
// handler would answer 303 — until the process is killed.
func signForever(path string) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	c := store.NewCommitter(db, store.CommitterOptions{})
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := range storetest.Signers {
		wg.Go(func() {
			for i := 0; ; i++ {
				email := fmt.Sprintf("w%d-%d@example.org", w, i)
				if err := c.Sign(ctx, storetest.Sig("o", "c", email)); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(1)
				}
				mu.Lock()
				os.Stdout.WriteString(email + "\n") // unbuffered: one write(2) per ack
				mu.Unlock()
			}
		})
	}
	wg.Wait()
}

// TestKilledWhileSigning kills (SIGKILL) a process in the middle of signing
// and checks, after reopening the file, that every signature it
// acknowledged is present and the tally matches the rows.
func TestKilledWhileSigning(t *testing.T) {
	path := filepath.Join(t.TempDir(), "placard.db")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), signerEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := map[string]bool{}
	sc := bufio.NewScanner(out)
	killed := false
	for sc.Scan() {
		acked[sc.Text()] = true
		if !killed && len(acked) >= 5000 {
			// Mid-flight: batches are committing right now.
			cmd.Process.Kill()
			killed = true
		}
	}
	cmd.Wait()
	if !killed {
		t.Fatalf("signer exited after %d acknowledgements before it could be killed", len(acked))
	}

	db, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer db.Close()
	stored := map[string]bool{}
	err = db.Signatures(context.Background(), "o", "c", "", func(s *signing.Signature) error {
		stored[s.Email] = true
		return nil
	})
	if err != nil {
		t.Fatalf("Signatures after kill: %v", err)
	}
	lost := 0
	for e := range acked {
		if !stored[e] {
			lost++
			if lost <= 5 {
				t.Errorf("acknowledged signature %s missing after the kill", e)
			}
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d acknowledged signatures lost, want 0", lost, len(acked))
	}
	counts, err := db.Counts(context.Background())
	if err != nil || len(counts) != 1 || counts[0].Signatures != len(stored) {
		t.Errorf("tally after kill: got %+v, %v, want %d signatures (the rows present)", counts, err, len(stored))
	}
	t.Logf("acknowledged %d, stored %d (committed but not yet acknowledged: %d)", len(acked), len(stored), len(stored)-len(acked))
}
