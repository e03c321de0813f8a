package pagecache

import "strconv"

// A page served in several renderings of the same address (a campaign's
// share-message rotations) names the rendering in its ETags: "<hash>-v2"
// and "<hash>-v2-gz" (W/ for a Spliced page), the hash being of the bytes
// as for every other response. ETags stay deterministic (the same bytes
// and rendering make the same ETag on every instance and after every
// restart), and a revalidating client's If-None-Match says which rendering
// it holds (VariantIn), so the server renders that one and answers 304
// without trying the others: matching a header against the renderings
// themselves would mean rendering each of them, for any client sending a
// made-up header.

// hashLen is how many hex digits of a body's SHA-256 an ETag carries.
const hashLen = 24

// variantTag is tag, an ETag's hash, naming rendering v (none when v < 0).
func variantTag(tag string, v int) string {
	if v < 0 {
		return tag
	}
	return tag + "-v" + strconv.Itoa(v)
}

// VariantIn returns the rendering named by the first ETag in If-None-Match
// values that has exactly the shape of a variant's ("<24 hex digits>-v<i>",
// optionally "-gz", quoted, weak or strong) with i below n; ok is false when
// none has. It does not allocate. Whether the hash is the current
// content's is Serve's question, once the rendering is made.
func VariantIn(values []string, n int) (v int, ok bool) {
	for _, s := range values {
		for s != "" {
			var tag string
			tag, s, _ = cutComma(s)
			if v, ok := variantOf(tag); ok && v < n {
				return v, true
			}
		}
	}
	return 0, false
}

// MaxVariantsLooked is how many ETags of a variant's shape VariantsIn
// looks at in one If-None-Match, whatever its length: a made-up header
// listing thousands costs no more than one listing a few.
const MaxVariantsLooked = 8

// VariantsIn calls yield with the rendering named by each ETag in
// If-None-Match values that has a variant's shape (as VariantIn) with i
// below n, in the order listed, until yield returns false or
// MaxVariantsLooked of them were given. It does not allocate. A client
// holding several renderings lists them all, so the caller can prefer one
// it has already rendered and whose content is current.
func VariantsIn(values []string, n int, yield func(v int) bool) {
	looked := 0
	for _, s := range values {
		for s != "" {
			var tag string
			tag, s, _ = cutComma(s)
			if v, ok := variantOf(tag); ok && v < n {
				if !yield(v) {
					return
				}
				if looked++; looked == MaxVariantsLooked {
					return
				}
			}
		}
	}
}

// cutComma is strings.Cut(s, ",") with the part before trimmed of spaces.
func cutComma(s string) (before, after string, found bool) {
	i := 0
	for i < len(s) && s[i] != ',' {
		i++
	}
	before = s[:i]
	if i < len(s) {
		after, found = s[i+1:], true
	}
	for before != "" && (before[0] == ' ' || before[0] == '\t') {
		before = before[1:]
	}
	for before != "" && (before[len(before)-1] == ' ' || before[len(before)-1] == '\t') {
		before = before[:len(before)-1]
	}
	return before, after, found
}

// variantOf reads the rendering an entity tag names, if it has a
// variant's shape.
func variantOf(tag string) (int, bool) {
	if len(tag) >= 2 && tag[:2] == "W/" {
		tag = tag[2:]
	}
	if len(tag) < hashLen+5 || tag[0] != '"' || tag[len(tag)-1] != '"' {
		return 0, false
	}
	tag = tag[1 : len(tag)-1]
	if len(tag) > 3 && tag[len(tag)-3:] == "-gz" {
		tag = tag[:len(tag)-3]
	}
	for i := range hashLen {
		if c := tag[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return 0, false
		}
	}
	digits := tag[hashLen:]
	if len(digits) < 3 || digits[:2] != "-v" {
		return 0, false
	}
	digits = digits[2:]
	if len(digits) > 4 || (len(digits) > 1 && digits[0] == '0') {
		return 0, false
	}
	v := 0
	for i := range len(digits) {
		c := digits[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// SetVariant names rendering v (0, 1, …) of a page served in several
// renderings in c's ETags. It is for a response not yet shared: a lazy
// one takes it when it is rendered, one a build fills later (Reuse.NewInto)
// when it is filled.
func (c *Response) SetVariant(v int) {
	if c.lazy != nil {
		c.lazy.variant = v + 1
		return
	}
	c.variant = v + 1
	if c.etag != nil { // already filled: name it in the tags made
		hash := c.etag[0][1 : 1+hashLen]
		c.etag = []string{`"` + variantTag(hash, v) + `"`}
		if c.etagGz != nil {
			c.etagGz = []string{`"` + variantTag(hash, v) + `-gz"`}
		}
	}
}
