package site

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"path"
	"strconv"
	"strings"
	"sync"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/imagesizes"
	"github.com/placard/placard/internal/markdown"
	"github.com/placard/placard/views"
)

// This file offers organisers' JPEG and PNG pictures in widths that fit the
// screen (imagesizes.Widths, never wider than the picture): a page's img
// gets a srcset of the smaller copies and the original, and sizes saying
// how wide the picture is shown there, so a phone fetches a copy about as
// wide as its screen instead of the 1200 px original.
//
// The copies are made like share cards: the snapshot records each copy's
// address (/static/ORG/NAME-480w.HASH.jpg) with a key from the picture's
// bytes and the width, and the first request, or an export, makes every
// copy of that picture at once into the server's LazyFiles, where later
// snapshots find them while the picture is unchanged. The hash in the name
// covers the original and imagesizes.Version, so a copy is cached for a
// year like any other hashed file.

// sizing says how wide a picture of w×h pixels is shown, as an img's sizes
// attribute.
type sizing func(w, h int) string

// shownAs is a picture shown at the same width whatever its proportions.
func shownAs(sizes string) sizing { return func(int, int) string { return sizes } }

// Where pictures are shown (views/static/style.css): the campaign's hero
// fills the campaign column (48rem, less the page's padding on narrow
// screens); a card's picture fills the card, one column on a phone and at
// most about 28rem wide when cards sit side by side.
//
// Phones (screens up to 30rem) fetch the smallest copy, 480 px, whatever
// their pixel density: their readers are often on slow or metered
// connections, and a campaign page with four pictures must stay within
// 60 KB (issue 12). "160px" is how sizes says so: the browser takes the
// smallest copy at least 160 px × its density wide, and 160 × 3, the
// densest phones, is 480. The picture is laid out by the stylesheet, not
// by sizes, so it still fills its place.
const phoneSizes = "(max-width: 30rem) 160px, "

var (
	heroSizes = shownAs(phoneSizes + "(min-width: 52rem) 48rem, calc(100vw - 2rem)")
	cardSizes = shownAs(phoneSizes + "(min-width: 40rem) 28rem, calc(100vw - 2rem)")
)

// logoSizes is a logo shown heightRem tall (its width follows from its
// proportions), never wider than the screen.
func logoSizes(heightRem float64) sizing {
	return func(w, h int) string {
		if w <= 0 || h <= 0 {
			return "100vw"
		}
		px := int(math.Ceil(heightRem * 16 * float64(w) / float64(h)))
		return "min(" + strconv.Itoa(px) + "px, 100vw)"
	}
}

// lendCopies keeps prev's own picture copies for one more generation, as
// static files are kept, so a page fetched just before a reload that
// changed a picture still finds the copy its srcset names.
func (b *builder) lendCopies(prev *Snapshot) {
	for _, u := range prev.copies {
		if _, ok := b.snap.Lazy[u]; !ok && prev.Lazy[u] != nil {
			b.snap.Lazy[u] = prev.Lazy[u]
			if public, own := prev.ownFiles[u]; own {
				b.snap.ownFiles[u] = public
			}
		}
	}
}

// pictureSet is a picture's copies: their widths and addresses.
type pictureSet struct {
	widths []int
	urls   []string
}

// picture is img for a picture shown on a page: an organiser's JPEG or PNG
// wider than the smallest copy also gets a srcset of its copies and the
// original, and sizes from shown.
func (b *builder) picture(org *campaign.Org, im *campaign.Image, shown sizing) *views.Img {
	v := b.img(org, im)
	if v == nil {
		return nil
	}
	b.addSrcSet(v, org, imageAsset(org, im), shown)
	return v
}

// addSrcSet gives v, the view of a, a srcset of a's copies and the
// original, and sizes from shown, when a has copies.
func (b *builder) addSrcSet(v *views.Img, org *campaign.Org, a *campaign.Asset, shown sizing) {
	set := b.pictureSet(org, a)
	if set == nil || v.Width <= 0 {
		return
	}
	var ss strings.Builder
	for i, w := range set.widths {
		ss.WriteString(b.nameFile(set.urls[i]) + " " + strconv.Itoa(w) + "w, ")
	}
	ss.WriteString(v.URL + " " + strconv.Itoa(v.Width) + "w")
	v.SrcSet = ss.String()
	v.Sizes = shown(v.Width, v.Height)
}

// textPicture is the size and copies of a picture in an organiser's
// Markdown, which is shown at most as wide as the text column (heroSizes).
func (b *builder) textPicture(org *campaign.Org, a *campaign.Asset) markdown.ImageSize {
	if a == nil || !isRaster(a) {
		return markdown.ImageSize{}
	}
	v := &views.Img{URL: b.assetURL(org, a), Width: a.Width, Height: a.Height}
	if v.Width == 0 {
		v.Width, v.Height = rasterSize(a)
	}
	b.addSrcSet(v, org, a, heroSizes)
	return markdown.ImageSize{Width: v.Width, Height: v.Height, SrcSet: v.SrcSet, Sizes: v.Sizes}
}

// pictureSet records the copies of a (once per snapshot) and returns their
// addresses, or nil when a is not a picture imagesizes resizes or is
// narrower than every copy, or is damaged (campaign.Asset.NoCopies).
func (b *builder) pictureSet(org *campaign.Org, a *campaign.Asset) *pictureSet {
	if a == nil || org == nil || !isRaster(a) || a.NoCopies {
		return nil
	}
	if set, ok := b.pictures[a]; ok {
		return set
	}
	b.pictures[a] = nil
	sizes, format, err := imagesizes.Plan(a.Data)
	if err != nil || len(sizes) == 0 {
		return nil
	}
	contentType := "image/jpeg"
	if format == "png" {
		contentType = "image/png"
	}
	sum := sha256.Sum256(a.Data)
	rel := strings.TrimPrefix(path.Clean("/"+a.Path), "/")
	ext := path.Ext(rel)
	// One make for every copy: the picture is decoded once.
	var once sync.Once
	var files [][]byte
	var makeErr error
	data := a.Data
	makeAll := func() {
		_, files, makeErr = imagesizes.Make(data)
	}
	set := &pictureSet{}
	for i, s := range sizes {
		h := sha256.Sum256([]byte(imagesizes.Version + "\x00" + hex.EncodeToString(sum[:]) + "\x00" + strconv.Itoa(s.Width)))
		key := hex.EncodeToString(h[:])
		u := "/static/" + org.Slug + "/" + strings.TrimSuffix(rel, ext) + "-" + strconv.Itoa(s.Width) + "w." + key[:12] + ext
		b.snap.Lazy[u] = &LazyFile{Key: "picture/" + key, ContentType: contentType, CacheControl: hvImmutable, Make: func() ([]byte, error) {
			once.Do(makeAll)
			if makeErr != nil {
				return nil, makeErr
			}
			if i >= len(files) {
				return nil, errors.New("the picture gave fewer copies than planned")
			}
			return files[i], nil
		}}
		set.widths = append(set.widths, s.Width)
		set.urls = append(set.urls, u)
		b.snap.copies = append(b.snap.copies, u)
		b.lock()
		b.ownFile(u, false)
		b.unlock()
	}
	b.pictures[a] = set
	return set
}
