package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckJSONErrors: --format json puts every problem on stdout as an array
// with the documented field names, exits 1 like the text format, and writes
// nothing to stderr.
func TestCheckJSONErrors(t *testing.T) {
	dir := copyTestdata(t)
	hall := filepath.Join(dir, "harbour-choir", "keep-the-hall.yaml")
	plant(t, hall, "summary:", "sumary:")
	var stdout, stderr strings.Builder
	err := run(context.Background(), []string{"check", "--format", "json", dir}, env(nil), &stdout, &stderr)
	if got := exitCode(err); got != 1 {
		t.Fatalf("exit code %d, want 1; stderr:\n%s", got, stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr = %q, want nothing (the report is on stdout)", stderr.String())
	}
	var got []map[string]any
	if err := json.Unmarshal([]byte(stdout.String()), &got); err != nil {
		t.Fatalf("stdout is not a JSON array: %v\n%s", err, stdout.String())
	}
	if len(got) != 1 {
		t.Fatalf("got %d problems, want 1:\n%s", len(got), stdout.String())
	}
	p := got[0]
	for key, want := range map[string]any{"file": hall, "line": 2.0, "column": 1.0, "severity": "error"} {
		if p[key] != want {
			t.Errorf("%s = %v, want %v", key, p[key], want)
		}
	}
	if msg, _ := p["message"].(string); !strings.Contains(msg, "did you mean 'summary'") {
		t.Errorf("message = %q, want it to suggest 'summary'", msg)
	}
	if len(p) != 5 {
		t.Errorf("got fields %v, want exactly file, line, column, severity, message", p)
	}
}

// TestCheckJSONWarnings: warnings alone exit 0 and appear with severity
// "warning"; a clean folder gives an empty array, not null.
func TestCheckJSONWarnings(t *testing.T) {
	dir := filepath.Join("..", "..", "internal", "campaign", "testdata", "valid", "warnings")
	var stdout, stderr strings.Builder
	err := run(context.Background(), []string{"check", "--format", "json", dir}, env(nil), &stdout, &stderr)
	if err != nil {
		t.Fatalf("check: exit %d, want 0; stderr:\n%s", exitCode(err), stderr.String())
	}
	var got []jsonProblem
	if err := json.Unmarshal([]byte(stdout.String()), &got); err != nil {
		t.Fatalf("stdout is not a JSON array: %v\n%s", err, stdout.String())
	}
	if len(got) == 0 {
		t.Fatal("got no problems, want the folder's warnings")
	}
	for _, p := range got {
		if p.Severity != "warning" || p.Line == 0 || !strings.HasPrefix(p.File, dir) {
			t.Errorf("got %+v, want a warning with a position inside %s", p, dir)
		}
	}

	stdout.Reset()
	if err := run(context.Background(), []string{"check", "--format=json", filepath.Join("testdata", "campaigns")}, env(nil), &stdout, io.Discard); err != nil {
		t.Fatalf("check testdata: %v", err)
	}
	if got := strings.TrimSpace(stdout.String()); got != "[]" {
		t.Errorf("clean folder: got %q, want []", got)
	}
}

// TestCheckFormatUsage: an unknown format is a usage error (exit 2).
func TestCheckFormatUsage(t *testing.T) {
	var stderr strings.Builder
	err := run(context.Background(), []string{"check", "--format", "xml"}, env(nil), io.Discard, &stderr)
	if got := exitCode(err); got != 2 {
		t.Fatalf("exit code %d, want 2", got)
	}
	if !strings.Contains(stderr.String(), "--format must be text or json") {
		t.Errorf("stderr = %q, want it to name the allowed formats", stderr.String())
	}
}

// TestCheckMissingTranslation: `placard check` on the translations testdata
// names each missing translation at the line and column of its mapping, as
// an error for a required setting and a warning for an optional one.
func TestCheckMissingTranslation(t *testing.T) {
	for _, tc := range []struct {
		dir, want string
		code      int
	}{
		{"invalid", filepath.Join("testdata", "invalid", "translations", "trio", "org.yaml") + ":2:3: 'name' has no Hebrew (he) translation", 1},
		{"valid", filepath.Join("testdata", "valid", "translations", "trio", "org.yaml") + ":8:3: warning: 'about' has no Hebrew (he) translation", 0},
	} {
		dir := filepath.Join("..", "..", "internal", "campaign", "testdata", tc.dir, "translations")
		var stdout, stderr strings.Builder
		err := run(context.Background(), []string{"check", dir}, env(nil), &stdout, &stderr)
		if got := exitCode(err); got != tc.code {
			t.Errorf("%s: exit %d, want %d; stderr:\n%s", tc.dir, got, tc.code, stderr.String())
		}
		want := filepath.Join("..", "..", "internal", "campaign", tc.want)
		if !strings.Contains(stderr.String()+stdout.String(), want) {
			t.Errorf("%s: output lacks %q:\n%s%s", tc.dir, want, stdout.String(), stderr.String())
		}
	}
}

// TestCheckWarnsOfPatternNames: `placard build` refuses a file whose name
// holds a * or a colon (static hosts read them as patterns in _headers),
// but `placard check` passed it without a word, so the organiser learnt
// it only when the export failed. check now warns at the setting that
// names the file, with the fix, and build still refuses it.
func TestCheckWarnsOfPatternNames(t *testing.T) {
	for name, better := range map[string]string{"logo*.png": "assets/logo.png", "logo:x.png": "assets/logo-x.png"} {
		t.Run(name, func(t *testing.T) {
			dir := copyTestdata(t)
			assets := filepath.Join(dir, "harbour-choir", "assets")
			if err := os.Rename(filepath.Join(assets, "logo.png"), filepath.Join(assets, name)); err != nil {
				t.Skipf("this system cannot name a file %q: %v", name, err)
			}
			orgFile := filepath.Join(dir, "harbour-choir", "org.yaml")
			plant(t, orgFile, "src: assets/logo.png", "src: 'assets/"+name+"'")
			var stdout, stderr strings.Builder
			err := run(context.Background(), []string{"check", dir}, env(nil), &stdout, &stderr)
			if err != nil {
				t.Fatalf("check: exit %d, want 0 (a warning); stderr:\n%s", exitCode(err), stderr.String())
			}
			out := stdout.String() + stderr.String()
			want := orgFile + ":5:8: warning: assets/" + name + " has a * or a colon in its name, so `placard build` cannot write it"
			if !strings.Contains(out, want) || !strings.Contains(out, "such as "+better+",") || !strings.Contains(out, "change 'src' to the new name") {
				t.Errorf("check said:\n%s\nwant a line starting %q, with the fix", out, want)
			}
		})
	}
}
