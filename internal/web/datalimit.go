package web

import (
	"time"

	"github.com/placard/placard/internal/ratelimit"
)

// dataLinkEvery is how often one address may be sent a link to its data
// page (data.go: dataRequest). The request form answers anyone, and the
// link is the one email an unsubscribed address still gets, so without
// it anyone could have the organisation mail a signer over and over.
const dataLinkEvery = 10 * time.Minute

// newDataLinkPace is the pace of data-page links: one per mailbox and
// organisation every dataLinkEvery, never put off (the supporter asks
// again). Per instance and in memory only, as a keyed hash of the
// mailbox (ratelimit.Pace), so ada+1@ and ada+2@ share ada@'s turns.
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
// either way.
const (
	mailPaceEvery   = 10 * time.Minute
	mailPaceBurst   = 3
	mailPaceHorizon = time.Hour
)

func newMailPace() *ratelimit.Pace {
	return &ratelimit.Pace{Every: mailPaceEvery, Burst: mailPaceBurst, Horizon: mailPaceHorizon}
}
