package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/jackc/pgx/v5"
)

// TestThreeInstances runs three `placard serve` processes on one
// PostgreSQL database behind Debian's nginx as a load balancer, as
// operators deploy several instances, and checks they behave as one:
//
//   - a new signer's private address, in the thank-you claim, is shown once
//     in total when the same thank-you address is opened on every instance;
//   - 32 signers post through nginx while one instance is killed with
//     SIGKILL: no acknowledged signature (303 to "signed") is lost;
//   - within 1 s of the last acknowledged signature, every surviving
//     instance's campaign page shows the stored count (NOTIFY wakes each
//     instance's poller; a deadline, not a sleep).
//
// Missing nginx or PostgreSQL skip it, or fail it under CI=true.
func TestThreeInstances(t *testing.T) {
	nginx := nginxBinary(t, "several instances behind it are not tested")
	db := postgresDB(t)
	bin := buildPlacard(t)

	var srvs []*serverProcess
	for range 3 {
		// nginx is the only way in; it sets X-Real-IP to the client's address.
		srvs = append(srvs, startProcess(t, bin, db, "--client-ip-header", "X-Real-IP"))
	}
	proxy := startProxy(t, nginx, srvs)
	// with() mints each signature an aged token: no wait for the form's.
	f := loadForm(t, proxy, petitionRef)

	// Connect for the final count now, so reading it later costs milliseconds.
	ctx := context.Background()
	pg, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatalf("connecting to the test database: %v", err)
	}
	defer pg.Close(ctx)

	// One claim, opened on every instance: the private address once in all.
	res, body := postForm(t, proxy, f.action, f.with(map[string]string{"name": "First", "email": "first@example.org", "consent": "yes"}))
	if res.StatusCode != http.StatusSeeOther || !strings.Contains(res.Header.Get("Location"), "&claim=") {
		t.Fatalf("POST %s through nginx: got %d, Location %q, want 303 with a claim\n%s", f.action, res.StatusCode, res.Header.Get("Location"), body)
	}
	thanks := res.Header.Get("Location")
	shown := 0
	for i, s := range srvs {
		doc, _ := getPage(t, s.base+thanks)
		if doc.Find("#personal-link").Length() != 1 {
			t.Errorf("instance %d: the thank-you page has no personal link", i+1)
		}
		shown += doc.Find("#private-link").Length()
	}
	if shown != 1 {
		t.Errorf("the private address was shown %d times on three instances, want once in all", shown)
	}

	acked, lastAck := signThroughKill(t, proxy, f, srvs[1])
	live := []*serverProcess{srvs[0], srvs[2]}

	// Every surviving instance shows the stored count within 1 s.
	var stored int
	if err := pg.QueryRow(ctx, `SELECT signatures FROM tallies WHERE org = $1 AND campaign = $2`,
		strings.Split(petitionRef, "/")[0], strings.Split(petitionRef, "/")[1]).Scan(&stored); err != nil {
		t.Fatalf("reading the stored count: %v", err)
	}
	deadline := lastAck.Add(time.Second)
	pending := map[int]int{0: -1, 1: -1}
	for len(pending) > 0 {
		for i := range pending {
			if n := pageCount(t, live[i].base+"/"+petitionRef); n == stored {
				delete(pending, i)
			} else {
				pending[i] = n
			}
		}
		if len(pending) > 0 && time.Now().After(deadline) {
			for i, n := range pending {
				t.Errorf("%v after the last signature, surviving instance %d shows %d signatures, want %d",
					time.Since(lastAck).Round(time.Millisecond), i+1, n, stored)
			}
			break
		}
		if len(pending) > 0 {
			time.Sleep(20 * time.Millisecond)
		}
	}
	t.Logf("the surviving instances showed %d signatures %v after the last acknowledgement", stored, time.Since(lastAck).Round(time.Millisecond))

	// No acknowledged signature lost.
	inExport := map[string]bool{}
	for _, r := range exportCSV(t, db, petitionRef) {
		inExport[r["email"]] = true
	}
	lost := 0
	for _, e := range acked {
		if !inExport[e] {
			lost++
			if lost <= 5 {
				t.Errorf("signature %s was acknowledged but is not in the export", e)
			}
		}
	}
	if len(inExport) != stored {
		t.Errorf("the export has %d signatures, the tally %d", len(inExport), stored)
	}
	t.Logf("%d acknowledged (one instance killed mid-load), %d stored, %d lost", len(acked), stored, lost)
	if lost > 0 {
		t.Errorf("%d of %d acknowledged signatures lost, want 0", lost, len(acked))
	}
}

