package campaign_test

import (
	"strings"
	"testing"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/campaign/campaigntest"
)

// TestSVGThatRunsCode: an organisation's SVG picture that can run code is
// refused with its file, line and column, however the code is written.
// Attack: the checker looked for <script>, <foreignObject>, on…
// attributes and href values beginning "javascript:", so a picture could
// still run code in the site's origin when opened at its own address on a
// static copy whose host sends no Content-Security-Policy: a tab inside
// the scheme ("java&#9;script:", which browsers drop), an animation that
// sets href to a javascript: address (<set>, <animate>), or an entity
// declared in the DOCTYPE that expands to one. Another organisation on a
// shared site is whom it would hurt. Harmless pictures, animations
// included, still load.
func TestSVGThatRunsCode(t *testing.T) {
	const open = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="1200" height="630">`
	for _, c := range []struct {
		name, svg string
		bad       bool
	}{
		{"plain", open + `<rect width="10" height="10"/></svg>`, false},
		{"animated", open + `<rect width="10" height="10"><animate attributeName="opacity" values="0;1" dur="2s"/></rect></svg>`, false},
		{"embedded raster", open + `<image href="data:image/png;base64,iVBORw0KGgo="/></svg>`, false},
		{"a link", open + `<a href="https://riverside.example/"><rect width="10" height="10"/></a></svg>`, false},
		{"script", open + `<script>alert(1)</script></svg>`, true},
		{"onload", open + `<rect onload="alert(1)"/></svg>`, true},
		{"javascript link", open + `<a href="javascript:alert(1)"><rect/></a></svg>`, true},
		{"tab in the scheme", open + `<a xlink:href="java&#9;script:alert(1)"><rect/></a></svg>`, true},
		{"newline in the scheme", open + "<a href=\"java\nscript:alert(1)\"><rect/></a></svg>", true},
		{"set href", open + `<a><set attributeName="href" to="javascript:alert(1)"/><rect/></a></svg>`, true},
		{"animate xlink:href", open + `<a><animate attributeName="xlink:href" values="javascript:alert(1)"/><rect/></a></svg>`, true},
		{"entity", `<!DOCTYPE svg [<!ENTITY x "javascript:alert(1)">]>` + open + `<a href="&x;"><rect/></a></svg>`, true},
		{"entity made of entities", `<!DOCTYPE svg [<!ENTITY a "java"><!ENTITY b "script:alert(1)"><!ENTITY x "&a;&b;">]>` + open + `<a href="&x;"><rect/></a></svg>`, true},
		{"markup entity", `<!DOCTYPE svg [<!ENTITY x "<script>alert(1)</script>">]>` + open + `&x;</svg>`, true},
		{"parameter entity", `<!DOCTYPE svg [<!ENTITY % p "<!ENTITY x 'javascript:alert(1)'>"> %p;]>` + open + `<a href="&x;"><rect/></a></svg>`, true},
		{"drawing program's entities", `<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [
	<!ENTITY ns_extend "http://ns.adobe.com/Extensibility/1.0/">
	<!ENTITY ns_ai "http://ns.adobe.com/AdobeIllustrator/10.0/">
]>` + `<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="&ns_extend;" xmlns:i="&ns_ai;" width="1200" height="630"><rect width="10" height="10"/></svg>`, false},
		{"html iframe", open + `<iframe xmlns="http://www.w3.org/1999/xhtml" src="javascript:alert(1)"/></svg>`, true},
	} {
		files := campaigntest.Files{
			"civic/org.yaml":        "name: Civic\nlogo:\n  src: assets/logo.svg\n  alt: Civic\n",
			"civic/assets/logo.svg": c.svg,
		}
		_, probs := campaign.LoadFS(files.FS(), ".")
		var found string
		for _, p := range probs.Errors() {
			if s := p.String(); strings.Contains(s, "could run code") {
				found = s
			}
		}
		switch {
		case c.bad && found == "":
			t.Errorf("%s: loaded without a problem (%v), want one saying it could run code", c.name, probs)
		case c.bad && !strings.HasPrefix(found, "civic/org.yaml:3:8:"):
			t.Errorf("%s: %q, want it at civic/org.yaml:3:8", c.name, found)
		case !c.bad && len(probs.Errors()) > 0:
			t.Errorf("%s: a harmless picture is refused: %v", c.name, probs)
		}
	}
}

// TestAssetNameWithLineBreak: a file whose name holds a line break is
// refused at the setting naming it. Attack: a campaign's picture named
// "evil\n  Access-Control-Allow-Origin: *\nx.jpg" loaded without a
// problem, vanished from its page (no address can hold it), and its name,
// written as it was into a static copy's _headers, added header lines
// there.
func TestAssetNameWithLineBreak(t *testing.T) {
	files := campaigntest.Files{
		"civic/org.yaml": "name: Civic\nlogo:\n  src: \"assets/evil\\n  Access-Control-Allow-Origin: *\\nx.svg\"\n  alt: Civic\n",
		"civic/assets/evil\n  Access-Control-Allow-Origin: *\nx.svg": `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`,
	}
	_, probs := campaign.LoadFS(files.FS(), ".")
	var found string
	for _, p := range probs.Errors() {
		if s := p.String(); strings.Contains(s, "line break") {
			found = s
		}
	}
	if !strings.HasPrefix(found, "civic/org.yaml:3:8:") {
		t.Errorf("problems %v, want one at civic/org.yaml:3:8 saying the name holds a line break", probs)
	}
}

// TestControlCharacterAt: an invisible control character in a campaign
// file (a form feed or NUL pasted from a PDF) is reported at its line and
// column with what to do; the YAML library's own message named neither.
func TestControlCharacterAt(t *testing.T) {
	for _, ch := range []string{"\x00", "\x0c", "\x1b", "\uFFFE"} {
		files := campaigntest.Files{
			"civic/org.yaml":    "name: Civic\n",
			"civic/notice.yaml": "title: A notice\nsummary: Read" + ch + " it.\ndate: 2026-01-05\n",
		}
		_, probs := campaign.LoadFS(files.FS(), ".")
		var found string
		for _, p := range probs.Errors() {
			if s := p.String(); strings.Contains(s, "control character") {
				found = s
			}
		}
		if !strings.HasPrefix(found, "civic/notice.yaml:2:14:") || !strings.Contains(found, "delete it") {
			t.Errorf("%q: problems %v, want one at civic/notice.yaml:2:14 saying to delete it", ch, probs)
		}
	}
}
