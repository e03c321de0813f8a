package campaign

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // registers GIF for image.DecodeConfig
	_ "image/jpeg" // registers JPEG for image.DecodeConfig
	_ "image/png"  // registers PNG for image.DecodeConfig
	"io"
	"io/fs"
	"math"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"

	_ "golang.org/x/image/webp" // registers WebP for image.DecodeConfig

	"github.com/placard/placard/internal/imagesizes"
	"github.com/placard/placard/internal/spell"
)

// maxAssetSize bounds one file from an organisation's folder. Pages load
// pictures from memory and readers may be on slow, metered connections.
const maxAssetSize = 20 << 20

// maxPictureSize is the size above which a picture gets a warning.
const maxPictureSize = 1 << 20

// fileType is what Placard knows about a kind of file, by its extension.
type fileType struct {
	contentType string
	image       bool
	format      string // what image.DecodeConfig calls it, for PNG, JPEG, GIF and WebP
}

// fileTypes lists every file an organisation's folder may serve, by
// extension. The content type comes from this table, not the operating
// system's, so a load gives the same answer on every machine.
var fileTypes = map[string]fileType{
	".png":  {"image/png", true, "png"},
	".jpg":  {"image/jpeg", true, "jpeg"},
	".jpeg": {"image/jpeg", true, "jpeg"},
	".gif":  {"image/gif", true, "gif"},
	".svg":  {"image/svg+xml", true, ""},
	".webp": {"image/webp", true, "webp"},
	".pdf":  {"application/pdf", false, ""},
	".txt":  {"text/plain; charset=utf-8", false, ""},
	".csv":  {"text/csv; charset=utf-8", false, ""},
	".rtf":  {"application/rtf", false, ""},
	".odt":  {"application/vnd.oasis.opendocument.text", false, ""},
	".ods":  {"application/vnd.oasis.opendocument.spreadsheet", false, ""},
	".odp":  {"application/vnd.oasis.opendocument.presentation", false, ""},
	".doc":  {"application/msword", false, ""},
	".docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", false, ""},
	".xls":  {"application/vnd.ms-excel", false, ""},
	".xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", false, ""},
	".ppt":  {"application/vnd.ms-powerpoint", false, ""},
	".pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation", false, ""},
	".epub": {"application/epub+zip", false, ""},
	".zip":  {"application/zip", false, ""},
	".mp3":  {"audio/mpeg", false, ""},
	".m4a":  {"audio/mp4", false, ""},
	".ogg":  {"audio/ogg", false, ""},
	".mp4":  {"video/mp4", false, ""},
	".webm": {"video/webm", false, ""},
}

const imageTypesText = "PNG, JPEG, GIF, SVG or WebP"
const fileTypesText = "a PDF, a picture, an office document (odt, docx, xlsx, pptx, …), text, csv, epub, zip, mp3, m4a, ogg, mp4 or webm"

