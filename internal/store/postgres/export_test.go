package postgres

import "time"

// ShortRewriteWait makes a rewrite give up waiting for its lock after d,
// for tests holding a reader against it, until restore is called.
func ShortRewriteWait(d time.Duration) (restore func()) {
	was := rewriteLockTimeout
	rewriteLockTimeout = d
	return func() { rewriteLockTimeout = was }
}
