package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// postFrom posts a signature as a same-origin form with header set to
// value (when value is not empty) and returns the status.
func postFrom(t *testing.T, base string, f signForm, i int, header, value string) int {
	t.Helper()
	v := f.with(map[string]string{"name": "P", "email": fmt.Sprintf("proxy-%d@example.org", i), "consent": "yes"})
	req, err := http.NewRequest(http.MethodPost, f.action, strings.NewReader(v.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if value != "" {
		req.Header.Set(header, value)
	}
	res, err := noRedirects.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", f.action, err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// TestTrustedProxies: the rate limit counts the client named by
// --client-ip-header only when the peer is a trusted proxy (loopback by
// default, here the test itself), reading a list from the right; a header
// with several addresses or none never makes a key every client shares;
// from a peer outside --trusted-proxies the header is ignored.
func TestTrustedProxies(t *testing.T) {
	const xff = "X-Forwarded-For"
	t.Run("loopback proxy by default", func(t *testing.T) {
		base, _ := startSigningServe(t, signingCampaigns, sqliteDB(t), "--rate-limit", "2", "--client-ip-header", xff)
		f := loadForm(t, base, petitionRef)
		i := 0
		next := func(value string) int { i++; return postFrom(t, base, f, i, xff, value) }
		// Two clients behind the proxy, each with a list the client
		// started itself: counted by the right-most address apart.
		for _, v := range []string{"1.1.1.1, 198.51.100.1", "9.9.9.9, 198.51.100.1"} {
			if s := next(v); s != http.StatusSeeOther && s != 422 {
				t.Fatalf("first posts from 198.51.100.1: got %d", s)
			}
		}
		if s := next("198.51.100.1"); s != http.StatusTooManyRequests {
			t.Errorf("third post from 198.51.100.1 with --rate-limit 2: got %d, want 429", s)
		}
		// A header with several addresses, another client on the right.
		if s := next("198.51.100.1, 198.51.100.2"); s == http.StatusTooManyRequests {
			t.Errorf("198.51.100.2 (right-most of a list) was counted with 198.51.100.1")
		}
		// Clients with no header or an unreadable one are the peer, and
		// share nothing with the clients above.
		if s := next(""); s == http.StatusTooManyRequests {
			t.Errorf("a post without the header was limited with others")
		}
		if s := next("not-an-address"); s == http.StatusTooManyRequests {
			t.Errorf("a post with an unreadable header was limited with others")
		}
	})
	t.Run("peer outside --trusted-proxies", func(t *testing.T) {
		base, _ := startSigningServeEnv(t, map[string]string{"PLACARD_TRUSTED_PROXIES": "10.0.0.0/8, fd00::/8"},
			signingCampaigns, sqliteDB(t), "--rate-limit", "2", "--client-ip-header", xff)
		f := loadForm(t, base, petitionRef)
		statuses := []int{}
		for i, v := range []string{"198.51.100.1", "198.51.100.2", "198.51.100.3"} {
			statuses = append(statuses, postFrom(t, base, f, i, xff, v))
		}
		if statuses[2] != http.StatusTooManyRequests {
			t.Errorf("three posts from an untrusted peer, each claiming another client: got %v, want the third 429 (header ignored)", statuses)
		}
	})
	t.Run("bad flags", func(t *testing.T) {
		for _, c := range []struct {
			args []string
			want string
		}{
			{[]string{"--client-ip-header", xff, "--trusted-proxies", "10.0.0.0/33"}, "--trusted-proxies"},
			{[]string{"--client-ip-header", xff, "--trusted-proxies", "proxy.example"}, "10.0.0.0/8"},
			{[]string{"--trusted-proxies", "10.0.0.0/8"}, "--client-ip-header"},
		} {
			_, errs, code := runCLI(t, append([]string{"serve", "--campaigns", signingCampaigns, "--db", sqliteDB(t)}, c.args...)...)
			if code != 2 || !strings.Contains(errs, c.want) {
				t.Errorf("serve %v: exit %d, want 2 with %q\n%s", c.args, code, c.want, errs)
			}
		}
	})
}
