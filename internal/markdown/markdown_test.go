package markdown

import (
	"html"
	"strings"
	"testing"
)

func render(t *testing.T, src string, opt Options) string {
	t.Helper()
	return string(New().HTML(src, opt))
}

func TestRawHTMLNeverReachesOutput(t *testing.T) {
	cases := []string{
		"<script>alert(1)</script>",
		"Hello <script>alert(1)</script> there",
		"<img src=x onerror=alert(1)>",
		"<iframe src=\"https://evil.example\"></iframe>",
		"[click](javascript:alert(1))",
		"[click](JaVaScRiPt:alert(1))",
		"<a href=\"javascript:alert(1)\">x</a>",
		"<div onclick=\"alert(1)\">x</div>",
		"<style>body{display:none}</style>",
		"[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
		"<svg onload=alert(1)>",
		"`<script>` in code is text",
		"<form action=https://evil.example><input name=a></form>",
	}
	for _, src := range cases {
		out := strings.ToLower(render(t, src, Options{}))
		for _, bad := range []string{"<script", "onerror", "onclick", "onload", "javascript:", "<iframe", "<style", "data:text", "<svg", "<form", "<input"} {
			if strings.Contains(out, bad) {
				t.Errorf("HTML(%q) = %q; contains %q", src, out, bad)
			}
		}
	}
}

func TestCodeKeepsTextEscaped(t *testing.T) {
	out := render(t, "`<script>`", Options{})
	if !strings.Contains(out, "&lt;script&gt;") {
		t.Errorf("got %q, want the tag shown as escaped text", out)
	}
}

func TestHeadingsShift(t *testing.T) {
	cases := []struct {
		src  string
		opt  Options
		want []string
	}{
		{"# A\n\n## B\n\n#### C", Options{HeadingLevel: 3}, []string{"<h3", "<h4", "<h5"}},
		{"## A\n\n### B", Options{HeadingLevel: 3}, []string{"<h3", "<h4"}},
		{"# A", Options{}, []string{"<h2"}},
		{"# A\n\n## B\n\n### C\n\n#### D", Options{HeadingLevel: 5}, []string{"<h5", "<h6", "<h6", "<h6"}},
	}
	for _, c := range cases {
		out := render(t, c.src, c.opt)
		if strings.Contains(out, "<h1") {
			t.Errorf("HTML(%q) has an h1: %q", c.src, out)
		}
		rest := out
		for _, w := range c.want {
			i := strings.Index(rest, w)
			if i < 0 {
				t.Errorf("HTML(%q, level %d) = %q; want %v in order", c.src, c.opt.HeadingLevel, out, c.want)
				break
			}
			rest = rest[i+len(w):]
		}
	}
}

func TestIDsArePrefixed(t *testing.T) {
	out := render(t, "# Why it matters\n\nText[^1]\n\n[^1]: A note.", Options{IDPrefix: "petition-"})
	if !strings.Contains(out, `id="petition-why-it-matters"`) {
		t.Errorf("got %q, want heading id petition-why-it-matters", out)
	}
	if !strings.Contains(out, `id="petition-fn:1"`) && !strings.Contains(out, `id="petition-fn-1"`) {
		t.Errorf("got %q, want a footnote id starting petition-", out)
	}
}

func TestLinksGetRel(t *testing.T) {
	out := render(t, "[site](https://example.org/x) and [local](/riverside)", Options{})
	if !strings.Contains(out, `<a href="https://example.org/x" rel="noopener nofollow">site</a>`) {
		t.Errorf("got %q, want external link with rel noopener nofollow", out)
	}
	if !strings.Contains(out, `<a href="/riverside">local</a>`) {
		t.Errorf("got %q, want local link untouched", out)
	}
}

func TestImagesFromOtherSitesAreRemoved(t *testing.T) {
	out := render(t, "![A tracker](https://tracker.example/pixel.gif) ![proto](//cdn.example/a.png)", Options{})
	if strings.Contains(out, "<img") {
		t.Errorf("got %q, want no img", out)
	}
	if !strings.Contains(out, "A tracker") {
		t.Errorf("got %q, want the alt text in place of the image", out)
	}
}

func TestLocalImagesAreResolved(t *testing.T) {
	resolve := func(src string) string {
		if src == "assets/photo.jpg" {
			return "/static/riverside/assets/photo.abc123.jpg"
		}
		return ""
	}
	out := render(t, "![Reading room](assets/photo.jpg) ![Missing](assets/none.jpg)", Options{ImageURL: resolve})
	if !strings.Contains(out, `<img src="/static/riverside/assets/photo.abc123.jpg" alt="Reading room"`) {
		t.Errorf("got %q, want the hashed image address", out)
	}
	if strings.Contains(out, "none.jpg") || !strings.Contains(out, "Missing") {
		t.Errorf("got %q, want the unknown image replaced by its alt text", out)
	}
}

