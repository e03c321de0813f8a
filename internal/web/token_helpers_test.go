package web

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/placard/placard/internal/formtoken"
)

// minted makes every agedToken distinct: tokens of the same second are the
// same token, and a token signs once per client. Each is one second older
// than the last, counting back from the clock's start (a base that moved
// with the clock could give two the same second).
var minted atomic.Int64

// agedToken is a token for the campaign at page ("/org/slug"), old enough
// to sign now and distinct from every other it returns: tests that sign
// more than once mint one per signature instead of reusing a form's token
// (refused since tokens sign once) or sleeping.
func (e *signEnv) agedToken(t testing.TB, page string) string {
	t.Helper()
	n := minted.Add(1)
	return e.s.tokens.Issue(page[1:], clockStart.Add(-formtoken.MinAge-time.Duration(n)*time.Second))
}
