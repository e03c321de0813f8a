// Package qrtest decodes QR codes in tests with zbarimg (Debian's
// zbar-tools), an independent reader, so a test proves a code scans rather
// than that it matches our own encoder. Only tests import it.
package qrtest

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Decode writes data to a file named code.EXT (ext is "svg" or "png"; zbarimg
// reads SVG through ImageMagick) and returns the text zbarimg reads from it.
// It fails the test when zbarimg finds no code, and skips it when zbarimg is
// not installed, except under CI=true, where that is a failure: CI must not
// pass by skipping.
func Decode(t testing.TB, data []byte, ext string) string {
	t.Helper()
	bin, err := exec.LookPath("zbarimg")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and zbarimg is not installed (.ci/run installs zbar-tools)")
		}
		t.Skip("skipping: zbarimg is not installed (apt-get install zbar-tools, or run .ci/run)")
	}
	path := filepath.Join(t.TempDir(), "code."+ext)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, "--quiet", "--raw", path)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		hint := ""
		if ext == "svg" && strings.Contains(stderr.String(), "delegate") {
			hint = " (zbarimg reads SVG through ImageMagick's svg coder: apt-get install libmagickcore-6.q16-6-extra)"
		}
		t.Fatalf("zbarimg could not read a QR code from the %s (%v): %s%s", ext, err, strings.TrimSpace(stderr.String()), hint)
	}
	return strings.TrimRight(stdout.String(), "\n")
}
