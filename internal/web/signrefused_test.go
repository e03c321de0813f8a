package web

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/placard/placard/internal/campaign/campaigntest"
	"github.com/placard/placard/internal/formtoken"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/store"
)

// newRefusedEnv is newSignEnv on signFiles plus a petition whose slug
// is so long that an address with it passes store.MaxKeyBytes: the
// store refuses that signature as sent (store.ErrInvalidSignature, the
// Email field). A campaign file name on disk cannot be this long (255
// bytes), so no real site reaches it; it stands for any refusal of a
// field the signer typed.
func newRefusedEnv(t *testing.T, st store.Store, logs *refusedLog) (*signEnv, string) {
	t.Helper()
	slug := strings.Repeat("ab-", 700) + "ab"
	files := signFiles(t)
	files["riverside/"+slug+".yaml"] = `title: A long name
summary: Its slug is long.
date: 2026-01-05
actions:
  - kind: petition
    id: sign
    target: Council
    text: Listen to us.
`
	c := &clock{t: clockStart}
	committer := store.NewCommitter(st, store.CommitterOptions{})
	t.Cleanup(func() { committer.Close() })
	s, err := New(Config{BaseURL: "https://act.example.org", SiteName: "Act", Store: st, Recorder: committer,
		RateLimit: -1, Now: c.now, Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))},
		campaigntest.Site(t, files))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return &signEnv{s: s, st: st, clock: c}, slug
}

// TestSignRefusedByStoreSaysWhatToChange: a signature the store refuses
// as sent is answered 422 with the form again, holding what the signer
// typed and a token that still signs, the message beside the field the
// refusal names saying what to change — and counted for the operator
// (store.Refusals), on SQLite and PostgreSQL. Sending it again is refused
// again and counted again; nothing is stored. Before, the signer was told
// 503 "press the button again in a moment", which could never work, and
// nobody counted it.
func TestSignRefusedByStoreSaysWhatToChange(t *testing.T) {
	forEachEngine(t, func(t *testing.T, st store.Store) {
		var logs refusedLog
		e, slug := newRefusedEnv(t, st, &logs)
		page := "/riverside/" + slug
		v := e.formValues(t, page, "sign-form")
		v.Set("name", "Ada Lovelace")
		v.Set("email", "ada@example.org")
		for n := 1; n <= 2; n++ {
			e.clock.add(5 * time.Second)
			res := e.post(t, page+"/sign?lang=en", v, nil)
			if res.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("try %d: %d, want 422", n, res.StatusCode)
			}
			d := doc(t, res)
			if h := strings.TrimSpace(d.Find("h1").Text()); h != "Check your details" {
				t.Errorf("try %d: heading %q", n, h)
			}
			msg := d.Find("#sign-form-email-error").Text()
			if !strings.Contains(msg, "too long for us to store") {
				t.Errorf("try %d: the email field's message %q, want it to say the address is too long to store", n, msg)
			}
			if body := d.Text(); strings.Contains(body, "press the button again in a moment") {
				t.Errorf("try %d: the signer is told to try again", n)
			}
			got := formOf(d.Find("form#sign-form"))
			for _, k := range []string{"name", "email", "consent"} {
				if got.Get(k) != v.Get(k) {
					t.Errorf("try %d: the form shown again: %s = %q, want %q", n, k, got.Get(k), v.Get(k))
				}
			}
			if p, _ := e.s.tokens.Check("riverside/"+slug, got.Get("token"), e.clock.now()); p != formtoken.OK {
				t.Errorf("try %d: the form shown again carries a token that would not sign: %v", n, p)
			}
			v.Set("token", got.Get("token"))
			counts, err := st.(store.Refusals).RefusedCounts(context.Background(), "riverside")
			if err != nil || counts[slug] != n || len(counts) != 1 {
				t.Errorf("try %d: refused counts %v, %v; want %d for the campaign", n, counts, err, n)
			}
		}
		if c := e.count(t, "riverside", slug); c.Signatures != 0 {
			t.Errorf("stored %d, want none", c.Signatures)
		}
		// The operator's log names the field, never what was typed.
		log := logs.String()
		if !strings.Contains(log, "refused by the store") || !strings.Contains(log, "field=Email") {
			t.Errorf("the log does not tell of the refusal and its field:\n%s", log)
		}
		for _, secret := range []string{"ada@", "Ada Lovelace", "Lovelace"} {
			if strings.Contains(log, secret) {
				t.Errorf("the log holds %q:\n%s", secret, log)
			}
		}
	})
}

// TestRefusedProblemsWorded: every store refusal of a field the signer
// typed has a check message in every language (it is shown beside that
// field), and a refusal of anything else (the campaign's own text, a
// time) is worded under the heading instead.
func TestRefusedProblemsWorded(t *testing.T) {
	for goName := range refusedFields {
		for _, p := range []store.RowProblem{store.ProblemNUL, store.ProblemNotUTF8, store.ProblemKeyTooLong} {
			field, msg, ok := refusedProblem(&store.InvalidSignatureError{Field: goName, Problem: p})
			if !ok || field == "" {
				t.Errorf("%s %s: no field message", goName, p)
				continue
			}
			if !i18n.Known(msg.Key) {
				t.Errorf("%s %s: %s is not in the catalogue", goName, p, msg.Key)
			}
			for _, lang := range i18n.Supported {
				if w := i18n.New(lang, nil).Say(msg); w == "" || strings.HasPrefix(w, "check.") {
					t.Errorf("%s %s in %s: %q", goName, p, lang, w)
				}
			}
		}
	}
	for _, goName := range []string{"Kind", "Status", "ConsentText", "ContactText", "Lang", "CreatedAt", "Org", "Action"} {
		if field, _, ok := refusedProblem(&store.InvalidSignatureError{Field: goName, Problem: store.ProblemNUL}); ok {
			t.Errorf("%s: worded beside the form's field %q, want the message under the heading", goName, field)
		}
	}
	for _, lang := range i18n.Supported {
		if w := i18n.New(lang, nil).T("sign.again.refused.message"); w == "" || w == "sign.again.refused.message" {
			t.Errorf("sign.again.refused.message in %s: %q", lang, w)
		}
	}
}

// refusedLog is a log's text, written and read under a lock: the server
// may log from its own goroutines.
type refusedLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *refusedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *refusedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}
