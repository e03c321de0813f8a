package pagecache

import (
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Spliced is a prepared page that carries a fresh form token in every
// response, without rendering or compressing per request.
//
// The page is rendered once with Slots.Token wherever a token goes and
// split there into pieces. A response is piece₀ + token + piece₁ + token + …
// For gzip, each piece is deflated once, ahead of time: every piece but the
// last ends with a sync flush (so the stream is byte-aligned where the token
// goes) and the last ends with the final block; the token travels as a
// stored (uncompressed) deflate block between them. The gzip trailer's
// CRC-32 is continued over the pieces and the token with crc32.Update, and
// ISIZE is the plain length, which never changes because every token has the
// same length.
//
// Tokens only change once a second, so the token and the gzip trailer that
// goes with it are computed at most once a second per page and shared by
// every response in that second: serving costs about as much as a plain
// cached page.
//
// A page may also hold Slots.Attribution slots (the signing form's share source
// and personal-link token), the same length as a token.
// A request without attribution gets the blank value, covered by the
// per-second trailer; one with attribution (only visitors who followed a
// share link) costs one CRC-32 pass over the page for its own trailer.
type Spliced struct {
	// Only the deflated pieces are kept; the plain page, most of what it
	// weighs, is inflated from them for the rare client without gzip. For
	// each piece, its length, CRC-32 and the operator that moves a CRC-32
	// past it (crc.go) let the gzip trailer be computed without the plain
	// bytes.
	pieceCRC  []uint32   // CRC-32 of each plain piece
	pieceSkip []crcShift // moves a CRC-32 past each piece's length
	slotSkip  crcShift   // moves a CRC-32 past one slot's length
	plainLen  int        // length of the plain page, slots filled
	slots     []bool     // per slot: true for an attribution slot, false for a token
	length    []string   // Content-Length of the plain body

	gzHead   []byte   // gzip header + deflated pieces[0]
	gzPieces [][]byte // deflated pieces[1:], each preceded by a token's stored block
	gzLength []string // Content-Length of the gzip body
	crc0     uint32   // CRC-32 of the first piece

	etag, etagGz []string // weak: the content is the same, the token differs
	csp          []string
	path         string // "org/campaign", what tokens are signed for

	// A page with token slots names in its ETags the TokenWindow its
	// token was issued in (tagsAt): sum is the start of the body's
	// SHA-256 and variant the rendering (-1 for none) they are made from,
	// and windowTags the tags of the window last served.
	sum        [hashLen / 2]byte
	variant    int
	hasTokens  bool
	windowTags atomic.Pointer[windowTags]

	marks Slots

	stamp atomic.Pointer[tokenStamp]
}

// TokenWindow is how long a revalidating client may keep the form token of
// a page it holds. A 304 keeps the body the client has, token and all, so
// a page with token slots names in its ETags the window of TokenWindow its
// token was issued in (windows counted from the Unix epoch, the same on
// every instance): once the window has passed, If-None-Match no longer
// matches and the client is sent the page with a fresh token. A token
// kept by a 304 is therefore younger than TokenWindow when the page is
// shown, leaving the signer most of formtoken.MaxAge (24 h) to sign; a
// client revalidating within the window still gets its 304. It is an hour
// so that a page revalidated hourly is sent again about once an hour.
const TokenWindow = time.Hour

// windowTags are a token page's ETags for one TokenWindow.
type windowTags struct {
	win          int64
	etag, etagGz []string
}

// Slots names what marks a page's slots in the rendered body, and what a
// attribution slot holds when the request brings none. All three are
// the same length, the length of every token and attribution value.
type Slots struct {
	Token, Attribution string
	BlankAttribution   []byte
}

// IssueFunc returns the form token for the campaign at path
// ("org/campaign") issued at t; every token has the same length.
type IssueFunc func(path string, t time.Time) string

// tokenStamp is the token of one second and the gzip trailer it implies.
type tokenStamp struct {
	sec       int64
	token     []byte
	gzTrailer []byte // CRC-32 and ISIZE, little-endian
}

// NewSpliced splits body at every mark of slots and precompresses the
// pieces; path is what its tokens are issued for and csp its
// Content-Security-Policy. A body without marks works too: it is one piece.
func NewSpliced(body []byte, slots Slots, path, csp string) *Spliced {
	return NewSplicedVariant(body, slots, path, csp, -1)
}

// NewSplicedVariant is NewSpliced for rendering v (0, 1, …) of a page
// served in several renderings, named in its ETags (variant.go); v < 0
// names none.
func NewSplicedVariant(body []byte, slots Slots, path, csp string, v int) *Spliced {
	p := &Spliced{path: path, marks: slots}
	tokenLen := len(slots.Token)
	var pieces [][]byte
	pieces, p.slots = splitSlots(body, slots)
	p.plainLen = len(body)
	p.length = []string{strconv.Itoa(len(body))}
	p.slotSkip = shiftBy(tokenLen)
	for _, piece := range pieces {
		p.pieceCRC = append(p.pieceCRC, crc32.ChecksumIEEE(piece))
		p.pieceSkip = append(p.pieceSkip, shiftBy(len(piece)))
	}
	sum := sha256.Sum256(body)
	tag := variantTag(hex.EncodeToString(sum[:hashLen/2]), v)
	p.etag = []string{`W/"` + tag + `"`}
	p.etagGz = []string{`W/"` + tag + `-gz"`}
	copy(p.sum[:], sum[:])
	p.variant = v
	p.hasTokens = slices.Contains(p.slots, false)
	if csp != "" {
		p.csp = []string{csp}
	}

	// The gzip header: magic, deflate, no flags, no time, no extra flags,
	// unknown OS (RFC 1952).
	head := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255}
	// One deflate stream runs through the pieces, each ended by a sync
	// flush (byte-aligned) and the last by the final block. In each slot's
	// place the compressor is fed NUL bytes, whose output is then cut away
	// (the slot travels as a stored block instead): the compressor may refer
	// back into earlier pieces at the right distances, but can never refer
	// into a slot, since HTML holds no NUL bytes, so no match can start or
	// end there. A page that does hold NUL bytes has each piece compressed
	// on its own.
	hasNUL := bytes.IndexByte(body, 0) >= 0
	nuls := make([]byte, tokenLen)
	var out bytes.Buffer
	zw := getDeflater(&out)
	starts := make([]int, 0, len(pieces)+1)
	for i, piece := range pieces {
		if i > 0 {
			if hasNUL {
				zw.Reset(&out)
			} else {
				mark := out.Len()
				_, _ = zw.Write(nuls)
				_ = zw.Flush()
				out.Truncate(mark)
			}
		}
		starts = append(starts, out.Len())
		_, _ = zw.Write(piece)
		if i == len(pieces)-1 {
			_ = zw.Close() // the final block
		} else {
			_ = zw.Flush() // a sync flush: ends byte-aligned
		}
	}
	deflaters.Put(zw)
	starts = append(starts, out.Len())
	// One exactly sized allocation holds the header and every piece.
	all := make([]byte, 0, len(head)+out.Len()+5*(len(pieces)-1))
	all = append(all, head...)
	all = append(all, out.Bytes()[:starts[1]]...)
	p.gzHead = all[:len(all):len(all)]
	for i := 1; i < len(pieces); i++ {
		from := len(all)
		all = append(all, storedBlockHeader(tokenLen)...)
		all = append(all, out.Bytes()[starts[i]:starts[i+1]]...)
		p.gzPieces = append(p.gzPieces, all[from:len(all):len(all)])
	}
	n := len(p.gzHead) + 8
	for _, gp := range p.gzPieces {
		n += len(gp)
	}
	// Each token's stored block carries tokenLen bytes besides its header,
	// which storedBlockHeader already counted into the piece.
	n += tokenLen * (len(pieces) - 1)
	p.gzLength = []string{strconv.Itoa(n)}
	p.crc0 = p.pieceCRC[0]
	return p
}

