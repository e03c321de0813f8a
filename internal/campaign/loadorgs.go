package campaign

import (
	"maps"
	"runtime"
	"sync"
	"sync/atomic"
)

// loadOrgs reads the organisations' folders named by folders, in the
// order of l.orgs' empty places, on every core at once (issue 12: start
// and reload within 1 s per 1,000 campaigns using both cores): each
// folder is read and decoded by a loader of its own, and what each one
// found (positions, problems, texts in other languages, …) is merged into
// l in the folders' order, so l holds what reading them one after the
// other gives (TestLoadOrgsInParallelSame). The checks that follow run on
// l as before.
func (l *loader) loadOrgs(folders []string) {
	workers := min(runtime.GOMAXPROCS(0), len(folders))
	if serialLoad || workers < 2 {
		for _, name := range folders {
			l.place(l.loadOrg(name))
		}
		return
	}
	subs := make([]*loader, len(folders))
	var next atomic.Int64
	work := func() {
		for {
			i := int(next.Add(1)) - 1
			if i >= len(folders) {
				return
			}
			sl := &loader{
				fsys: l.fsys, root: l.root, shown: l.shown, tops: l.tops,
				pos: positions{}, misspelt: map[misspelling]bool{}, bad: map[posKey]bool{},
				literal: map[posKey]bool{}, sources: map[string][]byte{}, trans: translations{},
				recovered: map[recoveredLine]bool{}, syntax: map[Problem]bool{}, opts: l.opts,
			}
			sl.orgs = []*orgFolder{sl.loadOrg(folders[i])}
			subs[i] = sl
		}
	}
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
	// The positions, a few hundred per campaign, go into a table made at
	// its final size: grown as they came, it was 4% of what a load of
	// 1,000 campaigns allocated. No decoder holds l.pos yet.
	total := len(l.pos)
	for _, sl := range subs {
		total += len(sl.pos)
	}
	pos := make(positions, total)
	maps.Copy(pos, l.pos)
	l.pos = pos
	for _, sl := range subs {
		maps.Copy(l.pos, sl.pos)
		maps.Copy(l.misspelt, sl.misspelt)
		maps.Copy(l.bad, sl.bad)
		maps.Copy(l.literal, sl.literal)
		maps.Copy(l.sources, sl.sources)
		maps.Copy(l.trans, sl.trans)
		maps.Copy(l.recovered, sl.recovered)
		maps.Copy(l.syntax, sl.syntax)
		l.probs = append(l.probs, sl.probs...)
		l.place(sl.orgs[0])
	}
}

// place puts of in the first empty place of l.orgs.
func (l *loader) place(of *orgFolder) {
	for l.placed < len(l.orgs) && l.orgs[l.placed] != nil {
		l.placed++
	}
	if l.placed < len(l.orgs) {
		l.orgs[l.placed] = of
	}
}

// serialLoad has loadOrgs read one folder after the other (tests compare
// the two).
var serialLoad bool
