package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/store/storetest"
)

// TestQuarantine: one damaged bundle of signed messages stops neither
// delivery nor erasure.
func TestQuarantine(t *testing.T) {
	storetest.RunQuarantine(t, func(t *testing.T) storetest.Damaged {
		dsn := migrated(t)
		return storetest.Damaged{Store: open(t, dsn), Damage: damager(t, dsn)}
	})
}

// damageSQL is how each damage is written, to the bundles whose bytes
// hold $1.
var damageSQL = map[storetest.Damage]string{
	storetest.DamageVersion:   `UPDATE outbox_bundles SET messages = set_byte(messages, 0, 9)`,
	storetest.DamageTruncated: `UPDATE outbox_bundles SET messages = substring(messages FROM 1 FOR length(messages) - 5)`,
	storetest.DamageMessage:   `UPDATE outbox_bundles SET messages = set_byte(messages, 2, 0)`,
	storetest.DamageIDs:       `UPDATE outbox_bundles SET signatures = signatures[1:cardinality(signatures) - 1]`,
	storetest.DamageText:      `UPDATE outbox_bundles SET messages = set_byte(messages, 3, 255)`,
	storetest.DamageDue: `UPDATE outbox_bundles
		SET messages = substring(messages FROM 1 FOR length(messages) - 1) || '\xffffffffffffffffff01'::bytea`,
}

// damager returns a storetest.Damaged's Damage for the database at dsn,
// through a connection of its own.
func damager(t *testing.T, dsn string) func(t *testing.T, how storetest.Damage, marker string) {
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(ctx) })
	return func(t *testing.T, how storetest.Damage, marker string) {
		t.Helper()
		q, ok := damageSQL[how]
		if !ok {
			t.Fatalf("unknown damage %q", how)
		}
		tag, err := c.Exec(ctx, q+` WHERE position($1::bytea IN messages) > 0`, []byte(marker))
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if tag.RowsAffected() == 0 {
			t.Fatalf("no bundle holds %q: the test shows nothing", marker)
		}
	}
}
