package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/export"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/webhook"
)

const outboxUsage = `See and repair the outbox: the webhook calls, CRM records and emails waiting
to be delivered. placard serve delivers them, retrying failures for up to
48 hours; what still failed after that, or was refused for good, is dead.
placard serve deletes a dead message 32 days after it was made (48 hours of
tries, then 30 days to retry it): 'outbox list' shows the day.

Usage:
  placard outbox list [--status pending|dead]
  placard outbox retry ID...
  placard outbox drop ID...
  placard outbox retry --quarantined
  placard outbox drop --quarantined
  placard outbox drop --erasure-notes ORGANISATION

Every command takes --db (default placard-data/placard.db, or PLACARD_DB),
the same database placard serve uses; they are safe to run while it serves.
`

// outboxCmd dispatches `placard outbox SUB …`.
func outboxCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, outboxUsage)
		return reported(exitUsage)
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "list":
		return outboxList(ctx, rest, getenv, stdout, stderr)
	case "retry":
		return outboxChange(ctx, "retry", rest, getenv, stdout, stderr)
	case "drop":
		return outboxChange(ctx, "drop", rest, getenv, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, outboxUsage)
		return nil
	}
	fmt.Fprint(stderr, outboxUsage)
	return &exitError{code: exitUsage, msg: fmt.Sprintf("unknown outbox command %q", sub) + didYouMean(sub, outboxCommands)}
}

// outboxCommands are the subcommands of outbox, as did-you-mean offers them.
var outboxCommands = []string{"list", "retry", "drop"}

// openOutbox opens the store named by db and returns it with its outbox.
func openOutbox(ctx context.Context, cmd, db string) (store.Store, store.Outbox, error) {
	st, err := openSignatureStore(ctx, cmd, db)
	if err != nil {
		return nil, nil, err
	}
	ob, ok := st.(store.Outbox)
	if !ok {
		st.Close()
		return nil, nil, failure("this database has no outbox")
	}
	return st, ob, nil
}

