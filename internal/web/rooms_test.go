package web

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestRoomsKeepTheirImports holds the re-partition of issue 11 in place:
// web answers requests and leaves compression, ciphers and image encoding
// to its leaf packages (pagecache, formtoken, sharecard, imagesizes), and
// site compiles without net/http. A new import that breaks this fails here
// with the file that made it.
func TestRoomsKeepTheirImports(t *testing.T) {
	for _, c := range []struct {
		dir       string
		forbidden func(string) bool
		why       string
	}{
		{".", func(p string) bool {
			return strings.HasPrefix(p, "compress/") || p == "crypto/aes" || p == "crypto/cipher" ||
				p == "image" || strings.HasPrefix(p, "image/") || strings.HasPrefix(p, "golang.org/x/image")
		}, "web answers requests; compression, ciphers and images belong to the leaf packages"},
		{"../site", func(p string) bool { return p == "net/http" || strings.HasPrefix(p, "net/http/") },
			"site compiles a snapshot and knows nothing of HTTP"},
	} {
		files, err := filepath.Glob(filepath.Join(c.dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s: %v", c.dir, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			af, err := parser.ParseFile(token.NewFileSet(), f, src, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, im := range af.Imports {
				p, _ := strconv.Unquote(im.Path.Value)
				if c.forbidden(p) {
					t.Errorf("%s imports %s: %s", f, p, c.why)
				}
			}
		}
	}
}
