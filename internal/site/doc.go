// Package site compiles a loaded campaign.Site into an immutable Snapshot:
// every public page and its variants (regions, share rotations, language
// notices), the pages that take signatures (SigningCampaign, re-rendered
// with new tallies by RenderSigning), thank-you pages, feeds, the sitemap,
// embeds and their snippet, the records of share cards and QR codes made
// on first request (LazyFile, LazyFiles), and each page's
// Content-Security-Policy, decided from what the page is. A server's
// snapshot renders each page and variant on its first request (lazypage.go);
// a static copy's renders them all at once.
//
// A Mode says what pages are for: ModePublic (a live server), ModePreview
// (a campaign not public yet), ModeEmbed and ModeStatic (a static copy,
// whose forms post to a live server). Export writes a static copy's files
// and headers from a snapshot; EmbedSnippet needs only the loaded site.
// The package knows nothing of HTTP: web serves what it compiles.
package site