func outboxList(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const cmd = "outbox list"
	fset := newFlags(cmd, cmd+" [--status pending|dead]", `List the messages waiting in the outbox, oldest first: each one's ID, status,
kind, where it goes, its campaign, how many attempts were made, when the
next is due (for a dead message, the day placard serve deletes it) and why
the last failed. Nothing about the person is shown.`, stdout, stderr)
	status := fset.String("status", "", "list only `pending` or dead messages (default: both)")
	db := fset.dbFlag()
	pos, help, err := fset.parse(args, getenv)
	if help || err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr(cmd, "list takes no arguments, got %q", pos[0])
	}
	st := store.OutboxStatus(strings.TrimSpace(*status))
	if st != "" && st != store.OutboxPending && st != store.OutboxDead {
		return usageErr(cmd, "--status must be pending or dead, not %q", *status)
	}
	s, ob, err := openOutbox(ctx, cmd, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	es, err := ob.List(ctx, st)
	if err != nil {
		return failure("could not read the outbox: %v", err)
	}
	// Bundles set aside as unreadable (quarantine.go), listing's own among them.
	qline, err := quarantineLine(ctx, s)
	if err != nil {
		return failure("could not read the outbox: %v", err)
	}
	// Erasure notes, counted apart by organisation (erasurenotes.go).
	nline, err := notesLine(ctx, s)
	if err != nil {
		return failure("could not read the outbox: %v", err)
	}
	if nline != "" {
		qline = strings.TrimSpace(nline + "\n" + qline)
	}
	if len(es) == 0 {
		what := "The outbox is empty"
		if st != "" {
			what = "No " + string(st) + " messages"
		}
		fmt.Fprintln(stdout, what+": everything has been delivered.")
		if qline != "" {
			fmt.Fprintln(stdout, qline)
		}
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tKIND\tTO\tCAMPAIGN\tATTEMPTS\tNEXT\tLAST ERROR")
	for _, e := range es {
		next := e.NotBefore.UTC().Format(time.DateTime)
		if e.Status == store.OutboxDead {
			// A dead message holds a person's data (an erased
			// address, for an erasure notice): serve deletes it on
			// this day (deadnotices.go).
			next = "deleted " + deadDrop(e).UTC().Format(time.DateOnly)
		}
		camp := e.Org
		if e.Campaign != "" {
			camp += "/" + e.Campaign
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", e.ID, e.Status, e.Kind, shortTarget(e.Target), camp,
			e.Attempts, next, cutError(e.LastError, 60))
	}
	tw.Flush()
	fmt.Fprintf(stdout, "%s.\n", countText(len(es), "message", "messages"))
	if qline != "" {
		fmt.Fprintln(stdout, qline)
	}
	return nil
}

// shortTarget shows where a message goes without a query string, which
// may hold a token: scheme, host and path; "-" for none (email).
func shortTarget(t string) string {
	if t == "" {
		return "-"
	}
	u, err := url.Parse(t)
	if err != nil {
		return "?"
	}
	return u.Scheme + "://" + u.Host + u.EscapedPath()
}

// cutError puts an error on one line of at most n characters.
func cutError(s string, n int) string {
	s = strings.Join(strings.Fields(oneLine(s)), " ")
	if s == "" {
		return "-"
	}
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func outboxChange(ctx context.Context, verb string, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "outbox " + verb
	synopsis := `Deliver these messages again now, whatever their status (as listed by
'placard outbox list'); a running placard serve picks them up within seconds.`
	if verb == "drop" {
		synopsis = `Delete these messages undelivered (as listed by 'placard outbox list').
They are gone for good: nothing will be sent for them.`
	}
	fset := newFlags(cmd, cmd+" ID... | --quarantined", synopsis, stdout, stderr)
	quarantinedUsage := "put the bundles of signed messages set aside as unreadable (see docs/email.md) back in the queue, instead of messages by ID"
	if verb == "drop" {
		quarantinedUsage = "delete the bundles of signed messages set aside as unreadable (see docs/email.md), instead of messages by ID"
	}
	quarantined := fset.Bool("quarantined", false, quarantinedUsage)
	var notes *string
	if verb == "drop" {
		notes = fset.String("erasure-notes", "", "delete the erasure notices waiting for the CRM of `organisation` (one placard serve no longer serves), after you erased those people in that CRM by hand, instead of messages by ID")
	}
	db := fset.dbFlag()
	pos, help, err := fset.parse(args, getenv)
	if help || err != nil {
		return err
	}
	if notes != nil && *notes != "" {
		if len(pos) > 0 || *quarantined {
			return usageErr(cmd, "drop --erasure-notes takes neither message IDs nor --quarantined")
		}
		return dropNotes(ctx, cmd, *db, *notes, stdout) // erasurenotes.go
	}
	if *quarantined {
		if len(pos) > 0 {
			return usageErr(cmd, "%s --quarantined takes no message IDs, got %q", verb, pos[0])
		}
		return changeQuarantined(ctx, cmd, verb, *db, stdout) // quarantine.go
	}
	if len(pos) == 0 {
		return usageErr(cmd, "%s needs at least one message ID; 'placard outbox list' lists them", verb)
	}
	for _, id := range pos {
		if !validMessageID(id) {
			return usageErr(cmd, "%q is not a message ID; IDs are 26 letters and digits as listed by 'placard outbox list'", id)
		}
	}
	s, ob, err := openOutbox(ctx, cmd, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	var n int
	if verb == "drop" {
		n, err = ob.Drop(ctx, pos)
	} else {
		n, err = ob.Requeue(ctx, pos)
	}
	if err != nil {
		return failure("could not %s messages: %v", verb, err)
	}
	past := map[string]string{"retry": "Queued again", "drop": "Dropped"}[verb]
	fmt.Fprintf(stdout, "%s %s.\n", past, countText(n, "message", "messages"))
	if verb == "drop" {
		saidOwed(ctx, s, stderr) // rewrites.go
	}
	if n < len(pos) {
		return failure("%d of the IDs given match no message in the outbox (delivered or dropped already?); 'placard outbox list' lists them",
			len(pos)-n)
	}
	return nil
}

// validMessageID reports whether id looks like signing.NewMessageID's: 26
// lower-case base32 characters (other ids, from other tools, are allowed
// up to 64 letters, digits, - and _).
func validMessageID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// erasureQueued counts what an erasure queued to tell the organisations'
// systems (erasureTell), for saidErased.
type erasureQueued struct {
	events, unsubscribes int
	// notes counts the organisations left a note for placard serve
	// (webhook.ErasureNotes), whose settings this command could not read.
	notes int
	// why says why it could not ("" when it could).
	why string
}

// erasureTell returns what an erasure of the address (forms[0] and its
// other spellings) tells the organisations in dir (webhook.Erasure), to be
// queued in the erasure's own transaction (store.TellErased), and reports
// through queued what it queued: signature.erased events and Action
// Network unsubscribes. An organisation whose settings cannot be read
// here — the folder is missing, has problems, or does not hold it — is
// still told: the erasure leaves it a note (webhook.ErasureNotes) that
// placard serve, which has the settings, turns into the same notices. The
// erasure itself, the person's right, goes ahead at once either way.
func erasureTell(dir string, opts campaign.LoadOptions, forms []string, queued *erasureQueued) store.TellErased {
	now := time.Now()
	var site *campaign.Site
	if _, err := os.Stat(dir); err != nil {
		queued.why = fmt.Sprintf("there is no campaigns folder at %s", dir)
	} else if s, problems := campaign.LoadWith(dir, opts); problems.HasErrors() || s == nil {
		queued.why = fmt.Sprintf("the campaign files in %s have problems (placard check lists them)", dir)
	} else {
		site = s
	}
	var tell func([]signing.Signature) ([]signing.Message, error)
	var skip func(string) bool
	if site != nil {
		tell = webhook.Erasure(site.Org, forms[0], now)
		skip = func(slug string) bool { return site.Org(slug) != nil }
		queued.why = fmt.Sprintf("%s does not hold their settings", dir)
	}
	note := webhook.ErasureNotes(forms[0], now, skip)
	return func(erased []signing.Signature) ([]signing.Message, error) {
		var msgs []signing.Message
		if tell != nil {
			var err error
			if msgs, err = tell(erased); err != nil {
				return nil, err
			}
		}
		notes, err := note(erased)
		if err != nil {
			return nil, err
		}
		for _, m := range msgs {
			if m.Kind == signing.MessageOSDI {
				queued.unsubscribes++
			} else {
				queued.events++
			}
		}
		queued.notes += len(notes)
		return append(msgs, notes...), nil
	}
}

// saidErased says what an erasure queued (erasureTell), in its own
// transaction: they hold the address until delivered, then nothing.
func saidErased(queued erasureQueued, stdout io.Writer) {
	if queued.events > 0 {
		fmt.Fprintf(stdout, "Queued %s to tell your webhooks (placard serve delivers them).\n", countText(queued.events, "signature.erased event", "signature.erased events"))
	}
	if queued.unsubscribes > 0 {
		fmt.Fprintf(stdout, "Queued %s to take the person off your Action Network list (placard serve delivers them).\n", countText(queued.unsubscribes, "unsubscribe", "unsubscribes"))
	}
	if queued.notes > 0 {
		fmt.Fprintf(stdout, "The signatures are erased, but their organisation's webhooks and Action Network list could not be told from here: %s.\n"+
			"Queued a note for %s instead. placard serve from this version or a newer one tells them when it runs on this database (within seconds if one runs now), then deletes the note.\n"+
			"placard serve from an older version does not see the note: if one still runs on this database, restart it from this version.\n"+
			"Until then the note keeps the address in the outbox; 'placard outbox list' shows it as kind erasure.\n",
			queued.why, countText(queued.notes, "organisation", "organisations"))
	}
}

// exportFilter returns which signatures an export keeps: made at or after
// since (a date or an RFC 3339 time; "" for all), with the status asked
// for ("all" for every one; "" for every one but those still waiting,
// pending or unconfirmed).
func exportFilter(cmd, since, status string) (func(*signing.Signature) bool, error) {
	var from time.Time
	if s := strings.TrimSpace(since); s != "" {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			if t, err = time.Parse(time.DateOnly, s); err != nil {
				return nil, usageErr(cmd, "--since %q is not a time; write a date such as 2026-03-01 or a time such as 2026-03-01T09:00:00Z", since)
			}
		}
		from = t
	}
	st := strings.ToLower(strings.TrimSpace(status))
	switch st {
	case "", "all", "approved", "rejected", "pending", "unconfirmed":
	default:
		return nil, usageErr(cmd, "--status must be approved, rejected, pending, unconfirmed or all, not %q%s", status,
			didYouMean(st, []string{"approved", "rejected", "pending", "unconfirmed", "all"}))
	}
	return func(s *signing.Signature) bool {
		if s.CreatedAt.Before(from) {
			return false
		}
		switch st {
		case "all":
			return true
		case "":
			return s.Status != signing.StatusPending && s.Status != signing.StatusUnconfirmed
		}
		return string(s.Status) == st
	}, nil
}

// campaignsOf lists the campaigns of org that have ever had a signature,
// from the store's tallies (no campaign files needed).
func campaignsOf(ctx context.Context, st store.Store, org string) ([]string, error) {
	ts, err := st.Tallies(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, t := range ts {
		if t.Org == org {
			out = append(out, t.Campaign)
		}
	}
	return out, nil
}

// writeOSDI writes the signatures each gives as one JSON array of OSDI
// signatures (webhook.OSDISignature), one per line, and returns how many.
func writeOSDI(w io.Writer, each export.Each) (n int, err error) {
	return export.WriteJSON(w, each, webhook.OSDISignature)
}
