package console

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/go-chi/chi/v5"
)

// staticFile is one of the console's own files, named by its content hash.
type staticFile struct {
	body  []byte
	ctype string
}

// loadStatic names each embedded file NAME.HASH.EXT, so it can be cached
// for a year and a new version is fetched at once.
func (c *Console) loadStatic() error {
	c.static = map[string]staticFile{}
	return fs.WalkDir(staticFiles, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFiles.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		name := path.Base(p)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		c.static[hashed] = staticFile{body: b, ctype: mime.TypeByExtension(ext)}
		url := Prefix + "/static/" + hashed
		switch name {
		case "console.css":
			c.styleURL = url
		case "passkey.js":
			c.jsURL = url
		}
		return nil
	})
}

// staticHandler serves the console's files.
func (c *Console) staticHandler(w http.ResponseWriter, r *http.Request) error {
	f, ok := c.static[chi.URLParam(r, "name")]
	if !ok {
		return errNotFound
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(f.body)
	return nil
}
