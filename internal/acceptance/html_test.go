package acceptance

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/placard/placard/internal/browsertest"
)

// canaryPage is invalid HTML: an img element needs an alt attribute.
const canaryPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Canary</title></head><body><img src="x.png"></body></html>`

// vnuMessage is one message of the Nu HTML Checker's JSON output.
type vnuMessage struct {
	Type     string `json:"type"` // "error", "info" or "non-document-error"
	URL      string `json:"url"`
	LastLine int    `json:"lastLine"`
	FirstCol int    `json:"firstColumn"`
	Message  string `json:"message"`
	Extract  string `json:"extract"`
}

// TestHTMLValid runs the W3C Nu HTML Checker (vnu.jar, with the machine's
// Java) over every public page and the 404 page, and wants zero errors. The
// pages are fetched from the real server, written to files and checked in one
// run of the checker, because the JVM takes seconds to start.
func TestHTMLValid(t *testing.T) {
	java, jar := browsertest.Java(t), browsertest.VNU(t)

	s := startSite(t)
	dir := t.TempDir()
	byFile := map[string]page{}
	var files []string
	for _, p := range s.Pages {
		body := s.fetch(t, p)
		f := filepath.Join(dir, p.Name+".html")
		if err := os.WriteFile(f, body, 0o644); err != nil {
			t.Fatal(err)
		}
		byFile[f] = p
		files = append(files, f)
	}

	// A canary known to be invalid proves the checker ran and its report was
	// read: zero errors on the real pages only counts if the canary has some.
	canary := filepath.Join(dir, "zz-canary.html")
	if err := os.WriteFile(canary, []byte(canaryPage), 0o644); err != nil {
		t.Fatal(err)
	}
	files = append(files, canary)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := append([]string{"-jar", jar, "--errors-only", "--format", "json"}, files...)
	cmd := exec.CommandContext(ctx, java, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run() // exit status 1 just means "errors found" (the canary has some); the JSON says which.

	// vnu writes its report to stderr; accept stdout too in case a version moves it.
	out := bytes.TrimSpace(stderr.Bytes())
	if len(out) == 0 {
		out = bytes.TrimSpace(stdout.Bytes())
	}
	var report struct {
		Messages []vnuMessage `json:"messages"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("vnu.jar: could not read its JSON report (%v; run error: %v):\n%s\n%s", err, runErr, stdout.String(), stderr.String())
	}

	errs := map[string]int{}
	canaryErrors := 0
	for _, m := range report.Messages {
		if m.Type == "info" {
			continue
		}
		f := strings.TrimPrefix(m.URL, "file:")
		if f == canary {
			canaryErrors++
			continue
		}
		p, ok := byFile[f]
		name := f
		if ok {
			name = p.Path
		}
		errs[name]++
		t.Errorf("%s line %d col %d: Nu HTML Checker %s: %s\n\tsource: %s", name, m.LastLine, m.FirstCol, m.Type, m.Message, strings.TrimSpace(m.Extract))
	}
	if canaryErrors == 0 {
		t.Errorf("the Nu checker reported no error on a page with an img without alt; want at least 1 (is its report still JSON on stderr? exit: %v)\n%s", runErr, out)
	}
	for _, p := range s.Pages {
		t.Logf("%-50s %d Nu errors", p.Path, errs[p.Path])
	}
}
