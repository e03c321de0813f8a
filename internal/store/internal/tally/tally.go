// Package tally holds the one rule both engines use to keep their tallies
// table in step with the signatures table: what a single signature of a
// given kind and status adds to its campaign's Count. Keeping the rule in
// one place is what lets Counts read a row per campaign instead of counting
// signatures, and lets the conformance suite hold both engines to it.
package tally

import (
	"sort"

	"github.com/placard/placard/internal/signing"
)

// Key names one campaign.
type Key struct{ Org, Campaign string }

// Delta is a change to one campaign's tally.
type Delta struct{ Signatures, Organisations, Pending int }

// Of returns what one signature of this kind and status contributes:
// approved signatures of any kind count towards the goal, approved
// organisations are also counted as organisations, and pending signatures
// (in practice organisation sign-ons awaiting moderation) count as pending.
// Rejected signatures count nowhere.
func Of(kind signing.Kind, status signing.Status) Delta {
	var d Delta
	switch status {
	case signing.StatusApproved:
		d.Signatures = 1
		if kind == signing.KindOrganisation {
			d.Organisations = 1
		}
	case signing.StatusPending:
		d.Pending = 1
	}
	return d
}

// Add returns d plus e.
func (d Delta) Add(e Delta) Delta {
	return Delta{d.Signatures + e.Signatures, d.Organisations + e.Organisations, d.Pending + e.Pending}
}

// Sub returns d minus e.
func (d Delta) Sub(e Delta) Delta {
	return Delta{d.Signatures - e.Signatures, d.Organisations - e.Organisations, d.Pending - e.Pending}
}

// Zero reports whether d changes nothing.
func (d Delta) Zero() bool { return d == Delta{} }

// Deltas accumulates changes per campaign, so an engine applies one update
// per campaign per transaction. Each visits campaigns in sorted order: two
// transactions touching the same campaigns then lock their tally rows in
// the same order and cannot deadlock each other.
type Deltas struct {
	order []Key
	by    map[Key]Delta
}

// Add accumulates d for k.
func (ds *Deltas) Add(k Key, d Delta) {
	if ds.by == nil {
		ds.by = map[Key]Delta{}
	}
	old, ok := ds.by[k]
	if !ok {
		ds.order = append(ds.order, k)
	}
	ds.by[k] = old.Add(d)
}

// Each calls fn for every campaign touched, even when its counts did not
// change (a rejected signature erased, or one erasure and one new signature
// cancelling out): the engines bump the campaign's revision for each.
func (ds *Deltas) Each(fn func(Key, Delta) error) error {
	sort.Slice(ds.order, func(i, j int) bool {
		a, b := ds.order[i], ds.order[j]
		return a.Org < b.Org || (a.Org == b.Org && a.Campaign < b.Campaign)
	})
	for _, k := range ds.order {
		if err := fn(k, ds.by[k]); err != nil {
			return err
		}
	}
	return nil
}
