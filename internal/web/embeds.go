package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/placard/placard/internal/site"
	"github.com/placard/placard/views"
)

// The embed's requests: its page, its thank-you page and the framing of
// answers to its signing form (site builds what they serve).

// errEmbedOff answers the embed address of a campaign whose organisation
// lists no sites allowed to frame it.
var errEmbedOff = &httpError{status: http.StatusForbidden,
	heading: "This campaign cannot be shown inside other sites",
	message: "Its organisation has not listed any sites allowed to embed it. Open the campaign on this site instead. (Organisers: list partner sites under embed_origins in org.yaml.)"}

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
		if lp := lc.Pages.Load(); lp.Embed != nil {
			allowFraming(w)
			lp.Embed.Serve(w, r, s.tokens.Issue, s.cfg.Now())
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

// framedAsEmbed lets every answer to an embed's signing POST show inside
// the partner's frame, refusals included (another site's POST, the rate
// limit, a store failure): they get the embed's frame-ancestors and no
// X-Frame-Options, so the signer reads the message instead of a blocked
// frame. Answers that set their own policy (the form shown again) keep it.
func (s *Server) framedAsEmbed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if lc := s.snap.Load().Signing[signCampaignPath(r.URL.Path)]; lc != nil && lc.Embed != nil {
			w.Header()["Content-Security-Policy"] = []string{lc.Embed.Csp}
			allowFraming(w)
		}
		next.ServeHTTP(w, r)
	})
}

// isEmbedSign reports whether a signing POST came from an embed's form.
func isEmbedSign(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, "/embed/sign") }

// signCampaignPath is the campaign page a signing POST's address belongs
// to: /org/slug for /org/slug/sign and /org/slug/embed/sign.
func signCampaignPath(p string) string {
	if c, ok := strings.CutSuffix(p, "/embed/sign"); ok {
		return c
	}
	return strings.TrimSuffix(p, "/sign")
}

// thanksLocation is where a recorded signature's 303 leads: the campaign's
// thank-you page, or, for a form sent from the embed, the embed's own
// (which may be framed), keeping ?origin= when it is a listed partner so
// the resize script there can address it.
func thanksLocation(r *http.Request, lc *site.SigningCampaign, outcome string) string {
	if !isEmbedSign(r) || lc.Embed == nil {
		return lc.Path + "/thanks?outcome=" + outcome
	}
	loc := lc.Path + "/embed/thanks?outcome=" + outcome
	if o := r.URL.Query().Get("origin"); o != "" && slices.Contains(lc.Embed.Origins, o) {
		loc += "&origin=" + url.QueryEscape(o)
	}
	return loc
}

// writeEmbedForm answers an embed's signing POST that cannot be recorded
// as sent (a form to correct, or signing has ended) inside the frame:
// the embed page with the form and heading, framed as the embed is.
func (s *Server) writeEmbedForm(w http.ResponseWriter, r *http.Request, lc *site.SigningCampaign, status int, heading string, f views.SignForm, sa *site.Signable) error {
	e := lc.Embed
	p := e.Frame
	p.Page.Title = heading + " — " + lc.C.Title
	p.Heading = heading
	p.Action = &views.EmbedAction{ID: sa.Id, Title: heading, Form: site.EmbedForm(f), Closed: f.Closed}
	allowFraming(w)
	return s.writePage(w, r, status, views.EmbedPage(p), e.Csp)
}

// EmbedSnippet is the HTML a partner site pastes to show campaign
// orgSlug/slug of the site being served (see embedSnippet).
func (s *Server) EmbedSnippet(orgSlug, slug, origin string) (string, error) {
	return site.EmbedSnippet(s.base, s.snap.Load().Site, s.cfg.Now(), orgSlug, slug, origin)
}