// deflaters are deflate writers at the best compression, reused: a new
// one allocates about a megabyte, and a site's build makes thousands.
var deflaters sync.Pool

// getDeflater returns a pooled deflate writer writing to w.
func getDeflater(w io.Writer) *flate.Writer {
	if zw, ok := deflaters.Get().(*flate.Writer); ok {
		zw.Reset(w)
		return zw
	}
	zw, _ := flate.NewWriter(w, flate.BestCompression)
	return zw
}

// splitSlots cuts body at every token and attribution mark, in order.
func splitSlots(body []byte, marks Slots) (pieces [][]byte, slots []bool) {
	tokenLen := len(marks.Token)
	for {
		i := bytes.Index(body, []byte(marks.Token))
		j := bytes.Index(body, []byte(marks.Attribution))
		via := j >= 0 && (i < 0 || j < i)
		if via {
			i = j
		}
		if i < 0 {
			return append(pieces, body), slots
		}
		pieces = append(pieces, body[:i])
		slots = append(slots, via)
		body = body[i+tokenLen:]
	}
}

// slotValue is what goes in slot i: the token, or the attribution value.
func (p *Spliced) slotValue(i int, token, via []byte) []byte {
	if p.slots[i] {
		return via
	}
	return token
}

// trailer is the gzip trailer of the page with token and via in its slots.
func (p *Spliced) trailer(token, via []byte) []byte {
	crc := p.crc0
	for i := range p.gzPieces {
		v := p.slotValue(i, token, via)
		crc = p.slotSkip.apply(crc) ^ crc32.ChecksumIEEE(v)
		crc = p.pieceSkip[i+1].apply(crc) ^ p.pieceCRC[i+1]
	}
	return binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(nil, crc), uint32(p.plainLen))
}

