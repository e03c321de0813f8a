package site

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"slices"
	"strings"
)

// An organisation's files (pictures, documents, and the smaller copies of
// its pictures) are served at their public address only when a public
// page names them: the same rule as a static copy (Export). A file only a
// draft, or a campaign waiting for its publish_at, names (an embargoed
// report has a guessable name) is not served there; its preview names it
// at a keyed address instead (PreviewFileParam), which the server answers
// no-store. A campaign's publish_at rebuilds the snapshot, so its files
// become public with its page.

// PreviewFileParam is the query parameter of a file's keyed address on a
// preview page: an HMAC of the file's path under Options.FileKey (else the
// preview key), so the address opens that one file and gives no key away.
const PreviewFileParam = "k"

// fileKey is the key of opt's keyed file addresses; nil for none.
func (opt *Options) fileKey() []byte {
	if len(opt.FileKey) > 0 {
		return opt.FileKey
	}
	if opt.PreviewKey != "" {
		return []byte(opt.PreviewKey)
	}
	return nil
}

// previewFileMAC is the keyed mark of the file at path p.
func previewFileMAC(key []byte, p string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("placard preview file\x00" + p))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// PublicFile reports whether the file at path p may be served at its
// public address: any file that is not an organisation's own, and an
// organisation's file a public page of the snapshot names.
func (snap *Snapshot) PublicFile(p string) bool {
	public, own := snap.ownFiles[p]
	return public || !own
}

// PreviewFileOK reports whether mac is the keyed mark a preview page gave
// the file at path p. Without a preview key there are no keyed addresses.
func (snap *Snapshot) PreviewFileOK(p, mac string) bool {
	key := snap.opt.fileKey()
	if key == nil || mac == "" {
		return false
	}
	if _, own := snap.ownFiles[p]; !own {
		return false
	}
	return hmac.Equal([]byte(mac), []byte(previewFileMAC(key, p)))
}

// ownFile records u as an organisation's file, named by a public page when
// public (one naming is enough). Called under b.lock.
func (b *builder) ownFile(u string, public bool) {
	if public {
		b.snap.ownFiles[u] = true
		return
	}
	if _, ok := b.snap.ownFiles[u]; !ok {
		b.snap.ownFiles[u] = false
	}
}

// nameFile records that a page of b's mode names the organisation's file
// at u, and returns the address that page shows: a preview's is keyed
// (PreviewFileParam) unless under --dev, which serves every file. The
// address is percent-escaped (escapePath): u itself, the file's key in
// the snapshot, is what a request's decoded path matches.
func (b *builder) nameFile(u string) string {
	if u == "" {
		return u
	}
	public := b.mode != ModePreview
	b.lock()
	b.ownFile(u, public)
	b.unlock()
	if public {
		if b.built != nil && !slices.Contains(b.built.named, u) {
			b.built.named = append(b.built.named, u)
		}
		return escapePath(u)
	}
	key := b.opt.fileKey()
	if b.opt.Dev || key == nil {
		return escapePath(u)
	}
	return escapePath(u) + "?" + PreviewFileParam + "=" + previewFileMAC(key, u)
}

// EscapePath is the address p as pages link to it (escapePath), for a
// static copy's _headers, whose rules hosts match against the address as
// requested.
func EscapePath(p string) string { return escapePath(p) }

// escapePath percent-escapes every byte of an address's path but letters,
// digits, '/', '-', '.', '_' and '~'. An organiser's file may be called
// "photo (1).jpg", "50%.png" or "a#b.pdf": written as it is, a space
// splits a srcset, '#' and '?' end the path, '%' is a broken escape, and
// the static export's scan for the files pages name (staticRefs) stops at
// a space or a bracket, so the file was left out of the copy.
func escapePath(p string) string {
	plain := func(c byte) bool {
		return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("/-._~", c) >= 0
	}
	i := 0
	for i < len(p) && plain(p[i]) {
		i++
	}
	if i == len(p) {
		return p // the usual name: nothing to escape, nothing allocated
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.WriteString(p[:i])
	for ; i < len(p); i++ {
		c := p[i]
		switch {
		case plain(c):
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&15])
		}
	}
	return b.String()
}