// signThroughKill has 32 signers post through proxy, each up to 40
// signatures, and kills victim with SIGKILL once 300 are acknowledged. It
// returns the emails answered "signed" (303 to the thank-you page) and
// when the last such answer came. The only other answer allowed is 502,
// for a request the killed instance had taken.
func signThroughKill(t *testing.T, proxy string, f signForm, victim *serverProcess) ([]string, time.Time) {
	t.Helper()
	const signers, each, killAt = 32, 40, 300
	client := &http.Client{
		Timeout:       20 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: signers, MaxConnsPerHost: signers},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	defer client.CloseIdleConnections()
	var (
		mu      sync.Mutex
		acked   []string
		lastAck time.Time
		other   = map[string]int{}
		wg      sync.WaitGroup
	)
	killed := make(chan struct{})
	for g := range signers {
		wg.Go(func() {
			for i := range each {
				email := fmt.Sprintf("multi-%d-%d@example.org", g, i)
				v := f.with(map[string]string{"name": fmt.Sprintf("Signer %d %d", g, i), "email": email, "consent": "yes"})
				req, _ := http.NewRequest(http.MethodPost, f.action, strings.NewReader(v.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				res, err := client.Do(req)
				if err != nil {
					mu.Lock()
					other[err.Error()]++
					mu.Unlock()
					continue
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				loc, _ := url.Parse(res.Header.Get("Location"))
				mu.Lock()
				if res.StatusCode == http.StatusSeeOther && loc != nil && loc.Query().Get("outcome") == "signed" {
					acked = append(acked, email)
					lastAck = time.Now()
					if len(acked) == killAt {
						close(killed)
					}
				} else {
					other[fmt.Sprintf("status %d, Location %q", res.StatusCode, res.Header.Get("Location"))]++
				}
				mu.Unlock()
			}
		})
	}
	select {
	case <-killed:
		if err := victim.cmd.Process.Kill(); err != nil {
			t.Fatalf("kill -9: %v", err)
		}
		<-victim.done
		victim.done <- nil // for its Cleanup
	case <-time.After(30 * time.Second):
		t.Fatalf("fewer than %d signatures acknowledged in 30 s; other answers: %v", killAt, other)
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	for what, n := range other {
		if what != "status 502, Location \"\"" {
			t.Errorf("%d answers were %s, want 303 to signed (or 502 from the killed instance)", n, what)
		}
	}
	if len(acked) <= killAt {
		t.Errorf("only %d signatures acknowledged; none after the kill (other answers: %v)", len(acked), other)
	}
	return append([]string(nil), acked...), lastAck
}

var digits = regexp.MustCompile(`[0-9][0-9,.\s]*`)

// pageCount reads the petition count on a campaign page (-1 if none).
func pageCount(t *testing.T, u string) int {
	t.Helper()
	return shownCount(t, u, "petition")
}

// shownCount reads the count of the action id on a campaign page (-1 if
// none).
func shownCount(t *testing.T, u, id string) int {
	t.Helper()
	res, err := noRedirects.Get(u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer res.Body.Close()
	doc, err := goquery.NewDocumentFromReader(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: status %d, %v", u, res.StatusCode, err)
	}
	text := doc.Find("#" + id + "-count").Text()
	if strings.Contains(text, "No one") {
		return 0
	}
	// A letter's count names organisations and people apart ("Signed by 2
	// organisations and 3 people"): the count is their sum.
	total := 0
	for _, d := range digits.FindAllString(text, -1) {
		n, err := strconv.Atoi(strings.NewReplacer(",", "", ".", "", " ", "").Replace(strings.TrimSpace(d)))
		if err != nil {
			return -1
		}
		total += n
	}
	if total == 0 {
		return -1
	}
	return total
}

// startProxy runs nginx (runNginx) as a reverse proxy over srvs, passing
// a request on to the next instance when one refuses connections, and
// returns its base URL.
func startProxy(t *testing.T, bin string, srvs []*serverProcess) string {
	t.Helper()
	var upstream strings.Builder
	for _, s := range srvs {
		fmt.Fprintf(&upstream, "\t\tserver %s max_fails=1 fail_timeout=60s;\n", strings.TrimPrefix(s.base, "http://"))
	}
	return runNginx(t, bin, 1, 1024, func(port int) string {
		return fmt.Sprintf(`	upstream placard {
%[2]s		keepalive 64;
	}
	server {
		listen 127.0.0.1:%[1]d;
		location / {
			proxy_pass http://placard;
			proxy_http_version 1.1;
			proxy_set_header Connection "";
			proxy_set_header Host $http_host;
			proxy_set_header X-Real-IP $remote_addr;
			proxy_next_upstream error timeout;
			proxy_connect_timeout 2s;
		}
	}
`, port, upstream.String())
	}).base
}