// storedBlockHeader starts a non-final stored deflate block of n bytes at a
// byte boundary (RFC 1951 3.2.4): BFINAL=0 and BTYPE=00 in the first three
// bits, padding to the byte, then LEN and its one's complement NLEN.
func storedBlockHeader(n int) []byte {
	return []byte{0, byte(n), byte(n >> 8), ^byte(n), ^byte(n >> 8)}
}

// stampAt returns the token for now's second, computing it (and the gzip
// trailer) only when the second has changed since the last response.
func (p *Spliced) stampAt(issue IssueFunc, now time.Time) *tokenStamp {
	sec := now.Unix()
	if st := p.stamp.Load(); st != nil && st.sec == sec {
		return st
	}
	st := &tokenStamp{sec: sec, token: []byte(issue(p.path, now))}
	st.gzTrailer = p.trailer(st.token, p.marks.BlankAttribution)
	p.stamp.Store(st)
	return st
}

// Serve writes the page with a fresh token, gzipped when the client accepts
// it, or 304 when If-None-Match names the current content. The body is
// written piece by piece; Content-Length is known ahead, so the server
// sends it without chunking.
func (p *Spliced) Serve(w http.ResponseWriter, r *http.Request, issue IssueFunc, now time.Time) {
	p.ServeAttributed(w, r, issue, now, nil)
}

// ServeAttributed is Serve with via (a slot's length, or nil for blank) in
// the page's attribution slots: the share source and personal link the visitor
// arrived with.
func (p *Spliced) ServeAttributed(w http.ResponseWriter, r *http.Request, issue IssueFunc, now time.Time, via []byte) {
	if via == nil {
		via = p.marks.BlankAttribution
	}
	h := w.Header()
	useGz := AcceptsGzip(r.Header["Accept-Encoding"])
	tag, tagGz := p.tagsAt(now)
	etag, length := tag, p.length
	if useGz {
		etag, length = tagGz, p.gzLength
	}
	if h["Vary"] == nil {
		h["Vary"] = hvVary
	}
	h["Etag"] = etag
	h["Cache-Control"] = hvNoCache
	if p.csp != nil {
		h["Content-Security-Policy"] = p.csp
	}
	if inm := r.Header["If-None-Match"]; len(inm) > 0 && etagMatches(inm, tag[0], tagGz[0]) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h["Content-Type"] = hvHTML
	h["Content-Length"] = length
	if useGz {
		h["Content-Encoding"] = hvGzip
	}
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	if len(p.gzPieces) == 0 {
		if useGz {
			_, _ = w.Write(p.gzHead)
			_, _ = w.Write(p.gzTrailerFixed())
		} else {
			p.inflate(w, nil, nil)
		}
		return
	}
	st := p.stampAt(issue, now)
	if useGz {
		trailer := st.gzTrailer
		if !bytes.Equal(via, p.marks.BlankAttribution) {
			trailer = p.trailer(st.token, via)
		}
		_, _ = w.Write(p.gzHead)
		for i, gp := range p.gzPieces {
			_, _ = w.Write(gp[:5]) // the stored block's header
			_, _ = w.Write(p.slotValue(i, st.token, via))
			_, _ = w.Write(gp[5:])
		}
		_, _ = w.Write(trailer)
		return
	}
	p.inflate(w, st.token, via)
}

