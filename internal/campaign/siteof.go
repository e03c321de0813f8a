package campaign

import (
	"cmp"
	"slices"
	"strings"
)

// SiteOf builds a Site from organisations a NewSite or Load has already
// indexed, with config as its settings, without touching them: unlike
// NewSite it writes nothing into the organisations, so a reload can share
// the ones a site serving holds (cmd/placard's adopt) while readers use
// them.
func SiteOf(orgs []*Org, config *SiteConfig) *Site {
	s := &Site{Orgs: slices.Clone(orgs), orgs: make(map[string]*Org, len(orgs)), Config: config}
	slices.SortFunc(s.Orgs, func(a, b *Org) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.Slug, b.Slug))
	})
	for _, o := range s.Orgs {
		s.orgs[o.Slug] = o
	}
	return s
}

// Depends lists the other organisations whose campaigns o's campaigns
// name as related (in any language), by slug: their pages show those
// campaigns' titles and summaries, so they change with them.
func (o *Org) Depends() []string {
	var deps []string
	for _, lang := range o.Langs() {
		for _, c := range o.In(lang).Campaigns {
			for _, r := range c.Related {
				if t := r.Target; t != nil && t.Org != nil && t.Org.Slug != o.Slug && !slices.Contains(deps, t.Org.Slug) {
					deps = append(deps, t.Org.Slug)
				}
			}
		}
	}
	return deps
}
