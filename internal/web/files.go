package web

import (
	"fmt"
	"net/http"

	"github.com/placard/placard/internal/site"
)

// Files: the content-hashed static files, the favicon, and the share
// cards and QR codes made on first request.

// static serves a content-hashed file: the stylesheet, the script, an
// organisation's pictures and documents, or a generated share picture.
func (s *Server) static(w http.ResponseWriter, r *http.Request) error {
	snap := s.snap.Load()
	if !s.cfg.Dev && !snap.PublicFile(r.URL.Path) {
		// Only a draft or a campaign before its publish_at names it.
		return s.previewFile(w, r, snap)
	}
	f := snap.Static[r.URL.Path]
	if f == nil {
		if snap.Lazy[r.URL.Path] != nil {
			// A smaller copy of an organiser's picture (site/pictures.go).
			return s.generatedFile(w, r)
		}
		return errNotFound
	}
	if site.IsPartnerScript(r.URL.Path) {
		// Partners load it with crossorigin="anonymous" for its integrity check.
		w.Header()["Access-Control-Allow-Origin"] = hvAnyOrigin
	}
	f.Serve(w, r)
	return nil
}

// favicon serves the site's small icon, so browsers asking for it get a
// picture rather than a 404.
func (s *Server) favicon(w http.ResponseWriter, r *http.Request) error {
	snap := s.snap.Load()
	if snap.Favicon == nil {
		return errNotFound
	}
	snap.Favicon.Serve(w, r)
	return nil
}

// generatedFile serves a share card or QR code from the snapshot's list,
// making it on first request.
func (s *Server) generatedFile(w http.ResponseWriter, r *http.Request) error {
	gen := s.snap.Load().Lazy[r.URL.Path]
	if gen == nil {
		if s.redirectMoved(w, r) {
			return nil
		}
		return errNotFound
	}
	f, err := s.lazy.Get(gen)
	if err != nil {
		return fmt.Errorf("making %s: %w", r.URL.Path, err)
	}
	f.Serve(w, r)
	return nil
}

// previewFile serves an organisation's file no public page names at the
// keyed address a preview page gave it (site.PreviewFileParam), never
// stored by caches; anything else gets the 404 of a missing file.
func (s *Server) previewFile(w http.ResponseWriter, r *http.Request, snap *site.Snapshot) error {
	if r.URL.RawQuery == "" || !snap.PreviewFileOK(r.URL.Path, r.URL.Query().Get(site.PreviewFileParam)) {
		return errNotFound
	}
	f := snap.Static[r.URL.Path]
	if f == nil {
		gen := snap.Lazy[r.URL.Path]
		if gen == nil {
			return errNotFound
		}
		var err error
		if f, err = s.lazy.Get(gen); err != nil {
			return fmt.Errorf("making %s: %w", r.URL.Path, err)
		}
	}
	w.Header().Set("X-Robots-Tag", "noindex")
	f.WithCacheControl(hvNoStore).Serve(w, r)
	return nil
}
