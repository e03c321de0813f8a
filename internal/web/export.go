package web

import (
	"net/http"

	"github.com/placard/placard/internal/site"
)

// Export hands every file of a static copy of the site being served to fn,
// with the headers serve sends for it (site.Export, which needs no
// server: placard build calls it directly).
func (s *Server) Export(fn func(urlPath string, header http.Header, body []byte) error) error {
	return site.Export(s.snap.Load(), s.lazy, func(p string, h map[string]string, body []byte) error {
		hh := make(http.Header, len(h))
		for k, v := range h {
			hh.Set(k, v)
		}
		return fn(p, hh, body)
	})
}
