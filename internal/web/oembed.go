package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/views"
)

// oEmbed (https://oembed.com, version 1.0): GET /oembed?url=CAMPAIGN turns
// a campaign's address into the snippet that embeds it, so a content system
// given the link can show the campaign itself. Only JSON is offered.

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
		heading: "That format is not offered",
		message: "This site answers oEmbed requests in JSON only: ask with format=json, or leave format out."}
	errOEmbedURL = &httpError{status: http.StatusNotFound,
		heading: "We could not find that page"}
)

// campaignDiscovery is what a campaign page announces in its head: its
// organisation's feed and, when the campaign may be embedded, its oEmbed
// description. Previews announce nothing.
func (b *builder) campaignDiscovery(c *campaign.Campaign) []views.Discovery {
	if b.mode == ModePreview {
		return nil
	}
	d := []views.Discovery{b.feedLink(c.Org)}
	if len(c.Org.EmbedOrigins) > 0 {
		page := b.opt.Base + campaignPath(c)
		d = append(d, views.Discovery{
			Type:  "application/json+oembed",
			Title: c.Title,
			URL:   b.opt.Base + "/oembed?url=" + url.QueryEscape(page) + "&format=json",
		})
	}
	return d
}

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
	if err != nil || snap.synd == nil {
		return errOEmbedURL
	}
	base, _ := url.Parse(s.base)
	if !strings.EqualFold(u.Host, base.Host) || (u.Scheme != "http" && u.Scheme != "https") {
		return errOEmbedURL
	}
	p := strings.TrimSuffix(strings.TrimSuffix(u.Path, "/"), "/embed")
	if to, ok := snap.moved[p]; ok {
		p = to
	}
	e := snap.synd.embeds[p]
	if e == nil {
		return errOEmbedURL
	}
	width, height := embedWidth, e.height()
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
		Title:        e.title,
		AuthorName:   e.org,
		AuthorURL:    s.base + org,
		ProviderName: s.cfg.SiteName,
		ProviderURL:  s.base + "/",
		CacheAge:     3600,
		HTML:         snippet(s.base, snap.synd, e, "", width, height),
		Width:        width,
		Height:       height,
	}
	if im := e.image; im != nil && im.URL != "" && im.Width > 0 && im.Height > 0 {
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

// exportPaths lists what a static copy holds besides the pages: each
// feed, the sitemap and the embeds of campaigns that take no signatures
// (all of them in a copy, which has no store). The oEmbed answer depends on
// its query, so a static host cannot serve it.
func (sy *syndication) exportPaths() []string {
	if sy == nil {
		return nil
	}
	var out []string
	for p := range sy.feeds {
		out = append(out, p)
	}
	for p := range sy.pages {
		out = append(out, p)
	}
	if sy.sitemap != nil {
		out = append(out, "/sitemap.xml")
	}
	sort.Strings(out)
	return out
}
