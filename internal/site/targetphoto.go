package site

import (
	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/views"
)

// targetPhotoSizes is how wide a decision-maker's photo is shown: 6rem
// tall, as an organisation's logo on its page (views/static/style.css,
// .target-photo), so its width follows from its proportions.
var targetPhotoSizes = logoSizes(6)

// targetPhoto is the view of a target's photo, a picture of the
// organisation's folder served from this site: its size, its smaller
// copies, and alt text naming the target in l's language. nil without a
// photo.
func (b *builder) targetPhoto(org *campaign.Org, t campaign.Target, l *i18n.Localizer) *views.Img {
	a := t.Photo
	if a == nil || org == nil {
		return nil
	}
	v := &views.Img{URL: b.assetURL(org, a), Alt: l.T("contact.target.photo", "name", t.Name), Width: a.Width, Height: a.Height}
	if v.Width == 0 && isRaster(a) {
		v.Width, v.Height = rasterSize(a)
	}
	b.addSrcSet(v, org, a, targetPhotoSizes)
	return v
}
