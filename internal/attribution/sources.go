// Package attribution is where visitors come from and what sharing brings,
// counted without cookies, without personal data and without making any
// page vary per visitor (see docs/security.md). It knows nothing of HTTP
// or SQL: web reads the requests and calls in, and the store keeps what
// the counters hand over.
//
//   - Every share link the site makes carries a source tag in the address
//     it shares, ?src=x (Sources lists them). A supporter's personal link
//     carries ?ref=TOKEN, the link's public token.
//   - A page view with a known tag is an arrival: counted in memory per
//     campaign and source (Arrivals) and written to the store in batches.
//   - The signing form of a live page carries the page's attribution in a
//     hidden field of fixed length (FormValue), spliced into the cached
//     bytes per response, so a signature made from a tagged page counts for
//     its source and for the personal link while the page itself stays one
//     cached rendering.
//   - A new signer gets a personal link (NewLink: a short public token and a
//     longer private key of which the store keeps only the hash), handed
//     out from a pool made ahead of need (LinkPool), and what signatures
//     brought is counted apart from them (Credits), so nothing in the
//     database ties a signature to its link.
package attribution

import (
	"net/url"
	"slices"
	"strings"
)

// sources are the source tags Placard counts: one per share network,
// "copy" (the link copied from the page), "share" (the device's own share
// sheet, through the Web Share API), "personal" (a supporter's personal link
// without another tag), and the tags other parts of the site put on the
// links they make: "qr" for QR codes and posters, "embed" for partner
// sites' embeds and "feed" for the Atom feed. Any other ?src= value is
// ignored, so nobody can fill the counts with made-up names.
var sources = []string{
	"x", "bluesky", "mastodon", "facebook", "linkedin", "whatsapp", "telegram", "email",
	"copy", "share", "personal", "qr", "embed", "feed",
}

// Sources returns the source tags counted as arrivals and signatures
// (?src=TAG), in a fresh slice.
func Sources() []string { return slices.Clone(sources) }

// Query parameters of share links and of a personal link's private page.
const (
	// ParamSource names a link's source tag (?src=).
	ParamSource = "src"
	// ParamRef names a personal link's public token (?ref=).
	ParamRef = "ref"
	// ParamKey names a personal link's private key on its private page (?key=).
	ParamKey = "key"
)

// Source tags the site itself puts on links or infers.
const (
	// SourceCopy is the link copied from the page.
	SourceCopy = "copy"
	// SourceShare is the device's own share sheet (Web Share API).
	SourceShare = "share"
	// SourcePersonal is a personal link followed without another tag.
	SourcePersonal = "personal"
)

// KnownSource reports whether s is one of Sources.
func KnownSource(s string) bool { return slices.Contains(sources, s) }

// FromQuery reads the share source and personal link token from a query,
// keeping only well-formed values: src must be a known source, ref a token.
// A ref without a src counts as the "personal" source.
func FromQuery(q url.Values) (source, ref string) {
	source = strings.ToLower(strings.TrimSpace(q.Get(ParamSource)))
	if !KnownSource(source) {
		source = ""
	}
	ref = strings.ToLower(strings.TrimSpace(q.Get(ParamRef)))
	if !ValidToken(ref) {
		ref = ""
	}
	if source == "" && ref != "" {
		source = SourcePersonal
	}
	return source, ref
}

// WithSource returns link with ?src=source (and &ref=ref when set) added.
func WithSource(link, source, ref string) string {
	sep := "?"
	if strings.Contains(link, "?") {
		sep = "&"
	}
	if ref != "" {
		link += sep + ParamRef + "=" + ref
		sep = "&"
	}
	if source != "" {
		link += sep + ParamSource + "=" + source
	}
	return link
}
