package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// buildPlacard builds cmd/placard into a temporary folder, for tests that
// need a real process they can kill -9.
func buildPlacard(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "placard")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serverProcess is `placard serve` running as its own process.
type serverProcess struct {
	cmd  *exec.Cmd
	base string
	logs *lockedBuffer
	done chan error
}

// startProcess starts the built binary serving testdata/signing with db on
// 127.0.0.1:0 (and any extra flags) and waits for it to log its address.
func startProcess(t *testing.T, bin, db string, extra ...string) *serverProcess {
	t.Helper()
	return startProcessIn(t, bin, signingCampaigns, db, nil, extra...)
}

// startProcessIn is startProcess serving the campaigns in dir, with env
// added to the environment.
func startProcessIn(t *testing.T, bin, dir, db string, env []string, extra ...string) *serverProcess {
	t.Helper()
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append([]string{"serve", "--addr", "127.0.0.1:0", "--campaigns", dir, "--db", db,
		"--rate-limit", "100000000"}, extra...)...)
	// The secret with() mints tokens with (startSigningServeEnv).
	cmd.Env = append(append(os.Environ(), "PLACARD_SECRET="+abuseSecret), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	p := &serverProcess{cmd: cmd, logs: &lockedBuffer{}, done: make(chan error, 1)}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			_, _ = p.logs.Write([]byte(line + "\n"))
			if m := listenLine.FindStringSubmatch(line); m != nil && !sent {
				found <- m[2]
				sent = true
			}
		}
		_, _ = io.Copy(io.Discard, stderr)
		close(found)
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.done
	})
	select {
	case u, ok := <-found:
		if !ok {
			t.Fatalf("serve stopped before listening:\n%s", p.logs.String())
		}
		p.base = u
	case <-time.After(60 * time.Second):
		t.Fatalf("serve did not log 'listening' within 60s:\n%s", p.logs.String())
	}
	return p
}

// TestSigningCrashLosesNothing kills `placard serve` with SIGKILL while 64
// signers post, restarts it on the same database, and checks that every
// signature that was answered "signed" (303 to the thank-you page) is
// stored: an acknowledgement means the signature was durably committed.
func TestSigningCrashLosesNothing(t *testing.T) {
	bin := buildPlacard(t)
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) {
			crashAndCount(t, bin, e.db(t))
		})
	}
}

func crashAndCount(t *testing.T, bin, db string) {
	srv := startProcess(t, bin, db)
	// with() mints each signature an aged token: no wait for the form's.
	f := loadForm(t, srv.base, petitionRef)

	const signers = 64
	client := &http.Client{
		Timeout:       20 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: signers, MaxConnsPerHost: signers},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	var (
		mu       sync.Mutex
		acked    []string
		answered atomic.Int64
		refused  atomic.Int64 // answered, but not "signed"
		wg       sync.WaitGroup
	)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	for g := range signers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				email := fmt.Sprintf("crash-%d-%d@example.org", g, i)
				v := f.with(map[string]string{"name": fmt.Sprintf("Signer %d %d", g, i), "email": email, "consent": "yes"})
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, f.action, strings.NewReader(v.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				res, err := client.Do(req)
				if err != nil {
					return // the server is gone: this signature was never acknowledged
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				answered.Add(1)
				loc, _ := url.Parse(res.Header.Get("Location"))
				if res.StatusCode == http.StatusSeeOther && loc != nil && loc.Query().Get("outcome") == "signed" {
					mu.Lock()
					acked = append(acked, email)
					mu.Unlock()
				} else {
					refused.Add(1)
				}
			}
		}()
	}
	// Let the signers run, then kill the server in the middle of their posts.
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 2000 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := srv.cmd.Process.Kill(); err != nil {
		t.Fatalf("kill -9: %v", err)
	}
	<-srv.done
	srv.done <- nil // for Cleanup
	wg.Wait()
	stop()

	mu.Lock()
	defer mu.Unlock()
	if len(acked) == 0 {
		t.Fatalf("no signature was acknowledged before the kill (%d answers, %d not 'signed'):\n%s", answered.Load(), refused.Load(), srv.logs.String())
	}
	if r := refused.Load(); r > 0 {
		t.Errorf("%d of %d answers before the kill were not 'signed' (want every distinct signer counted)", r, answered.Load())
	}

	// Restart on the same database: it must recover and keep serving.
	again := startProcess(t, bin, db)
	stored := map[string]bool{}
	for _, r := range exportCSV(t, db, petitionRef) {
		stored[r["email"]] = true
	}
	lost := 0
	for _, e := range acked {
		if !stored[e] {
			lost++
			if lost <= 5 {
				t.Errorf("signature %s was acknowledged but is missing after the crash", e)
			}
		}
	}
	t.Logf("%d acknowledged before kill -9, %d stored after restart, %d lost", len(acked), len(stored), lost)
	if lost > 0 {
		t.Errorf("%d of %d acknowledged signatures lost, want 0", lost, len(acked))
	}
	// The restarted server accepts signatures with a form fetched before the crash.
	g := f
	g.action = again.base + "/" + petitionRef + "/sign"
	wantSigned(t, again.base, g, f.with(map[string]string{"name": "After Crash", "email": "after@example.org", "consent": "yes"}), petitionRef, "signed")
}
