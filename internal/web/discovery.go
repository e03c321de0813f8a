package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/placard/placard/internal/site"
)

// What other sites and readers fetch to find the campaigns: the Atom
// feeds, the sitemap, robots.txt and the oEmbed answer.

// feed serves GET /{org}/feed.atom.
func (s *Server) feed(w http.ResponseWriter, r *http.Request) error {
	sy := s.snap.Load().OtherSites
	if sy == nil || sy.Feeds[r.URL.Path] == nil {
		return errNotFound
	}
	sy.Feeds[r.URL.Path].Serve(w, r)
	return nil
}

// sitemap serves GET /sitemap.xml.
func (s *Server) sitemap(w http.ResponseWriter, r *http.Request) error {
	sy := s.snap.Load().OtherSites
	if sy == nil || sy.Sitemap == nil {
		return errNotFound
	}
	sy.Sitemap.Serve(w, r)
	return nil
}

// robots allows every crawler on the public pages (drafts are not served
// at all), keeps them off addresses that are not pages of their own, and
// names the sitemap (feed.go).
func (s *Server) robots(w http.ResponseWriter, r *http.Request) error {
	sy := s.snap.Load().OtherSites
	if sy == nil || sy.Robots == nil {
		return errNotFound
	}
	sy.Robots.Serve(w, r)
	return nil
}

// oembedResponse is a rich oEmbed answer. The thumbnail's three fields are
// given together or not at all, as the specification requires.
type oembedResponse struct {
	Version         string `json:"version"`
	Type            string `json:"type"`
	Title           string `json:"title"`
	AuthorName      string `json:"author_name"`
	AuthorURL       string `json:"author_url"`
	ProviderName    string `json:"provider_name"`
	ProviderURL     string `json:"provider_url"`
	CacheAge        int    `json:"cache_age"`
	HTML            string `json:"html"`
	Width           int    `json:"width"`
	Height          int    `json:"height"`
	ThumbnailURL    string `json:"thumbnail_url,omitempty"`
	ThumbnailWidth  int    `json:"thumbnail_width,omitempty"`
	ThumbnailHeight int    `json:"thumbnail_height,omitempty"`
}

// Refusals of an oEmbed request, each a plain page with its status.
var (
	errOEmbedFormat = &httpError{status: http.StatusNotImplemented,
		heading: "error.oembed.format.heading", message: "error.oembed.format.message"}
	errOEmbedURL = &httpError{status: http.StatusNotFound,
		heading: "error.notfound"}
)

// oembed serves GET /oembed?url=…[&format=json][&maxwidth=N][&maxheight=N].
// url is a campaign page (or its embed) on this site; an unknown address,
// another site's, or a campaign whose organisation allows no embedding is
// 404, and any format but json is 501. maxwidth and maxheight shrink the
// frame, never enlarge it.
func (s *Server) oembed(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if f := q.Get("format"); f != "" && f != "json" {
		return errOEmbedFormat
	}
	snap := s.snap.Load()
	u, err := url.Parse(strings.TrimSpace(q.Get("url")))
	if err != nil || snap.OtherSites == nil {
		return errOEmbedURL
	}
	base, _ := url.Parse(s.base)
	if !strings.EqualFold(u.Host, base.Host) || (u.Scheme != "http" && u.Scheme != "https") {
		return errOEmbedURL
	}
	p := strings.TrimSuffix(u.Path, "/")
	if strings.Count(p, "/") == 3 {
		// /org/slug/embed; /org/embed is a campaign called embed.
		p = strings.TrimSuffix(p, "/embed")
	}
	if to, ok := snap.Moved[p]; ok {
		p = to
	}
	e := snap.OtherSites.Embeds[p]
	if e == nil {
		return errOEmbedURL
	}
	width, height := site.EmbedWidth, e.Height()
	if n, err := strconv.Atoi(q.Get("maxwidth")); err == nil && n > 0 && n < width {
		width = n
	}
	if n, err := strconv.Atoi(q.Get("maxheight")); err == nil && n > 0 && n < height {
		height = n
	}
	org := p[:strings.LastIndexByte(p, '/')]
	res := oembedResponse{
		Version:      "1.0",
		Type:         "rich",
		Title:        e.Title,
		AuthorName:   e.Org,
		AuthorURL:    s.base + org,
		ProviderName: s.cfg.SiteName,
		ProviderURL:  s.base + "/",
		CacheAge:     3600,
		HTML:         site.Snippet(s.base, snap.OtherSites, e, "", width, height),
		Width:        width,
		Height:       height,
	}
	if im := e.Image; im != nil && im.URL != "" && im.Width > 0 && im.Height > 0 {
		res.ThumbnailURL, res.ThumbnailWidth, res.ThumbnailHeight = im.URL, im.Width, im.Height
	}
	body, err := json.Marshal(res)
	if err != nil {
		return err
	}
	h := w.Header()
	h["Content-Type"] = []string{"application/json; charset=utf-8"}
	h["Cache-Control"] = []string{"public, max-age=3600"}
	h["Access-Control-Allow-Origin"] = hvAnyOrigin
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
	return nil
}
