package site

import (
	"strings"
	"time"

	"github.com/placard/placard/internal/campaign"
)

// This file lets a build take an unchanged organisation's pages from the
// snapshot before as they are (issue 12): a reload of a few thousand
// campaigns of which one changed then renders one organisation, instead of
// every page again, and the old and new snapshots share everything else
// (pages, signing pages, share cards, embeds, feeds). The reload's peak of
// memory stays close to the steady state, and its time to the changed
// organisation's.
//
// An organisation is unchanged when the new site holds the very same
// *campaign.Org as the snapshot before (serve hands over the one it loaded
// before when the organisation's folder and the site's own files read the
// same bytes: cmd/placard's adoption), under the same site settings
// (*campaign.SiteConfig) and options, and every one of its campaigns is
// public and open as it was: close_at and publish_at change pages without
// a change of files (scheduleClose rebuilds then).

// orgBuilt is what a snapshot remembers of each organisation it holds,
// for the next build to reuse it.
type orgBuilt struct {
	// org is the organisation the pages were made from.
	org *campaign.Org
	// times are its campaigns' states in time when they were made
	// (timeStates).
	times string
	// static lists the /static/ addresses its pages were given beyond its
	// own files (share pictures, the poster's stylesheet).
	static []string
	// named lists the organisations' own files its public pages name
	// (publicfiles.go), public again when it is taken.
	named []string
}

// timeStates is, for each campaign of o in order, whether it was public
// and whether its close_at had passed at now: what a page of o depends on
// besides its files.
func timeStates(o *campaign.Org, now time.Time) string {
	b := make([]byte, 0, len(o.Campaigns))
	for _, c := range o.Campaigns {
		s := byte('0')
		if c.PublicAt(now) {
			s |= 1
		}
		if !c.CloseAt.IsZero() && !now.Before(c.CloseAt) {
			s |= 2
		}
		b = append(b, s)
	}
	return string(b)
}

// sameOptions reports whether pages made with a and b are the same for the
// same files: everything but the time and the tallies.
func sameOptions(a, b Options) bool {
	return a.Base == b.Base && a.SiteName == b.SiteName && a.Mode == b.Mode && a.Signing == b.Signing &&
		a.FormOrigin == b.FormOrigin && a.PreviewKey == b.PreviewKey && a.Dev == b.Dev &&
		string(a.DevScript) == string(b.DevScript) && a.inline == b.inline && a.eager == b.eager
}

// owner is the organisation an address of a snapshot belongs to: the
// first segment of /slug/…, or the second of /static/slug/…; "" for none.
func owner(p string) string {
	rest, ok := strings.CutPrefix(p, "/")
	if !ok {
		return ""
	}
	if r, ok := strings.CutPrefix(rest, "static/"); ok {
		rest = r
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// takeable lists by slug the organisations of site unchanged since prev
// (see above), whose pages b may take from prev (takeOrgs) instead of
// building them: those whose related campaigns (Org.Depends) belong to
// such organisations too.
func (b *builder) takeable(prev *Snapshot, site *campaign.Site) map[string]bool {
	ok := map[string]bool{}
	if prev == nil || prev.Site == nil || site == nil || prev.Site.Config != site.Config || !sameOptions(prev.opt, b.opt) {
		return ok
	}
	now := b.opt.Now()
	for _, o := range site.Orgs {
		if was, in := prev.orgs[o.Slug]; in && was.org == o && was.times == timeStates(o, now) {
			ok[o.Slug] = true
		}
	}
	for changed := true; changed; {
		changed = false
		for _, o := range site.Orgs {
			if !ok[o.Slug] {
				continue
			}
			for _, dep := range o.Depends() {
				if !ok[dep] {
					delete(ok, o.Slug)
					changed = true
					break
				}
			}
		}
	}
	return ok
}

// takeOrgs adds to b's snapshot every page, file and record prev made
// for the organisations in b.taken, going once through each of prev's
// tables.
func (b *builder) takeOrgs(prev *Snapshot) {
	if len(b.taken) == 0 {
		return
	}
	s, p := b.snap, prev
	in := func(k string) bool { return b.taken[owner(k)] }
	copyIn(s.Pages, p.Pages, in)
	copyIn(s.Regions, p.Regions, in)
	copyIn(s.Contacts, p.Contacts, in)
	copyIn(s.Rotations, p.Rotations, in)
	copyIn(s.Signing, p.Signing, in)
	copyIn(s.Thanks, p.Thanks, in)
	copyIn(s.Mastodon, p.Mastodon, in)
	copyIn(s.MastodonTexts, p.MastodonTexts, in)
	copyIn(s.MastodonLoc, p.MastodonLoc, in)
	copyIn(s.Previews, p.Previews, in)
	copyIn(s.Lazy, p.Lazy, in) // share cards, QR codes and picture copies
	copyIn(s.ownFiles, p.ownFiles, in)
	copyIn(s.PageLangs, p.PageLangs, in)
	copyIn(s.LangNotices, p.LangNotices, in)
	for k, v := range p.orgFrames {
		if in(k) {
			s.keepOrgFrame(k, v)
		}
	}
	for k, v := range p.Moved {
		if in(v) {
			s.Moved[k] = v
		}
	}
	for k, v := range p.Shorts {
		if in(v) {
			s.Shorts[k] = v
		}
	}
	for k, v := range p.SigningKeys {
		if in("/" + k) {
			s.SigningKeys[k] = v
		}
	}
	for _, l := range p.Known {
		if in(l.URL) {
			s.Known = append(s.Known, l)
		}
	}
	for _, u := range p.copies {
		if in(u) {
			s.copies = append(s.copies, u)
		}
	}
	for slug := range b.taken {
		was := p.orgs[slug]
		for _, u := range was.static {
			if r := p.Static[u]; r != nil {
				s.Static[u] = r
			}
		}
		for _, u := range was.named {
			if _, own := s.ownFiles[u]; own {
				s.ownFiles[u] = true
			}
		}
		s.orgs[slug] = was
	}
	if po := p.OtherSites; po != nil {
		sy := b.syn()
		copyIn(sy.Embeds, po.Embeds, in)
		copyIn(sy.Pages, po.Pages, in)
		copyIn(sy.Thanks, po.Thanks, in)
		copyIn(sy.Feeds, po.Feeds, in)
	}
}

// copyIn copies into dst every entry of src whose address in says.
func copyIn[V any](dst, src map[string]V, in func(string) bool) {
	for k, v := range src {
		if in(k) {
			dst[k] = v
		}
	}
}
