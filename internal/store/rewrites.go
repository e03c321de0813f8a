package store

import "context"

// Rewrites is the disk's side of an erasure that could not finish at
// once. An erasure deletes rows, then rewrites the storage so their bytes
// leave the files (SQLite: a TRUNCATE checkpoint of the write-ahead log;
// PostgreSQL: VACUUM FULL of each table touched). That rewrite can fail
// — a long reader it must wait for, a cancelled request, a server
// shutting down — after the deletion has committed. So every deletion
// records, in its own transaction, the rewrite it owes, and the rewrite
// clears the record only once made: a failed one stays owed, on disk,
// until PayRewrites makes it (storetest.RunWipe's RewriteOwed). The
// erasure itself then succeeds: the rows are gone for every reader, only
// their bytes wait. placard serve pays at start and every minute, each
// failed rewrite tried again later and later (at most hourly). Both
// engines implement it; table names only, never an address.
type Rewrites interface {
	// PayRewrites makes every owed rewrite whose next try is due (all of
	// them when all is set), and returns how many it made, how many stay
	// owed, and the first failure, if any. Several instances may pay at once: on
	// PostgreSQL one rewrites while the others return (no two VACUUM
	// FULL pile up behind each other).
	PayRewrites(ctx context.Context, all bool) (paid, owed int, err error)
}
