package site

import (
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/markdown"
	"github.com/placard/placard/internal/pagecache"
	"github.com/placard/placard/internal/qrcode"
	"github.com/placard/placard/internal/tallywatch"
)

// TestLazyPagesSameBytes: a server's snapshot renders its pages on their
// first request; each is then exactly the page an eager build renders —
// bytes, gzip copy, ETag, Content-Security-Policy and headers — for every
// example page in every variant (language notices, regions, share
// rotations, previews, posters, signing pages with their embeds and
// thank-you pages), with and without figures.
func TestLazyPagesSameBytes(t *testing.T) {
	loaded := loadExamples(t)
	now := time.Now()
	for _, figures := range []bool{false, true} {
		tallies := map[string]*tallywatch.Tally{}
		if figures {
			for _, o := range loaded.Orgs {
				for _, c := range o.Campaigns {
					tl := &tallywatch.Tally{}
					tl.Signatures = 4321
					tallies[o.Slug+"/"+c.Slug] = tl
				}
			}
		}
		opt := Options{Base: "https://act.example.org", SiteName: "Placard", Mode: ModePublic, Signing: true,
			PreviewKey: "preview-key", Now: func() time.Time { return now }, Files: &LazyFiles{}, Tallies: tallies}
		lazy, err := Compile(opt, markdown.New(), loaded, nil)
		if err != nil {
			t.Fatal(err)
		}
		opt.eager = true
		eager, err := Compile(opt, markdown.New(), loaded, nil)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		same := func(what string, a, b *pagecache.Response) {
			t.Helper()
			n++
			if a.Rendered() {
				t.Errorf("%s: rendered before its first request", what)
			}
			ra, err := a.Ready()
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			rb, err := b.Ready()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(ra, rb) {
				t.Errorf("%s: rendered on request, the page differs from the eager build's", what)
			}
		}
		if len(lazy.Pages) != len(eager.Pages) || len(lazy.Regions) != len(eager.Regions) || len(lazy.Rotations) != len(eager.Rotations) ||
			len(lazy.LangNotices) != len(eager.LangNotices) || len(lazy.Previews) != len(eager.Previews) || len(lazy.Signing) != len(eager.Signing) {
			t.Fatal("the lazy and the eager build hold different pages")
		}
		for p, r := range lazy.Pages {
			same(p, r, eager.Pages[p])
		}
		for p, set := range lazy.Regions {
			for region, r := range set {
				same(p+"?region="+region, r, eager.Regions[p][region])
			}
		}
		for p, rot := range lazy.Rotations {
			for i, r := range rot[1:] {
				same(p+" rotation", r, eager.Rotations[p][i+1])
			}
		}
		for p, set := range lazy.LangNotices {
			for lang, r := range set {
				same(p+" notice "+lang, r, eager.LangNotices[p][lang])
			}
		}
		for p, r := range lazy.OtherSites.Pages {
			same(p, r, eager.OtherSites.Pages[p])
		}
		for p, set := range lazy.OtherSites.Thanks {
			for o, r := range set {
				same(p+" embed thanks "+o, r, eager.OtherSites.Thanks[p][o])
			}
		}
		for p, r := range lazy.Previews {
			same(p+" preview", r, eager.Previews[p])
		}
		for p, set := range lazy.Thanks {
			for o, lp := range set {
				if lp.Rendered() {
					t.Errorf("%s %s: thank-you page rendered before its first request", p, o)
				}
				a, err := lp.Get()
				if err != nil {
					t.Fatal(err)
				}
				b, err := eager.Thanks[p][o].Get()
				if err != nil {
					t.Fatal(err)
				}
				n++
				if !reflect.DeepEqual(a, b) {
					t.Errorf("%s %s: thank-you page differs from the eager build's", p, o)
				}
			}
		}
		for p, lc := range lazy.Signing {
			if lc.Pages.Load() != nil {
				t.Errorf("%s: signing page rendered before its first request", p)
			}
			if lc.thanks != nil || len(lc.thanksRecord) == 0 {
				t.Errorf("%s: thank-you props not packed", p)
			}
			a, err := lc.Current()
			if err != nil {
				t.Fatal(err)
			}
			if a.Rotations() > 0 && a.rotations[0].Load() != nil || a.embed.Load() != nil {
				t.Errorf("%s: a variant rendered with the page, before its first request", p)
			}
			b := eager.Signing[p].Pages.Load()
			n++
			if !reflect.DeepEqual(variantsOf(t, a), variantsOf(t, b)) {
				t.Errorf("%s: signing page rendered on request differs from the eager build's", p)
			}
		}
		if n < 30 {
			t.Fatalf("only %d pages compared", n)
		}
		t.Logf("figures %v: %d pages compared", figures, n)
	}
}