// flateReaders are readers inflating pages for clients without gzip.
var flateReaders sync.Pool

// inflate writes the plain page with token and via in its slots to w,
// inflating the deflated pieces with the slots' stored blocks between
// them: the very stream a gzip client is sent, without its header and
// trailer.
func (p *Spliced) inflate(w io.Writer, token, via []byte) {
	parts := make([]io.Reader, 0, 1+3*len(p.gzPieces))
	parts = append(parts, bytes.NewReader(p.gzHead[10:]))
	for i, gp := range p.gzPieces {
		parts = append(parts, bytes.NewReader(gp[:5]), bytes.NewReader(p.slotValue(i, token, via)), bytes.NewReader(gp[5:]))
	}
	src := io.MultiReader(parts...)
	zr, _ := flateReaders.Get().(io.ReadCloser)
	if zr == nil {
		zr = flate.NewReader(src)
	} else {
		_ = zr.(flate.Resetter).Reset(src, nil)
	}
	_, _ = io.Copy(w, zr)
	flateReaders.Put(zr)
}

// gzTrailerFixed is the trailer of a page without tokens.
func (p *Spliced) gzTrailerFixed() []byte {
	return binary.LittleEndian.AppendUint32(binary.LittleEndian.AppendUint32(nil, p.crc0), uint32(p.plainLen))
}

// Matches reports whether an If-None-Match header names the page's
// current content, plain or gzipped, as served at now: for a page with
// token slots, with a token issued in now's TokenWindow.
func (p *Spliced) Matches(ifNoneMatch []string, now time.Time) bool {
	tag, tagGz := p.tagsAt(now)
	return etagMatches(ifNoneMatch, tag[0], tagGz[0])
}

// tagsAt are the ETags (plain and gzip) of the page served at now. A page
// without token slots has one pair, of its bytes. A page with token slots
// has one per TokenWindow: the same shape ("<hash>[-v<i>]", weak), the
// hash of the bytes' hash and the window's number, so a rendering is
// named as VariantIn reads it and every instance makes the same tags in
// the same window. They are made once per window.
func (p *Spliced) tagsAt(now time.Time) (etag, etagGz []string) {
	if !p.hasTokens {
		return p.etag, p.etagGz
	}
	win := now.Unix() / int64(TokenWindow/time.Second)
	if t := p.windowTags.Load(); t != nil && t.win == win {
		return t.etag, t.etagGz
	}
	var in [len(p.sum) + 8]byte
	copy(in[:], p.sum[:])
	binary.BigEndian.PutUint64(in[len(p.sum):], uint64(win))
	sum := sha256.Sum256(in[:])
	tag := variantTag(hex.EncodeToString(sum[:hashLen/2]), p.variant)
	t := &windowTags{win: win, etag: []string{`W/"` + tag + `"`}, etagGz: []string{`W/"` + tag + `-gz"`}}
	// Two requests may both make them: either pair is the same.
	p.windowTags.Store(t)
	return t.etag, t.etagGz
}

// Body returns the plain page with tok in every token's place (tests and
// re-use by the sign handler).
func (p *Spliced) Body(tok string) []byte {
	var b bytes.Buffer
	p.inflate(&b, []byte(tok), p.marks.BlankAttribution)
	return b.Bytes()
}

// etagMatches reports whether an If-None-Match header names one of tags (or
// is "*"), comparing weakly as RFC 9110 requires for If-None-Match.
func etagMatches(values []string, tags ...string) bool {
	for _, v := range values {
		for v != "" {
			var tag string
			tag, v, _ = strings.Cut(v, ",")
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			for _, want := range tags {
				if tag == "*" || tag == strings.TrimPrefix(want, "W/") {
					return true
				}
			}
		}
	}
	return false
}
