// Package markdown turns the Markdown organisers write into HTML that is safe
// to place inside a Placard page.
//
// Two layers keep organisers' raw HTML and scripts off the page: goldmark
// renders without its unsafe option (raw HTML is dropped, dangerous link
// schemes are blanked), and the result then passes through a bluemonday
// user-content policy. Images from other origins are removed so a page never
// loads anything from another site, and headings are shifted so that Markdown
// headings nest under the page's own outline.
package markdown

import (
	"bytes"
	"html"
	"html/template"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Options adjust one rendering.
type Options struct {
	// HeadingLevel is the level the shallowest heading in the text becomes:
	// with 3, "# x" (and, in a text whose shallowest heading is "## x", that
	// one) renders as <h3>. Deeper headings keep their relative depth, gaps
	// closed, capped at h6. 0 means 2, so organisers' headings never compete
	// with the page's one h1.
	HeadingLevel int
	// IDPrefix starts every id the text generates (heading anchors and
	// footnotes), so two Markdown blocks on one page never produce the same
	// id. Empty means "md-".
	IDPrefix string
	// ImageURL maps an image path the organiser wrote (such as
	// assets/photo.jpg) to the address the site serves it from. It returns ""
	// for an image it does not know, and the image is then replaced by its
	// alternative text. When nil, relative images are kept as written. Images
	// on other sites are always removed, whatever ImageURL says.
	ImageURL func(src string) string
	// ImageSize, when set, is asked for each image ImageURL kept, with the
	// path the organiser wrote, and gives the img's width, height, srcset
	// and sizes (zero values are left out), so a picture in the text fits
	// the screen like the others on the page. The srcset may name only
	// addresses under /static/.
	ImageSize func(src string) ImageSize
	// Verbatim keeps quotes and dashes as typed: ' stays ' and -- stays --,
	// for text that is signed or quoted word for word (an open letter, a
	// press statement). Otherwise they become typographic (’ “ ” – —).
	Verbatim bool
}

// ImageSize is what Options.ImageSize tells of a picture in the text.
type ImageSize struct {
	Width, Height int
	SrcSet, Sizes string
}

// Renderer converts Markdown to sanitised HTML. It is safe for concurrent
// use; build one with New and share it.
type Renderer struct {
	md       goldmark.Markdown // with typographic quotes and dashes
	verbatim goldmark.Markdown // the same, keeping every character as typed
	policy   *bluemonday.Policy
}

const prefixAttr = "placard-id-prefix"

// New builds a Renderer with GitHub-flavoured Markdown, footnotes and
// typographic quotes (unless Options.Verbatim). Raw HTML in the source is
// never passed through.
func New() *Renderer {
	return &Renderer{md: newMarkdown(true), verbatim: newMarkdown(false), policy: newPolicy()}
}

// newMarkdown builds the goldmark converter, with the typographer when smart.
func newMarkdown(smart bool) goldmark.Markdown {
	exts := []goldmark.Extender{
		extension.GFM,
		extension.NewFootnote(extension.WithFootnoteIDPrefixFunction(func(n ast.Node) []byte {
			return []byte(docPrefix(n))
		})),
	}
	if smart {
		exts = append(exts, extension.Typographer)
	}
	return goldmark.New(
		goldmark.WithExtensions(exts...),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		// No html.WithUnsafe: goldmark then omits raw HTML and blanks
		// javascript:, vbscript: and data: links.
	)
}

// docPrefix finds the id prefix stored on the document that holds n.
func docPrefix(n ast.Node) string {
	for ; n != nil; n = n.Parent() {
		if d, ok := n.(*ast.Document); ok {
			if v, ok := d.AttributeString(prefixAttr); ok {
				if s, ok := v.(string); ok {
					return s
				}
			}
		}
	}
	return "md-"
}

// relValue lets only the link relations Placard itself adds through.
var relValue = regexp.MustCompile(`^(?:nofollow|noopener|noreferrer)(?: (?:nofollow|noopener|noreferrer))*$`)

// localSrc matches an image address on this site: a path, never a scheme or
// a protocol-relative //host address.
var localSrc = regexp.MustCompile(`^(?:/(?:[^/\\]|$)|[A-Za-z0-9._~%-][^:\\]*$)`)

// localSrcSet matches a srcset of this site's hashed files with width
// descriptors ("/static/a-480w.HASH.jpg 480w, /static/a.HASH.jpg 1200w").
var localSrcSet = regexp.MustCompile(`^/static/[^\s,]+ [1-9][0-9]*w(?:, /static/[^\s,]+ [1-9][0-9]*w)*$`)

// sizesValue matches the sizes values the site writes: media conditions
// and lengths, without quotes, brackets or anything that ends an attribute.
var sizesValue = regexp.MustCompile(`^[a-z0-9 .,:()%+-]+$`)

func newPolicy() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	// UGC adds nofollow to every link; links within the site need none.
	p.RequireNoFollowOnLinks(false)
	p.RequireNoFollowOnFullyQualifiedLinks(true)
	p.AllowAttrs("rel").Matching(relValue).OnElements("a")
	// Replace UGC's image rule: only images served by this site.
	p.AllowAttrs("src").Matching(localSrc).OnElements("img")
	p.AllowAttrs("srcset").Matching(localSrcSet).OnElements("img")
	p.AllowAttrs("sizes").Matching(sizesValue).OnElements("img")
	p.AllowAttrs("width", "height").Matching(bluemonday.NumberOrPercent).OnElements("img")
	p.AllowAttrs("dir").Matching(regexp.MustCompile(`^(?:ltr|rtl|auto)$`)).Globally()
	return p
}

