package web

import (
	"context"
	"time"

	"github.com/placard/placard/internal/mail"
	"github.com/placard/placard/internal/ratelimit"
)

// dataLinkEvery is how often one address may be sent a link to its data
// page (data.go: dataRequest). The request form answers anyone, and the
// link is the one email an unsubscribed address still gets, so without
// it anyone could have the organisation mail a signer over and over.
const dataLinkEvery = mail.DataLinkEvery

// newDataLinkPace is the pace of data-page links: one per mailbox and
// organisation every dataLinkEvery, never put off (the supporter asks
// again). This is each instance's, in memory, as a keyed hash of the
// mailbox (ratelimit.Pace), so ada+1@ and ada+2@ share ada@'s turns; the
// outbox's deliverer takes the same pace again, shared by every
// instance, just before the link leaves (mail.SharedPace).
func newDataLinkPace() *ratelimit.Pace {
	return &ratelimit.Pace{Every: dataLinkEvery, Burst: 1}
}

// dataLinkTurn reports whether email of org may be sent a data-page link
// at now, and if so takes that turn.
func (s *Server) dataLinkTurn(org, email string, now time.Time) bool {
	_, ok := s.dataLinks.Reserve(org, email, now)
	return ok
}

// Mails that anyone can have sent to an address they type — a
// signature's confirmation or thank-you, a contact letter's confirmation
// — share one pace per mailbox across the installation (mailPace): three
// at once, then one every ten minutes, put off (the outbox's NotBefore)
// up to an hour ahead; past that the mail has no turn, and each caller
// says what then (sign.go, contact_write.go). The page answers the same
// either way. This is each instance's pace, in memory: the outbox's
// deliverer takes the same pace again, shared by every instance, just
// before the email leaves (mail.SharedPace).
const (
	mailPaceEvery   = mail.PaceEvery
	mailPaceBurst   = mail.PaceBurst
	mailPaceHorizon = mail.PaceHorizon
)

func newMailPace() *ratelimit.Pace {
	return &ratelimit.Pace{Every: mailPaceEvery, Burst: mailPaceBurst, Horizon: mailPaceHorizon}
}

// paceLogEvery is how often, at most, the log has a line for one kind of
// mail held back on one campaign (paceLog).
const paceLogEvery = time.Minute

// Why a mail to a typed address went later than asked, or not at all
// (paceLog's "what").
const (
	paceHeld    = "put off: its mailbox had its share lately"
	paceDropped = "not sent: its mailbox has no turn within the hour"
)

// paceLog tells the operator when the mailbox pace holds mail back or
// leaves it out — the sign of someone typing one address over and over —
// without ever the address or its hash: a line per campaign, kind of mail
// and reason, with how many since the last such line, at most one per
// paceLogEvery (the first at once), so an attacker cannot fill the log
// either. What came after a key's last line is told by Run
// (flushPaceLog) once its minute is over, or as the server stops: it
// used to wait for the key's next mail held back, so an attack's last
// minute was never told.
type paceLog = ratelimit.Tally[paceLogKey]

type paceLogKey struct{ campaign, mail, what string }

// notePace counts one mail of kind (a template's name) for campaign (its
// site key) held back for what at now, and logs the count when due.
func (s *Server) notePace(campaign, kind, what string, now time.Time) {
	k := paceLogKey{campaign, kind, what}
	if n, due := s.paceLog.Note(k, now); due {
		s.logPace(k, n)
	}
}

func (s *Server) logPace(k paceLogKey, n int) {
	s.log.Warn("email to a typed address held back by its mailbox's pace (someone may be typing one address over and over)",
		"campaign", k.campaign, "mail", k.mail, "what", k.what, "count", n)
}

// flushPaceLog tells, every paceLogEvery until ctx ends, the counts of
// mail held back that waited for a line, and all of them as it ends.
func (s *Server) flushPaceLog(ctx context.Context) {
	now := time.Now
	if s.cfg.Now != nil {
		now = s.cfg.Now
	}
	t := time.NewTicker(paceLogEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			s.paceLog.Flush(now(), true, s.logPace)
			return
		case <-t.C:
			s.paceLog.Flush(now(), false, s.logPace)
		}
	}
}
