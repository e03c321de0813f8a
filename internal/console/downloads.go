package console

import (
	"net/http"
	"strings"
)

// Downloads are GETs that hand over supporters' details and write the
// audit log: a campaign's export, a contact campaign's calls and emails,
// and the hand-in document. The session cookie is SameSite=Lax, so it rides
// along when another site's link or a webmail's opens one of them: that
// site could drop the whole list on the organiser's computer (a shared
// one, perhaps) and write "exported" under their name. ownDownloads
// refuses a download another site started; the console's own links
// (Sec-Fetch-Site same-origin), an address typed or bookmarked (none) and
// clients that send no such header are served.

// downloadSuffixes end the paths of the downloads under /{org}.
var downloadSuffixes = []string{"/export", "/outreach", "/handin"}

// errCrossDownload answers a download another site started.
var errCrossDownload = &httpError{http.StatusForbidden, "console.err.crossdownload", "console.err.crossdownload.text"}

// ownDownloads refuses, with errCrossDownload, a download whose request a
// browser says came from another site (Sec-Fetch-Site cross-site or
// same-site).
func (c *Console) ownDownloads(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if site := r.Header.Get("Sec-Fetch-Site"); site == "cross-site" || site == "same-site" {
			for _, s := range downloadSuffixes {
				if strings.HasSuffix(r.URL.Path, s) {
					c.serveError(w, r, errCrossDownload)
					return
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}
