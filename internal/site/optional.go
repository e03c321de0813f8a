package site

import (
	"net/url"
	"path"
	"strings"

	"github.com/placard/placard/internal/campaign"
)

// What a page shows in place of a setting the organiser may leave out.

// resourceTitle is a document's title, or, when the organiser gave none,
// its file's name (report.pdf) or its site's host (www.allmep.org).
func resourceTitle(r campaign.Resource) string {
	if t := strings.TrimSpace(r.Title); t != "" {
		return t
	}
	if r.File != "" {
		return path.Base(r.File)
	}
	if u, err := url.Parse(strings.TrimSpace(r.Link)); err == nil && u.Host != "" {
		return u.Host
	}
	return r.Link
}