// TestSigningPageRenderedOnce: concurrent first requests for a signing
// page wait for one rendering, and the tally watcher renders only pages
// that have been asked for; the next request shows its figures.
func TestSigningPageRenderedOnce(t *testing.T) {
	now := time.Now()
	opt := Options{Base: "https://act.example.org", SiteName: "Placard", Mode: ModePublic, Signing: true,
		Now: func() time.Time { return now }, Files: &LazyFiles{}}
	snap, err := Compile(opt, markdown.New(), loadExamples(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	var asked, notAsked *SigningCampaign
	for _, lc := range snap.Signing {
		if asked == nil {
			asked = lc
		} else if notAsked == nil && lc.Key != asked.Key {
			notAsked = lc
		}
	}
	got := make([]*SigningPages, 64)
	var wg sync.WaitGroup
	for i := range got {
		wg.Go(func() {
			lp, err := asked.Current()
			if err != nil {
				t.Error(err)
			}
			got[i] = lp
		})
	}
	wg.Wait()
	for _, lp := range got {
		if lp != got[0] || lp == nil {
			t.Fatal("concurrent first requests rendered the page more than once")
		}
	}
	tl := &tallywatch.Tally{}
	tl.Signatures = 77
	if err := RenderSigning(asked, tl); err != nil {
		t.Fatal(err)
	}
	if err := RenderSigning(notAsked, tl); err != nil {
		t.Fatal(err)
	}
	if asked.Pages.Load() == got[0] {
		t.Error("a page asked for was not rendered again with new figures")
	}
	if notAsked.Pages.Load() != nil {
		t.Error("the tally watcher rendered a page nobody asked for")
	}
	if asked.Signatures() != 77 || notAsked.Signatures() != 77 {
		t.Errorf("figures %d and %d, want 77", asked.Signatures(), notAsked.Signatures())
	}
}

// signingVariants is every variant of a signing rendering but the regions,
// rendered: main, embed, rotations and language notices.
type signingVariants struct {
	Main, Embed *pagecache.Spliced
	Rotations   []*pagecache.Spliced
	Notices     map[string]*pagecache.Spliced
}

// variantsOf renders every variant of lp (as the first requests of each
// would).
func variantsOf(t *testing.T, lp *SigningPages) signingVariants {
	t.Helper()
	v := signingVariants{Main: lp.Main, Notices: map[string]*pagecache.Spliced{}}
	var err error
	if v.Embed, err = lp.Embed(); err != nil {
		t.Fatal(err)
	}
	for i := range lp.Rotations() {
		r, err := lp.Rotation(i)
		if err != nil {
			t.Fatal(err)
		}
		v.Rotations = append(v.Rotations, r)
	}
	for lang := range lp.lc.LangNotices {
		n, err := lp.LangNotice(lang)
		if err != nil || n == nil {
			t.Fatalf("notice %s: %v", lang, err)
		}
		v.Notices[lang] = n
	}
	return v
}

// TestQRSideWithoutDrawing: the poster sizes its QR code from the version
// rsc.io/qr would pick, without drawing the code; that is the size of the
// code qrcode draws, for addresses of every length and kind.
func TestQRSideWithoutDrawing(t *testing.T) {
	for n := 1; n < 400; n += 7 {
		for _, s := range []string{strings.Repeat("7", n), strings.Repeat("A", n), "https://act.example.org/" + strings.Repeat("a", n) + "?src=qr"} {
			c, err := qrcode.Encode(s)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := qrSide(s), (c.Size()+2*qrcode.QuietZone)*qrModulePx; got != want {
				t.Fatalf("%d characters: side %d, the code's is %d", len(s), got, want)
			}
		}
	}
	if qrSide(strings.Repeat("x", 5000)) != 0 {
		t.Error("an address too long for a QR code has a side")
	}
}
