package postgres_test

import (
	"testing"

	"github.com/placard/placard/internal/store/storetest"
)

func TestMail(t *testing.T) {
	storetest.RunMail(t, func(t *testing.T) storetest.MailStore { return open(t, migrated(t)) })
}

// TestMailWipe: the supporter's erasure, the erasure of unconfirmed
// signatures and the suppression list leave no byte behind in the
// cluster's files (WAL aside, as docs/security.md says), even after
// ANALYZE.
func TestMailWipe(t *testing.T) {
	storetest.RunMailWipe(t, func(t *testing.T) storetest.WipeDisk {
		w, _ := wipeDisk(t, "signatures, mail_suppressions")
		return w
	})
}

func TestConfirming(t *testing.T) {
	storetest.RunConfirming(t, func(t *testing.T) storetest.ConfirmingStore { return open(t, migrated(t)) })
}
