package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEmbedCommand: placard embed prints the snippet for an example
// campaign (iframe of the embed for the first listed partner, script with
// integrity); an organisation without embed_origins, a partner it does not
// list and an unknown campaign fail with a message, and a malformed
// command line is a usage error.
func TestEmbedCommand(t *testing.T) {
	dir := filepath.Join("..", "..", "campaigns")
	run1 := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), append([]string{"embed"}, args...), env(nil), &stdout, &stderr)
		return exitCode(err), stdout.String(), stderr.String()
	}
	code, out, errOut := run1("northgate-tenants/tell-the-courier", "--campaigns", dir, "--base-url", "https://act.example.org")
	if code != 0 {
		t.Fatalf("placard embed: exit %d, stderr %q", code, errOut)
	}
	for _, re := range []string{
		`<iframe data-placard-embed src="https://act\.example\.org/northgate-tenants/tell-the-courier/embed\?origin=https%3A%2F%2Frenters-network\.example" title="[^"]+" width="560" height="900"`,
		`<script src="https://act\.example\.org/static/embed-[0-9a-f]{12}\.js" integrity="sha384-[A-Za-z0-9+/]{64}" crossorigin="anonymous" defer></script>`,
	} {
		if !regexp.MustCompile(re).MatchString(out) {
			t.Errorf("placard embed output lacks %s:\n%s", re, out)
		}
	}
	code, out, _ = run1("--campaigns", dir, "--base-url", "https://act.example.org", "--origin", "https://www.port-aldren-news.example", "northgate-tenants/tell-the-courier")
	if code != 0 || !strings.Contains(out, "origin=https%3A%2F%2Fwww.port-aldren-news.example") {
		t.Errorf("placard embed --origin (listed): exit %d, output %q; want the snippet for that site", code, out)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"common-table/letter-to-president-quist"}, exitFailure, "embed_origins"},
		{[]string{"northgate-tenants/tell-the-courier", "--origin", "https://evil.example"}, exitFailure, "is not among"},
		{[]string{"northgate-tenants/no-such-campaign"}, exitFailure, "no public campaign"},
		{[]string{"nobody/tell-the-courier"}, exitFailure, "no organisation"},
		{[]string{"tell-the-courier"}, exitUsage, "ORG/SLUG"},
		{[]string{}, exitUsage, "one campaign"},
	} {
		args := append([]string{"--campaigns", dir, "--base-url", "https://act.example.org"}, c.args...)
		code, _, errOut := run1(args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("placard embed %q: exit %d, stderr %q; want exit %d and %q", c.args, code, errOut, c.code, c.want)
		}
	}
	if code, _, errOut := run1("northgate-tenants/tell-the-courier", "--campaigns", dir); code != exitUsage || !strings.Contains(errOut, "--base-url") {
		t.Errorf("placard embed without --base-url: exit %d, stderr %q; want a usage error naming --base-url", code, errOut)
	}
}
