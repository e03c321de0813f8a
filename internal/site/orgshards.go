package site

import (
	"maps"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/placard/placard/internal/campaign"
)

// Organisations are built on every core at once (issue 12: start and
// reload within 1 s per 1,000 campaigns using both cores). Laying a
// campaign's page out (its props: Markdown, share links, contact lists)
// took a third of a start, on one core, while the renderings set aside
// (parallel.go) waited for it.
//
// Each organisation gets a builder of its own (shard) writing into a
// snapshot of its own; the snapshots are merged into the one being
// compiled in the organisations' order (merge), as the builders finish.
// What the builders share is locked (builder.shared): the static files,
// which every organisation's pages may name (a related campaign's
// picture), and the addresses given to organisers' files, all served
// before the organisations are built (addPages). A page depends only on
// its own organisation and the files and campaigns it names, never on
// the order the organisations are built in, so the snapshot serves the
// same bytes, ETags and addresses as one built an organisation after
// the other (Options.inline; TestParallelBuildSameBytes).

// buildOrgs builds the pages of the organisations todo, in parallel
// unless b renders inline or there is one core or one organisation.
func (b *builder) buildOrgs(todo []*campaign.Org) error {
	workers := min(runtime.GOMAXPROCS(0), len(todo))
	if b.opt.inline || workers < 2 {
		for _, o := range todo {
			if err := b.buildOrg(o); err != nil {
				return err
			}
		}
		return nil
	}
	shards := make([]*builder, len(todo))
	errs := make([]error, len(todo))
	done := make([]bool, len(todo))
	var next atomic.Int64
	var merging sync.Mutex
	merged := 0 // the organisations merged so far, in order
	work := func() {
		for {
			i := int(next.Add(1)) - 1
			if i >= len(todo) {
				return
			}
			sb := b.newShard()
			err := sb.buildOrg(todo[i])
			merging.Lock()
			shards[i], errs[i], done[i] = sb, err, true
			// Merge every organisation finished before which none is
			// waiting, so the merged snapshot grows in order and a
			// builder's own tables go as soon as they can.
			for merged < len(todo) && done[merged] {
				if errs[merged] == nil {
					b.merge(shards[merged])
				}
				shards[merged] = nil
				merged++
			}
			merging.Unlock()
		}
	}
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// buildOrg renders the pages of organisation o in each of its languages
// and records what the next build needs to take them (reuseorg.go).
func (b *builder) buildOrg(o *campaign.Org) error {
	b.built = &orgBuilt{org: o, times: timeStates(o, b.opt.Now())}
	for _, lang := range o.Langs() {
		if err := b.addOrg(o.In(lang)); err != nil {
			return err
		}
	}
	if err := b.addOrgSyndication(o); err != nil {
		return err
	}
	b.snap.orgs[o.Slug] = *b.built
	b.built = nil
	return nil
}

// newShard is a builder for one organisation beside others: b's options and
// shared tables, and a snapshot, caches and renderings of its own.
func (b *builder) newShard() *builder {
	sb := *b
	sb.shard = true
	sb.l, sb.locs, sb.matchers, sb.built, sb.mdFor, sb.mdMemo = nil, nil, nil, nil, nil, nil
	sb.pictures = map[*campaign.Asset]*pictureSet{}
	// Its renderings and packings run as it lays its pages out: the
	// organisations keep the cores busy, and more at once would only
	// make more deflaters (record.go) and hold more props.
	sb.later = nil
	s := b.snap
	// The static files and responses by content are shared, under
	// b.shared; the site-wide renderings are b's; reuse locks itself.
	sb.snap = emptySnapshot(s.Site, s.opt, s.Static, s.byContent)
	sb.snap.ownFiles = s.ownFiles // shared too, under b.shared
	sb.snap.Stylesheet, sb.snap.script, sb.snap.reachScript, sb.snap.devScript = s.Stylesheet, s.script, s.reachScript, s.devScript
	sb.snap.siteImage, sb.snap.Favicon, sb.snap.siteLogo, sb.snap.reuse = s.siteImage, s.Favicon, s.siteLogo, s.reuse
	return &sb
}

// merge adds what the builder sb made for its organisation to b's
// snapshot, as if b had built it: every table keyed by an address of the
// organisation's, and the picture copies of other organisations' files
// its pages named, kept as the first organisation to name them made
// them.
func (b *builder) merge(sb *builder) {
	s, p := b.snap, sb.snap
	maps.Copy(s.Pages, p.Pages)
	maps.Copy(s.Regions, p.Regions)
	maps.Copy(s.Contacts, p.Contacts)
	maps.Copy(s.Rotations, p.Rotations)
	maps.Copy(s.Signing, p.Signing)
	maps.Copy(s.Thanks, p.Thanks)
	maps.Copy(s.Mastodon, p.Mastodon)
	maps.Copy(s.MastodonTexts, p.MastodonTexts)
	maps.Copy(s.MastodonLoc, p.MastodonLoc)
	maps.Copy(s.Moved, p.Moved)
	maps.Copy(s.Shorts, p.Shorts)
	maps.Copy(s.Previews, p.Previews)
	maps.Copy(s.PageLangs, p.PageLangs)
	maps.Copy(s.LangNotices, p.LangNotices)
	maps.Copy(s.orgs, p.orgs)
	for k, v := range p.SigningKeys {
		s.SigningKeys[k] = append(s.SigningKeys[k], v...)
	}
	s.Known = append(s.Known, p.Known...)
	for _, u := range p.copies {
		if _, ok := s.Lazy[u]; !ok {
			s.copies = append(s.copies, u)
		}
	}
	for k, v := range p.Lazy {
		if _, ok := s.Lazy[k]; !ok {
			s.Lazy[k] = v
		}
	}
	for k, v := range p.orgFrames {
		s.keepOrgFrame(k, v)
	}
	if s.posterCSS == "" {
		s.posterCSS = p.posterCSS
	}
	if po := p.OtherSites; po != nil {
		sy := b.syn()
		maps.Copy(sy.Embeds, po.Embeds)
		maps.Copy(sy.Pages, po.Pages)
		maps.Copy(sy.Thanks, po.Thanks)
		maps.Copy(sy.Feeds, po.Feeds)
		maps.Copy(sy.props, po.props)
	}
}