func TestGFMAndTypographer(t *testing.T) {
	out := render(t, "| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ \"quoted\"", Options{})
	for _, want := range []string{"<table>", "<del>old</del>", "“quoted”"} {
		if !strings.Contains(out, want) {
			t.Errorf("got %q, want %q", out, want)
		}
	}
}

func TestPlainText(t *testing.T) {
	cases := []struct{ src, want string }{
		{"# Heading\n\nA **bold** coalition of\n[forty groups](https://x.example).\n\nSecond paragraph.", "A bold coalition of forty groups."},
		{"It's \"ours\" -- really", "It’s “ours” – really"},
		{"", ""},
		{"# Only a heading", ""},
		{"Text with <b>html</b>", "Text with html"},
	}
	r := New()
	for _, c := range cases {
		if got := r.PlainText(c.src); got != c.want {
			t.Errorf("PlainText(%q) = %q, want %q", c.src, got, c.want)
		}
	}
}

func TestTruncate(t *testing.T) {
	if got := Truncate("short", 10); got != "short" {
		t.Errorf("got %q, want %q", got, "short")
	}
	got := Truncate("The council votes on the third of March and we need you", 30)
	if len([]rune(got)) > 30 || !strings.HasSuffix(got, "…") {
		t.Errorf("got %q, want at most 30 characters ending in …", got)
	}
}

// TestImageSizes: a picture in the text gets the width, height, srcset and
// sizes ImageSize gives, and a srcset naming anything but this site's
// /static/ files, or sizes that could end the attribute, is left out.
func TestImageSizes(t *testing.T) {
	resolve := func(src string) string { return "/static/o/" + strings.TrimPrefix(src, "assets/") }
	set := "/static/o/a-480w.1.jpg 480w, /static/o/a.2.jpg 1200w"
	out := render(t, "![A](assets/a.jpg)", Options{ImageURL: resolve, ImageSize: func(string) ImageSize {
		return ImageSize{Width: 1200, Height: 630, SrcSet: set, Sizes: "(min-width: 52rem) 48rem, calc(100vw - 2rem)"}
	}})
	for _, want := range []string{`width="1200"`, `height="630"`, `srcset="` + set + `"`, `sizes="(min-width: 52rem) 48rem, calc(100vw - 2rem)"`} {
		if !strings.Contains(out, want) {
			t.Errorf("got %q, want %s", out, want)
		}
	}
	for _, bad := range []ImageSize{
		{SrcSet: "https://evil.example/a.jpg 480w", Sizes: "100vw"},
		{SrcSet: "/static/o/a.jpg 480w, //evil.example/b.jpg 800w", Sizes: "100vw"},
		{SrcSet: "/static/o/a.jpg 2x", Sizes: "100vw"},
	} {
		out := render(t, "![A](assets/a.jpg)", Options{ImageURL: resolve, ImageSize: func(string) ImageSize { return bad }})
		if strings.Contains(out, "srcset") || strings.Contains(out, "evil") || strings.Contains(out, "sizes") {
			t.Errorf("ImageSize %+v: got %q, want no srcset", bad, out)
		}
	}
	out = render(t, "![A](assets/a.jpg)", Options{ImageURL: resolve, ImageSize: func(string) ImageSize {
		return ImageSize{SrcSet: set, Sizes: `100vw" onerror="alert(1)`}
	}})
	if strings.Contains(out, "onerror") || strings.Contains(out, "sizes") {
		t.Errorf("a sizes value with quotes: got %q", out)
	}
}

// TestVerbatim: an open letter's words reach the page as the organiser
// typed them (seed 002: "Hamas' October 7", "this nightmare -- a bilateral
// ceasefire", "T'ruah"); without Verbatim they are made typographic.
func TestVerbatim(t *testing.T) {
	const src = "You have stood with the victims of Hamas' October 7 atrocities.\n\n" +
		"A viable path out of this nightmare -- a bilateral ceasefire.\n\n" +
		"T'ruah: The Rabbinic Call for Human Rights, \"in word and in deed\""
	verbatim := html.UnescapeString(render(t, src, Options{Verbatim: true}))
	for _, want := range []string{"Hamas' October 7", "nightmare -- a bilateral", "T'ruah", `"in word and in deed"`} {
		if !strings.Contains(verbatim, want) {
			t.Errorf("verbatim: got %q, want %q as typed", verbatim, want)
		}
	}
	smart := html.UnescapeString(render(t, src, Options{}))
	for _, want := range []string{"Hamas’ October 7", "nightmare – a bilateral", "T’ruah", "“in word and in deed”"} {
		if !strings.Contains(smart, want) {
			t.Errorf("smart: got %q, want %q", smart, want)
		}
	}
}
