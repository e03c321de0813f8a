package store

import (
	"context"
	"time"
)

// Outreach counts calls and emails to decision-makers. It is a separate,
// small interface (engines implement it beside Store) because it holds
// nothing about supporters: a count per campaign, action, target, kind,
// outcome and hour, and no row per event, so no row can be lined up with
// a signature, a log line or another row.
type Outreach interface {
	// RecordOutreach adds one to the count of e's campaign, action, target,
	// kind and outcome in the hour e.At falls in (UTC; minutes and seconds
	// are dropped before anything is written).
	RecordOutreach(ctx context.Context, e OutreachEvent) error
	// OutreachCounts returns org's counts (of one campaign, or of every
	// campaign when campaign is ""), summed over hours, sorted by campaign,
	// action, target, kind and outcome.
	OutreachCounts(ctx context.Context, org, campaign string) ([]OutreachCount, error)
}

// Kinds of outreach.
const (
	OutreachCall  = "call"
	OutreachEmail = "email"
)

// OutreachEvent is one anonymous call or email: which target of which
// action, and how it went. It has no field for the supporter.
type OutreachEvent struct {
	Org, Campaign, Action string
	// Target is the target's id in the action.
	Target string
	// Kind is OutreachCall or OutreachEmail.
	Kind string
	// Outcome is what the supporter chose, such as "staff", "voicemail" or
	// "no-answer" for a call, "sent" for an email.
	Outcome string
	// At is when it happened; only its hour is kept.
	At time.Time
}

// OutreachCount is how many calls or emails of one kind and outcome reached
// one target of one action.
type OutreachCount struct {
	Org, Campaign, Action, Target, Kind, Outcome string
	Count                                        int64
}

// OutreachHour is the hour an outreach event is kept under: t in UTC,
// without minutes and seconds.
func OutreachHour(t time.Time) time.Time { return t.UTC().Truncate(time.Hour) }
