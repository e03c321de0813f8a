package web

import (
	"net/http"
	"strings"

	"github.com/placard/placard/internal/site"
)

// The embed's requests: its page, its thank-you page and the framing of
// answers to its signing form (site builds what they serve).

// errEmbedOff answers the embed address of a campaign whose organisation
// lists no sites allowed to frame it.
var errEmbedOff = &httpError{status: http.StatusForbidden,
	heading: "error.embed.off.heading", message: "error.embed.off.message"}

// allowFraming drops X-Frame-Options from an embed response: its
// Content-Security-Policy frame-ancestors names the allowed origins, and
// X-Frame-Options cannot express a list.
func allowFraming(w http.ResponseWriter) {
	delete(w.Header(), "X-Frame-Options")
}

// embed serves GET /{org}/{campaign}/embed.
func (s *Server) embed(w http.ResponseWriter, r *http.Request) error {
	snap := s.snap.Load()
	cpath := strings.TrimSuffix(r.URL.Path, "/embed")
	if lc := snap.Signing[cpath]; lc != nil && lc.Embed != nil {
		lp, err := lc.Current()
		if err != nil {
			return err
		}
		e, err := lp.Embed() // rendered by its first request
		if err != nil {
			return err
		}
		if e != nil {
			allowFraming(w)
			e.Serve(w, r, s.tokens.Issue, s.cfg.Now())
			return nil
		}
	}
	if sy := snap.OtherSites; sy != nil {
		if p := sy.Pages[r.URL.Path]; p != nil {
			allowFraming(w)
			p.Serve(w, r)
			return nil
		}
	}
	if snap.Pages[cpath] != nil || snap.Signing[cpath] != nil {
		return errEmbedOff
	}
	if to, ok := snap.Moved[cpath]; ok {
		movedPermanently(w, r, to+"/embed")
		return nil
	}
	return errNotFound
}

// embedThanks serves GET /{org}/{campaign}/embed/thanks?outcome=…, the
// thank-you page inside the frame.
func (s *Server) embedThanks(w http.ResponseWriter, r *http.Request) error {
	snap := s.snap.Load()
	cpath := strings.TrimSuffix(r.URL.Path, "/embed/thanks")
	if snap.OtherSites == nil {
		return errNotFound
	}
	p := snap.OtherSites.Thanks[cpath][r.URL.Query().Get("outcome")]
	if p == nil {
		return errNotFound
	}
	allowFraming(w)
	p.Serve(w, r)
	return nil
}

// EmbedSnippet is the HTML a partner site pastes to show campaign
// orgSlug/slug of the site being served (see embedSnippet).
func (s *Server) EmbedSnippet(orgSlug, slug, origin string) (string, error) {
	return site.EmbedSnippet(s.base, s.snap.Load().Site, s.cfg.Now(), orgSlug, slug, origin)
}
