package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"github.com/placard/placard/internal/store"
)

// A bundle of signed messages that cannot be read is set aside by the
// store (store.Quarantine) instead of stopping delivery and erasure. The
// server says so in its log, the erasing commands on standard error, and
// 'placard outbox list' shows how many are set aside: counts only,
// never an address.

// logQuarantine makes st tell log, with one warning per transaction, of
// every damaged bundle it sets aside or an erasure deletes.
func logQuarantine(st store.Store, log *slog.Logger) {
	q, ok := st.(store.Quarantine)
	if !ok {
		return
	}
	q.OnQuarantine(func(ev store.QuarantineEvent) {
		log.Warn("outbox: damaged bundles of signed messages set aside unsent; 'placard outbox list' counts them, docs/email.md says what to do",
			"quarantined", ev.Quarantined, "removed_by_erasure", ev.Removed, "unreadable_deleted", ev.Unreadable)
	})
}

// noteQuarantine makes st tell stderr, as a note, of every damaged bundle
// it sets aside or an erasure deletes while a command runs.
func noteQuarantine(st store.Store, stderr io.Writer) {
	q, ok := st.(store.Quarantine)
	if !ok {
		return
	}
	q.OnQuarantine(func(ev store.QuarantineEvent) {
		if ev.Quarantined > 0 {
			fmt.Fprintf(stderr, "placard: note: set aside %s of signed messages that could not be read; their messages are not sent (see docs/email.md)\n",
				countText(ev.Quarantined, "damaged bundle", "damaged bundles"))
		}
		if ev.Removed > 0 {
			fmt.Fprintf(stderr, "placard: note: deleted %s that might have held what was erased, their messages unsent\n",
				countText(ev.Removed, "damaged bundle", "damaged bundles"))
		}
		if ev.Unreadable > 0 {
			fmt.Fprintf(stderr, "placard: note: deleted %s of signed messages the database itself could not read (damaged on disk), their messages unsent; the signatures are safe, but check the disk and the database (see docs/email.md)\n",
				countText(ev.Unreadable, "bundle", "bundles"))
		}
	})
}

// quarantineLine is what 'placard outbox list' adds when bundles are set
// aside: how many, and what to do; "" when none is.
func quarantineLine(ctx context.Context, st store.Store) (string, error) {
	q, ok := st.(store.Quarantine)
	if !ok {
		return "", nil
	}
	n, err := q.Quarantined(ctx)
	if err != nil || n == 0 {
		return "", err
	}
	return fmt.Sprintf("Quarantined: %s of signed messages could not be read and will not be sent (see docs/email.md);\n"+
		"'placard outbox retry --quarantined' tries them again, 'placard outbox drop --quarantined' deletes them.",
		countText(n, "damaged bundle", "damaged bundles")), nil
}

// changeQuarantined is 'placard outbox drop --quarantined', which deletes
// every bundle set aside, its messages unsent, and 'placard outbox retry
// --quarantined', which puts them back in the queue for a placard that
// can read them (one that still cannot sets them aside again).
func changeQuarantined(ctx context.Context, cmd, verb, db string, stdout io.Writer) error {
	st, err := openSignatureStore(ctx, cmd, db)
	if err != nil {
		return err
	}
	defer st.Close()
	q, ok := st.(store.Quarantine)
	if !ok {
		return failure("this database has no outbox")
	}
	if verb == "retry" {
		n, err := q.RequeueQuarantined(ctx)
		if err != nil {
			return failure("could not queue the damaged bundles again: %v", err)
		}
		fmt.Fprintf(stdout, "Queued again %s of signed messages; any still unreadable is set aside again.\n",
			countText(n, "quarantined bundle", "quarantined bundles"))
		return nil
	}
	n, err := q.DropQuarantined(ctx)
	if err != nil {
		return failure("could not drop the damaged bundles: %v", err)
	}
	fmt.Fprintf(stdout, "Dropped %s of signed messages.\n", countText(n, "damaged bundle", "damaged bundles"))
	return nil
}