// asset checks the file src that the setting key names (at w) and returns it
// read into an Asset, or nil after reporting why it cannot be used. Each file
// is read once per organisation: a second reference returns the same Asset.
// images limits the file to pictures.
func (c *checker) asset(src string, w where, key string, images bool) *Asset {
	of := c.of
	src = strings.TrimSpace(src)
	folder := c.l.display(of.org.Slug)
	lower := strings.ToLower(src)
	example := "assets/report.pdf"
	if images {
		example = "assets/photo.jpg"
	}
	switch {
	case strings.Contains(lower, "://") || strings.HasPrefix(lower, "www."):
		c.errorf(w, "'%s' must be a file in the organisation's folder, such as %s, not a web address — save the file into %s/assets/ and write its path", key, example, folder)
		return nil
	case strings.Contains(src, `\`):
		c.errorf(w, "'%s' must use forward slashes — write %s", key, strings.ReplaceAll(src, `\`, "/"))
		return nil
	case strings.HasPrefix(src, "/") || len(src) > 1 && src[1] == ':':
		c.errorf(w, "'%s' must be a path inside the organisation's folder (%s), such as %s, not a path from the top of the computer", key, folder, example)
		return nil
	case slices.Contains(strings.Split(src, "/"), ".."):
		c.errorf(w, "'%s' must name a file inside the organisation's folder (%s) — '..' leads out of it: copy the file into the folder", key, folder)
		return nil
	case strings.ContainsFunc(src, unicode.IsControl):
		// A line break in a file's address would split the lines of a
		// static copy's _headers file, and no page can link to it.
		c.errorf(w, "'%s' names a file whose name holds a line break or another invisible control character — rename the file with letters, digits and hyphens, such as %s", key, example)
		return nil
	}
	clean := path.Clean(src)
	if !fs.ValidPath(clean) || clean == "." {
		c.errorf(w, "'%s' must name a file inside the organisation's folder, such as %s — got %s", key, example, quoteValue(src))
		return nil
	}
	ext := strings.ToLower(path.Ext(clean))
	ft, known := fileTypes[ext]
	if images && !ft.image {
		c.errorf(w, "'%s' must be a picture (%s) — %s is not one", key, imageTypesText, quoteValue(path.Base(clean)))
		return nil
	}
	if !known {
		c.errorf(w, "'%s' must be %s — Placard does not serve %s files", key, fileTypesText, quoteValue(ext))
		return nil
	}
	if a := of.org.Assets[clean]; a != nil {
		return a
	}
	full := path.Join(of.dir, clean)
	linkProblem := func(lp *linkProblem) {
		subject := fmt.Sprintf("'%s' names %s, a link", key, clean)
		if lp.link != full {
			subject = fmt.Sprintf("'%s' names %s, but %s is a link", key, clean, c.l.shownLink(lp))
		}
		c.errorf(w, "%s", linkMessage(lp, subject, "copy the file itself into "+c.l.display(path.Join(of.org.Slug, path.Dir(clean)))))
	}
	resolved, lp := c.l.resolveLinks(full)
	if lp != nil {
		linkProblem(lp)
		return nil
	}
	if !c.exists(clean, w, key) {
		return nil
	}
	f, info, err := c.l.openChecked(c.l.display(path.Join(of.org.Slug, clean)), resolved)
	switch {
	case err != nil:
		if lp := c.l.followLinks(full); lp != nil { // it changed since the check
			linkProblem(lp)
		} else {
			c.errorf(w, "%s cannot be read: %s", clean, readCause(err))
		}
		return nil
	case info.IsDir():
		c.errorf(w, "'%s' names the folder %s — name a file inside it", key, clean)
		return nil
	case f == nil:
		c.errorf(w, "'%s' names %s, which is not an ordinary file (a device or a pipe) — put the file itself there", key, clean)
		return nil
	}
	tooLarge := func(size string) {
		hint := ""
		if ft.image {
			hint = " (for a picture, 2000 pixels wide is plenty)"
		}
		c.errorf(w, "%s is %s, over the 20 MB limit for a file — make it smaller%s", clean, size, hint)
	}
	if info.Size() > maxAssetSize {
		f.Close()
		tooLarge(sizeText(info.Size()))
		return nil
	}
	data, err := readLimited(f, info, maxAssetSize)
	if errors.Is(err, errGrown) {
		tooLarge("more than 20 MB")
		return nil
	}
	if err != nil {
		c.errorf(w, "%s cannot be read: %s", clean, readCause(err))
		return nil
	}
	if ft.format != "" {
		// Served without what the camera wrote into it: where a
		// protest photo was taken (GPS), by which camera (its serial),
		// an uncropped thumbnail (imagesizes.Strip).
		data = imagesizes.Strip(data)
	}
	sum := sha256.Sum256(data)
	a := &Asset{Path: clean, Data: data, Hash: hex.EncodeToString(sum[:])[:12], ContentType: ft.contentType}
	switch {
	case ft.format != "":
		cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			c.errorf(w, "%s is not a picture Placard can read — open it in an image editor and export it again as %s", clean, formatName(ft.format))
			return nil
		}
		if format != ft.format {
			c.warnf(w, "%s is really a %s picture, not %s — rename it to %s so browsers are told the right type", clean, formatName(format), formatName(ft.format), strings.TrimSuffix(clean, path.Ext(clean))+"."+strings.Replace(format, "jpeg", "jpg", 1))
			a.ContentType = "image/" + format
		}
		// As browsers show it: a phone photo turned by its EXIF
		// orientation is laid out upright.
		a.Width, a.Height = imagesizes.Displayed(data, cfg.Width, cfg.Height)
		if imagesizes.Check(data) != nil || format == "webp" && riffCutShort(data) {
			// Its header reads, so only the copies for phones would
			// fail: on their first request, or in placard build. A
			// warning, not an error: browsers often show such a file
			// (they forgive more than Go's decoders), and a picture a
			// site already serves must not stop it loading after an
			// upgrade. It is served as it is, with no copies.
			c.warnf(w, "%s is damaged: the picture in it is cut short or broken (a download or copy that did not finish), so phones get it whole and some browsers show only part of it — open it in an image editor and export it again as %s", clean, formatName(format))
			a.NoCopies = true
		}
		if int64(cfg.Width)*int64(cfg.Height) > imagesizes.MaxPixels {
			// Served as it is: no copies are made, and a phone cannot
			// hold it decoded (a header may claim 60,000 × 60,000).
			c.warnf(w, "%s is %d × %d pixels, more than phones can show (and Placard makes smaller copies of pictures up to 25 megapixels only) — make it at most 2000 pixels wide", clean, cfg.Width, cfg.Height)
		}
	case ext == ".svg":
		wd, ht, bad, err := svgInfo(data)
		if err != nil {
			c.errorf(w, "%s is not an SVG picture Placard can read (%v) — export it again from your drawing program", clean, err)
			return nil
		}
		if bad != "" {
			c.errorf(w, "%s contains %s, which could run code on the site — export it again without scripts, or use a PNG", clean, bad)
			return nil
		}
		a.Width, a.Height = wd, ht
	}
	if ft.image && info.Size() > maxPictureSize {
		c.warnf(w, "%s is %s — pictures this large load slowly on phones: keep them under 1 MB (a JPEG saved at 80%% quality, 2000 pixels wide at most, usually is)", clean, sizeText(info.Size()))
	}
	if strings.ContainsAny(clean, "*:") {
		// serve answers it, but `placard build` refuses it: static
		// hosts read a * or a colon in a _headers rule's path as a
		// pattern (cmd/placard's patternFree). Said here, so the
		// organiser learns it before the export.
		c.warnf(w, "%s has a * or a colon in its name, so `placard build` cannot write it into a static copy (static hosts read them as patterns in their header rules) — rename the file with letters, digits and hyphens, such as %s, and change '%s' to the new name", clean, patternFreeName(clean), key)
	}
	of.org.Assets[clean] = a
	return a
}

// patternFreeName is clean without its *s and with each colon a hyphen:
// a name to suggest for a file whose name build refuses.
func patternFreeName(clean string) string {
	return strings.NewReplacer("*", "", ":", "-").Replace(clean)
}

// formatName is how organisers know a picture format: JPEG, PNG, GIF, WebP.
func formatName(format string) string {
	if format == "webp" {
		return "WebP"
	}
	return strings.ToUpper(format)
}

// riffCutShort reports whether a RIFF file (a WebP) holds fewer bytes than
// its header says: its header reads, but the picture is cut short.
func riffCutShort(data []byte) bool {
	return len(data) < 8 || uint64(binary.LittleEndian.Uint32(data[4:8]))+8 > uint64(len(data))
}

// exists checks, one folder at a time, that clean names an entry in the
// organisation's folder with exactly that spelling, so a load that passes on
// a computer whose file names ignore case also passes on the server. It
// reports a missing name with the closest name that does exist.
func (c *checker) exists(clean string, w where, key string) bool {
	dir := c.of.dir
	parts := strings.Split(clean, "/")
	for i, p := range parts {
		entries, ok := c.of.listing[dir]
		if !ok {
			entries, _ = c.l.readDir(dir)
			c.of.listing[dir] = entries
		}
		names := make([]string, 0, len(entries))
		found := false
		for _, e := range entries {
			if i < len(parts)-1 && !e.IsDir() && e.Type()&fs.ModeSymlink == 0 || ignoredAsset(e.Name()) {
				continue
			}
			if e.Name() == p {
				found = true
				break
			}
			names = append(names, e.Name())
		}
		if !found {
			shown := c.l.display(path.Join(c.of.org.Slug, path.Join(parts[:i]...)))
			what := "file"
			if i < len(parts)-1 {
				what = "folder"
			}
			msg := fmt.Sprintf("'%s' names %s, but there is no %s %s in %s", key, clean, what, quoteValue(p), shown)
			if s := closestName(p, names); s != "" {
				msg += " — did you mean " + quoteValue(s) + "?"
			} else {
				msg += " — check the spelling, or copy the file there"
			}
			c.errorf(w, "%s", msg)
			return false
		}
		dir = path.Join(dir, p)
	}
	return true
}

func ignoredAsset(name string) bool { return strings.HasPrefix(name, ".") }

// closestName finds the file name a mistyped one most likely meant: the same
// name in other letter case, else a near spelling.
func closestName(p string, names []string) string {
	for _, n := range names {
		if strings.EqualFold(n, p) {
			return n
		}
	}
	best, bestD := "", 1<<30
	for _, n := range names {
		if d := spell.Distance(p, n); d < bestD {
			best, bestD = n, d
		}
	}
	if bestD <= max(2, len([]rune(p))/4) {
		return best
	}
	return ""
}

// svgInfo reads an SVG's declared size (width and height, else the viewBox)
// and reports the first thing in it that could run code in a browser: a
// script element, a foreignObject, an on… event attribute or a javascript:
// address. Those are refused because an SVG opened on its own is a page of
// the site's origin.
func svgInfo(data []byte) (w, h int, unsafe string, err error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false
	d.Entity = xml.HTMLEntity
	root := true
	for {
		tok, terr := d.Token()
		if terr != nil {
			if root {
				if errors.Is(terr, io.EOF) {
					return 0, 0, "", fmt.Errorf("it has no <svg> element")
				}
				line, _ := d.InputPos()
				return 0, 0, "", fmt.Errorf("it is not well-formed XML at its line %d", line)
			}
			if errors.Is(terr, io.EOF) {
				return w, h, unsafe, nil
			}
			line, _ := d.InputPos()
			return 0, 0, "", fmt.Errorf("it is not well-formed XML at its line %d", line)
		}
		if dir, ok := tok.(xml.Directive); ok && unsafe == "" {
			unsafe = svgEntities(dir, d)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		name := strings.ToLower(se.Name.Local)
		if root {
			root = false
			if name != "svg" {
				return 0, 0, "", fmt.Errorf("it starts with <%s>, not <svg>", se.Name.Local)
			}
			var vb string
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "width":
					w = svgLength(a.Value)
				case "height":
					h = svgLength(a.Value)
				case "viewBox":
					vb = a.Value
				}
			}
			if w == 0 || h == 0 {
				w, h = 0, 0
				f := strings.FieldsFunc(vb, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '\n' })
				if len(f) == 4 {
					vw, e1 := strconv.ParseFloat(f[2], 64)
					vh, e2 := strconv.ParseFloat(f[3], 64)
					if e1 == nil && e2 == nil && vw > 0 && vh > 0 && vw < 1e6 && vh < 1e6 {
						w, h = int(math.Round(vw)), int(math.Round(vh))
					}
				}
			}
		}
		if unsafe != "" {
			continue
		}
		switch name {
		case "script", "foreignobject", "iframe", "embed", "object", "handler", "listener":
			unsafe = "a <" + se.Name.Local + "> element"
			continue
		}
		if se.Name.Space == "http://www.w3.org/1999/xhtml" {
			unsafe = "an HTML <" + se.Name.Local + "> element"
			continue
		}
		for _, a := range se.Attr {
			an := strings.ToLower(a.Name.Local)
			if strings.HasPrefix(an, "on") {
				unsafe = "an " + a.Name.Local + " attribute"
				break
			}
			if scriptURL(a.Value) {
				unsafe = "a javascript: link"
				break
			}
			if an == "attributename" && strings.HasSuffix(strings.ToLower(strings.TrimSpace(a.Value)), "href") {
				// <set>, <animate>: a link that becomes javascript: later.
				unsafe = "an animation that changes a link"
				break
			}
		}
	}
}

// entityDecl is one general entity a DOCTYPE declares with its text in
// quotes, such as drawing programs write for their namespaces.
var entityDecl = regexp.MustCompile(`<!ENTITY\s+([A-Za-z_:][-A-Za-z0-9._:]*)\s+(?:"([^"<&%]*)"|'([^'<&%]*)')\s*>`)

// svgEntities reads the entities a DOCTYPE (dir) declares into d, so that
// the attributes using them are checked as browsers read them, and
// returns what makes the picture unsafe: an entity it cannot check (one
// made of markup or other entities, a parameter or external entity),
// which browsers would expand.
func svgEntities(dir []byte, d *xml.Decoder) string {
	n := bytes.Count(dir, []byte("<!ENTITY"))
	if n == 0 {
		return ""
	}
	decls := entityDecl.FindAllSubmatch(dir, -1)
	if len(decls) != n {
		return "an <!ENTITY> declaration made of markup or other entities"
	}
	ents := make(map[string]string, len(xml.HTMLEntity)+n)
	for k, v := range d.Entity {
		ents[k] = v
	}
	for _, m := range decls {
		ents[string(m[1])] = string(m[2]) + string(m[3])
	}
	d.Entity = ents
	return ""
}

// scriptURL reports whether v is an address that runs code, as a browser
// reads it: ASCII tabs, newlines and spaces anywhere in the scheme are
// dropped, and case does not matter.
func scriptURL(v string) bool {
	var b strings.Builder
	for _, r := range v {
		if r <= ' ' {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
		if b.Len() >= len("javascript:") {
			break
		}
	}
	s := b.String()
	return strings.HasPrefix(s, "javascript:") || strings.HasPrefix(s, "vbscript:")
}

// svgLength reads a width or height in pixels ("120", "120px", "120.5"); any
// other unit (%, em, mm) gives 0.
func svgLength(s string) int {
	s = strings.TrimSuffix(strings.TrimSpace(s), "px")
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f <= 0 || f >= 1e6 {
		return 0
	}
	return int(math.Round(f))
}