// HTML renders src as sanitised HTML.
func (r *Renderer) HTML(src string, opt Options) template.HTML {
	if strings.TrimSpace(src) == "" {
		return ""
	}
	prefix := opt.IDPrefix
	if prefix == "" {
		prefix = "md-"
	}
	md := r.md
	if opt.Verbatim {
		md = r.verbatim
	}
	source := []byte(src)
	ctx := parser.NewContext(parser.WithIDs(newIDs(prefix)))
	doc := md.Parser().Parse(text.NewReader(source), parser.WithContext(ctx))
	doc.SetAttributeString(prefixAttr, prefix)
	shiftHeadings(doc, opt.HeadingLevel)
	fixLinksAndImages(doc, source, opt.ImageURL, opt.ImageSize)
	var buf bufWriter
	if err := md.Renderer().Render(&buf, source, doc); err != nil {
		// Rendering into a bytes.Buffer cannot fail for I/O reasons; a
		// failure here is a goldmark bug, and showing nothing is safer than
		// showing half a document.
		return ""
	}
	// The sanitiser is the second line of defence: whatever goldmark let
	// through, only the UGC policy's elements and attributes survive.
	return template.HTML(r.policy.SanitizeBytes(buf.Bytes())) //nolint:gosec // sanitised above
}

// bufWriter is a bytes.Buffer goldmark writes into directly: it wraps any
// other writer in a 4 KB bufio.Writer of its own for each text, 5% of the
// memory a site's build allocates (issue 12).
type bufWriter struct{ bytes.Buffer }

// Buffered is what is written but not yet flushed: nothing.
func (*bufWriter) Buffered() int { return 0 }

// Flush has nothing to do.
func (*bufWriter) Flush() error { return nil }

// shiftHeadings moves every heading so the shallowest becomes base, closing
// gaps (# then ### become base, base+1) and capping at 6.
func shiftHeadings(doc ast.Node, base int) {
	if base <= 0 {
		base = 2
	}
	if base > 6 {
		base = 6
	}
	var heads []*ast.Heading
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			heads = append(heads, h)
		}
		return ast.WalkContinue, nil
	})
	if len(heads) == 0 {
		return
	}
	// Distinct levels in use, in order, map to base, base+1, …
	var used [7]bool
	for _, h := range heads {
		used[h.Level] = true
	}
	var to [7]int
	next := base
	for l := 1; l <= 6; l++ {
		if used[l] {
			to[l] = min(next, 6)
			next++
		}
	}
	for _, h := range heads {
		h.Level = to[h.Level]
	}
}

// fixLinksAndImages marks links to other sites noopener and removes images
// that are not served by this site, putting their alternative text in place.
func fixLinksAndImages(doc ast.Node, source []byte, imageURL func(string) string, imageSize func(string) ImageSize) {
	var drop []*ast.Image
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			if isExternal(string(n.Destination)) {
				n.SetAttributeString("rel", []byte("noopener"))
			}
		case *ast.AutoLink:
			// AutoLinks cannot carry attributes; bluemonday adds nofollow.
		case *ast.Image:
			dest := string(n.Destination)
			switch {
			case isExternal(dest) || !localSrc.MatchString(dest):
				drop = append(drop, n)
			case imageURL != nil:
				if u := imageURL(dest); u != "" {
					n.Destination = []byte(u)
					if imageSize != nil {
						setImageSize(n, imageSize(dest))
					}
				} else {
					drop = append(drop, n)
				}
			}
		}
		return ast.WalkContinue, nil
	})
	for _, img := range drop {
		alt := plainText(img, source)
		parent := img.Parent()
		if parent == nil {
			continue
		}
		if alt != "" {
			parent.InsertBefore(parent, img, ast.NewString([]byte(alt)))
		}
		parent.RemoveChild(parent, img)
	}
}

