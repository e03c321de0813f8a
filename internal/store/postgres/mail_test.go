package postgres_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/pgtest"
	"github.com/placard/placard/internal/store/postgres"
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
		c := pgtest.NewFilesCluster(t)
		dsn := c.Database(t)
		analyze := func(t *testing.T) {
			conn, err := pgx.Connect(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(context.Background())
			if _, err := conn.Exec(context.Background(), "ANALYZE signatures, mail_suppressions"); err != nil {
				t.Fatalf("ANALYZE: %v", err)
			}
		}
		return storetest.WipeDisk{
			Open:   func() (store.Store, error) { return postgres.Open(context.Background(), dsn) },
			Signed: analyze,
			Files: func(t *testing.T) []string {
				c.Checkpoint(t)
				var paths []string
				err := filepath.WalkDir(c.DataDir(), func(p string, d fs.DirEntry, err error) error {
					if err != nil {
						return err
					}
					if d.IsDir() && d.Name() == "pg_wal" {
						return filepath.SkipDir
					}
					if d.Type().IsRegular() {
						paths = append(paths, p)
					}
					return nil
				})
				if err != nil {
					t.Fatalf("listing %s: %v", c.DataDir(), err)
				}
				return paths
			},
		}
	})
}

func TestConfirming(t *testing.T) {
	storetest.RunConfirming(t, func(t *testing.T) storetest.ConfirmingStore { return open(t, migrated(t)) })
}
