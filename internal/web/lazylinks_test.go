package web

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/placard/placard/internal/attribution"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/postgres"
	"github.com/placard/placard/internal/store/postgres/migratedtest"
	"github.com/placard/placard/internal/store/sqlite"
)

// legacyEngines open a store and a way to write its tables with SQL, as
// an older placard left them (placeholders written ?).
var legacyEngines = []struct {
	name string
	open func(t *testing.T) (store.Store, func(query string, args ...any))
}{
	{"sqlite", func(t *testing.T) (store.Store, func(string, ...any)) {
		path := filepath.Join(t.TempDir(), "placard.db")
		db, err := sqlite.Open(context.Background(), path)
		if err != nil {
			t.Fatalf("opening SQLite: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		raw, err := sql.Open("sqlite", path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		return db, func(q string, args ...any) {
			t.Helper()
			if _, err := raw.Exec(q, args...); err != nil {
				t.Fatal(err)
			}
		}
	}},
	{"postgres", func(t *testing.T) (store.Store, func(string, ...any)) {
		dsn := migratedtest.DSN(t)
		db, err := postgres.Open(context.Background(), dsn)
		if err != nil {
			t.Fatalf("opening PostgreSQL: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		c, err := pgx.Connect(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(context.Background()) })
		return db, func(q string, args ...any) {
			t.Helper()
			for i := range args {
				q = strings.Replace(q, "?", "$"+string(rune('1'+i)), 1)
			}
			if _, err := c.Exec(context.Background(), q, args...); err != nil {
				t.Fatal(err)
			}
		}
	}},
}

// TestLegacyLinks: personal links made before links were keyed by the
// link secret were stored when made, under attribution.LegacyToken of
// their key with the key's hash. On a database holding such rows (written
// here with SQL, as the link pool wrote them), the private page of a
// legacy key shows its stored count and its own link, and share links
// already out (?ref=legacy-token) keep crediting it; a row under a key's
// legacy token with another key's hash opens nothing, and that key gets
// the page of a new link; a new key's page shows the token under the
// link secret, with no row until its link brings someone.
func TestLegacyLinks(t *testing.T) {
	for _, eng := range legacyEngines {
		t.Run(eng.name, func(t *testing.T) {
			st, exec := eng.open(t)
			e := newSignEnv(t, st, nil)
			const key = "abcdefghijklmnopqrstuvwxyz"
			legacy := attribution.LegacyToken(key)
			hash := attribution.KeyHash(key)
			exec(`INSERT INTO referrals (org, campaign, token, secret_hash, signatures) VALUES ('riverside', 'save-the-library', ?, ?, 2)`, legacy, hash[:])
			const forged = "zyxwvutsrqponmlkjihgfedcba"
			exec(`INSERT INTO referrals (org, campaign, token, secret_hash, signatures) VALUES ('riverside', 'save-the-library', ?, ?, 7)`,
				attribution.LegacyToken(forged), hash[:])

			impact := func(key string) (h1, link string) {
				t.Helper()
				res := get(t, e.s, "GET", libraryPage+"/impact?key="+key, nil)
				wantStatus(t, res, 200)
				d := doc(t, res)
				return d.Find("h1").Text(), d.Find("#impact-link").AttrOr("value", "")
			}
			if h, link := impact(key); h != "Your link brought 2 signatures" || link != "https://act.example.org"+libraryPage+"?ref="+legacy {
				t.Errorf("legacy key's private page: %q, link %q; want its 2 signatures and ?ref=%s", h, link, legacy)
			}
			// Someone follows the share link already out.
			wantStatus(t, e.signVia(t, libraryPage+"?ref="+legacy, "follower@example.org"), 303)
			flushAllCredits(t, e.s)
			if h, _ := impact(key); h != "Your link brought 3 signatures" {
				t.Errorf("legacy key's private page after one more: %q, want 3 signatures", h)
			}
			if got, err := st.Referral(context.Background(), "riverside", "save-the-library", legacy, &hash); err != nil || got.Signatures != 3 {
				t.Errorf("legacy row: %+v, %v; want 3 signatures and its hash kept", got, err)
			}

			// A key whose legacy token names a row with another hash opens
			// a new link's page, not that row's count.
			if h, link := impact(forged); !strings.Contains(h, "not brought a signature yet") || link != "https://act.example.org"+libraryPage+"?ref="+e.s.links.Token(forged) {
				t.Errorf("key whose legacy row holds another hash: %q, link %q; want a new link's page", h, link)
			}

			// A new signer's link: the token under the link secret, stored
			// nowhere until it brings someone; then its page counts.
			mine := e.signAndLook(t, "new@example.org")
			token := e.s.links.Token(mine.key)
			if token == attribution.LegacyToken(mine.key) {
				t.Fatalf("new link's token is its legacy token %q", token)
			}
			if _, err := st.Referral(context.Background(), "riverside", "save-the-library", token, nil); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("a new link before it brought anyone: %v, want no row", err)
			}
			if h, link := impact(mine.key); !strings.Contains(h, "not brought a signature yet") || link != "https://act.example.org"+libraryPage+"?ref="+token {
				t.Errorf("new key's private page: %q, link %q", h, link)
			}
			wantStatus(t, e.signVia(t, libraryPage+"?ref="+token, "friend@example.org"), 303)
			flushAllCredits(t, e.s)
			if h, _ := impact(mine.key); h != "Your link brought 1 signature" {
				t.Errorf("new key's private page after a friend signed: %q", h)
			}
			if got, err := st.Referral(context.Background(), "riverside", "save-the-library", token, nil); err != nil || got != (signing.ReferralCount{Org: "riverside", Campaign: "save-the-library", Token: token, Signatures: 1}) {
				t.Errorf("new link's row after a friend signed: %+v, %v", got, err)
			}
		})
	}
}

// TestLinkTokenSharedByInstances: two servers on one database (two
// instances, or one restarted) name the same token for a key, so a
// private page opened on either shows the link its owner shares.
func TestLinkTokenSharedByInstances(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		a, b := newSignEnv(t, st, nil), newSignEnv(t, st, nil)
		const key = "abcdefghijklmnopqrstuvwxyz"
		if ta, tb := a.s.links.Token(key), b.s.links.Token(key); ta != tb {
			t.Errorf("two instances name a key's link %q and %q", ta, tb)
		}
		if a.s.links.Token(key) == attribution.NewLinks(make([]byte, 32)).Token(key) {
			t.Errorf("the link secret is all zeros")
		}
	})
}