// setImageSize writes what s knows onto img's attributes.
func setImageSize(img *ast.Image, s ImageSize) {
	if s.Width > 0 && s.Height > 0 {
		img.SetAttributeString("width", []byte(strconv.Itoa(s.Width)))
		img.SetAttributeString("height", []byte(strconv.Itoa(s.Height)))
	}
	if s.SrcSet != "" && localSrcSet.MatchString(s.SrcSet) {
		img.SetAttributeString("srcset", []byte(s.SrcSet))
		if s.Sizes != "" {
			img.SetAttributeString("sizes", []byte(s.Sizes))
		}
	}
}

// isExternal reports whether dest names another site: it has a scheme or
// starts with //.
func isExternal(dest string) bool {
	if strings.HasPrefix(dest, "//") || strings.HasPrefix(dest, `\\`) || strings.HasPrefix(dest, `/\`) {
		return true
	}
	u, err := url.Parse(dest)
	if err != nil {
		return true
	}
	return u.Scheme != "" || u.Host != ""
}

// ids generates heading ids with a prefix, numbering repeats.
type ids struct {
	prefix string
	used   map[string]bool
}

func newIDs(prefix string) *ids { return &ids{prefix: prefix, used: map[string]bool{}} }

// Generate makes an id from a heading's text: ASCII letters and digits
// lower-cased, spaces and hyphens kept as hyphens, everything else dropped.
func (s *ids) Generate(value []byte, kind ast.NodeKind) []byte {
	var b strings.Builder
	b.WriteString(s.prefix)
	n := 0
	for _, c := range bytes.TrimSpace(value) {
		switch {
		case c >= 'A' && c <= 'Z':
			b.WriteByte(c + 'a' - 'A')
			n++
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			b.WriteByte(c)
			n++
		case c == ' ' || c == '-' || c == '_':
			b.WriteByte('-')
			n++
		}
	}
	if n == 0 {
		b.WriteString("section")
	}
	id := b.String()
	if s.used[id] {
		for i := 2; ; i++ {
			cand := id + "-" + strconv.Itoa(i)
			if !s.used[cand] {
				id = cand
				break
			}
		}
	}
	s.used[id] = true
	return []byte(id)
}

// Put records an id the organiser wrote themselves.
func (s *ids) Put(value []byte) { s.used[string(value)] = true }

// PlainText returns the first paragraph of src as plain text, with Markdown
// formatting removed and whitespace collapsed, for summaries, cards and
// meta descriptions. It returns "" when src has no paragraph.
func (r *Renderer) PlainText(src string) string { return r.plain(r.md, src) }

// PlainTextAs is PlainText with quotes and dashes kept as typed when
// verbatim (see Options.Verbatim).
func (r *Renderer) PlainTextAs(src string, verbatim bool) string {
	if verbatim {
		return r.plain(r.verbatim, src)
	}
	return r.plain(r.md, src)
}

func (r *Renderer) plain(md goldmark.Markdown, src string) string {
	source := []byte(src)
	doc := md.Parser().Parse(text.NewReader(source))
	var first ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && first == nil && n.Kind() == ast.KindParagraph {
			first = n
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	if first == nil {
		return ""
	}
	return plainText(first, source)
}

// plainText concatenates the text under n, with line breaks as spaces and
// runs of whitespace collapsed.
func plainText(n ast.Node, source []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(source))
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			if c.IsCode() {
				// Typographer output such as &rsquo; is an entity.
				b.WriteString(html.UnescapeString(string(c.Value)))
			} else {
				b.Write(c.Value)
			}
		case *ast.AutoLink:
			b.Write(c.Label(source))
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.Join(strings.Fields(b.String()), " ")
}

// Truncate shortens s to at most max characters, cutting at a word boundary
// and adding an ellipsis, for meta descriptions and cards.
func Truncate(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	cut := string(r[:max-1])
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:.-–—") + "…"
}
