package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/export"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/store/postgres"
	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/internal/webhook"
)

// stdin is where `signatures erase --email -` reads the address; tests
// replace it.
var stdin io.Reader = os.Stdin

const signaturesUsage = `Manage the signatures people have given: export them, erase a person's,
erase those past their campaign's retention, and approve or reject organisations that signed an open letter.

Usage:
  placard signatures export --campaign ORG/SLUG [--format csv|json]
  placard signatures erase --email ADDRESS   (--email - reads it from standard input)
  placard signatures purge [--dry-run]
  placard signatures move ORG FROM TO   (a renamed campaign's signatures follow it)
  placard signatures pending --campaign ORG/SLUG
  placard signatures approve ID...   (tells your webhooks; --campaigns names their folder)
  placard signatures reject ID...

Every command takes --db (default placard-data/placard.db, or PLACARD_DB),
the same database placard serve uses; they are safe to run while it serves.
Run 'placard signatures COMMAND --help' for a command's flags.
`

// signatures dispatches `placard signatures SUB …`. Each subcommand opens
// the store named by --db, does one thing and closes it; SQLite's WAL mode
// and PostgreSQL both let it run beside a serving instance.
func signatures(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, signaturesUsage)
		return reported(exitUsage)
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "export":
		return signaturesExport(ctx, rest, getenv, stdout, stderr)
	case "erase":
		return signaturesErase(ctx, rest, getenv, stdout, stderr)
	case "purge":
		return signaturesPurge(ctx, rest, getenv, stdout, stderr)
	case "move":
		return signaturesMove(ctx, rest, getenv, stdout, stderr) // move.go
	case "pending":
		return signaturesPending(ctx, rest, getenv, stdout, stderr)
	case "approve":
		return signaturesModerate(ctx, "approve", signing.StatusApproved, rest, getenv, stdout, stderr)
	case "reject":
		return signaturesModerate(ctx, "reject", signing.StatusRejected, rest, getenv, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, signaturesUsage)
		return nil
	}
	fmt.Fprint(stderr, signaturesUsage)
	return &exitError{code: exitUsage, msg: fmt.Sprintf("unknown signatures command %q", sub) + didYouMean(sub, signaturesCommands)}
}

// signaturesCommands are the subcommands of signatures, as did-you-mean
// offers them.
var signaturesCommands = []string{"export", "erase", "pending", "approve", "reject", "purge", "move"}

// openSignatureStore opens the store at db for a signatures command. Unlike
// serve it never creates a SQLite file: a mistyped --db must not look like an
// empty database (an erasure reporting 0 from the wrong file would mislead).
// Errors are plain sentences for the operator.
func openSignatureStore(ctx context.Context, cmd, db string) (store.Store, error) {
	db = strings.TrimSpace(db)
	if db == "" {
		return nil, usageErr(cmd, "--db must name a file, such as placard-data/placard.db, or a postgres:// address")
	}
	if strings.Contains(db, "://") {
		u, err := url.Parse(db)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return nil, usageErr(cmd, "--db %q: only postgres:// addresses are supported; for SQLite give a file path such as placard-data/placard.db", redactDB(db))
		}
		s, err := postgres.Open(ctx, db)
		if err != nil {
			return nil, failure("cannot open the PostgreSQL database %s: %v", redactDB(db), err)
		}
		return s, nil
	}
	fi, err := os.Stat(db)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil, failure("there is no signature database at %s; placard serve creates it on first start (name another with --db or PLACARD_DB)", db)
	case err != nil:
		return nil, failure("cannot read the signature database %s: %v", db, err)
	case fi.IsDir():
		return nil, usageErr(cmd, "--db %q is a folder; give the database file inside it, such as %s", db, filepath.Join(db, "placard.db"))
	}
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		return nil, failure("cannot open the signature database %s: %v", db, err)
	}
	return s, nil
}

// parseCampaignRef reads ORG/SLUG as given to --campaign.
func parseCampaignRef(cmd, ref string) (org, slug string, err error) {
	ref = strings.Trim(strings.TrimSpace(ref), "/")
	if ref == "" {
		return "", "", usageErr(cmd, "--campaign is required: name the campaign as ORG/SLUG, as in its address, such as riverside/save-the-library")
	}
	org, slug, ok := strings.Cut(ref, "/")
	if !ok || org == "" || slug == "" || strings.Contains(slug, "/") {
		return "", "", usageErr(cmd, "--campaign %q: name the campaign as ORG/SLUG, as in its address, such as riverside/save-the-library", ref)
	}
	return org, slug, nil
}

// eraseForms is signing.EraseForms (the console erases the same way).
func eraseForms(s string) []string { return signing.EraseForms(s) }

// exportColumns is the CSV header (internal/export, which the console's
// downloads share).
var exportColumns = export.Columns

// defuseCell is export.DefuseCell.
func defuseCell(s string) string { return export.DefuseCell(s) }

const exportSynopsis = `Write every signature of one campaign to standard output, oldest first,
with the consent text each signer was shown and when they agreed, and — in
contact_permission and contact_permission_at — the sentence of the optional
box allowing you to contact them later and when they ticked it (both empty
when they did not: do not contact those signers beyond this campaign).

  --format csv   (default) one header row, then one row per signature. Cells
                 that a spreadsheet would read as a formula (starting with
                 = + - @, a tab or a carriage return) start with an apostrophe.
  --format json  one JSON array of objects with the same names as the CSV
                 header; values are exactly as stored.
  --format osdi  one JSON array of OSDI signatures, each with its person
                 (given_name, family_name, email_addresses, …), as CRMs
                 that speak OSDI import them (docs/webhooks.md).
  --excel        a CSV Excel opens with Arabic, Hebrew and accents intact.

Signatures still waiting (pending moderation, or unconfirmed) are left out
unless --status asks for them. --all ORG exports every campaign of one
organisation; --since TIME only what was signed since, for a nightly sync.

Example: placard signatures export --campaign riverside/save-the-library > signatures.csv
         placard signatures export --all riverside --since 2026-03-01 --format osdi`

func signaturesExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const cmd = "signatures export"
	fset := newFlags(cmd, cmd+" --campaign ORG/SLUG | --all ORG [--format csv|json|osdi] [--since TIME] [--status S] [--excel]", exportSynopsis, stdout, stderr)
	ref := fset.String("campaign", "", "the campaign to export, as `ORG/SLUG`")
	all := fset.String("all", "", "export every campaign of the organisation `ORG` instead of one")
	format := fset.String("format", "csv", "output `format`: csv, json or osdi")
	since := fset.String("since", "", "only signatures made at or after `TIME` (2026-03-01 or 2026-03-01T09:00:00Z), for scheduled syncs")
	status := fset.String("status", "", "only signatures with this `status`: approved, rejected, pending or all (default: all but those still pending or unconfirmed)")
	excel := fset.Bool("excel", false, "start the CSV with a byte-order mark, so Excel shows Arabic, Hebrew and accents correctly")
	db := fset.dbFlag()
	pos, help, err := fset.parse(args, getenv)
	if help || err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr(cmd, "export takes no arguments, got %q; name the campaign with --campaign ORG/SLUG", pos[0])
	}
	var org, slug string
	switch {
	case strings.TrimSpace(*all) != "" && strings.TrimSpace(*ref) != "":
		return usageErr(cmd, "give --campaign ORG/SLUG or --all ORG, not both")
	case strings.TrimSpace(*all) != "":
		org = strings.Trim(strings.TrimSpace(*all), "/")
		if strings.Contains(org, "/") {
			return usageErr(cmd, "--all takes an organisation, such as riverside, not %q", *all)
		}
	default:
		if org, slug, err = parseCampaignRef(cmd, *ref); err != nil {
			return err
		}
	}
	f := strings.ToLower(strings.TrimSpace(*format))
	if f != "csv" && f != "json" && f != "osdi" {
		return usageErr(cmd, "--format must be csv or json (or osdi), not %q%s", *format, didYouMean(f, []string{"csv", "json", "osdi"}))
	}
	if *excel && f != "csv" {
		return usageErr(cmd, "--excel is for --format csv")
	}
	keep, err := exportFilter(cmd, *since, *status)
	if err != nil {
		return err
	}
	st, err := openSignatureStore(ctx, cmd, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	slugs := []string{slug}
	if slug == "" {
		if slugs, err = campaignsOf(ctx, st, org); err != nil {
			return failure("listing the campaigns of %s: %v", org, err)
		}
	}
	each := func(fn func(*signing.Signature) error) error {
		for _, sl := range slugs {
			if err := readCampaign(ctx, st, org, sl, "", func(s *signing.Signature) error {
				if !keep(s) {
					return nil
				}
				return fn(s)
			}); err != nil {
				return err
			}
		}
		return nil
	}

	if *excel {
		// A byte-order mark before the header: Excel then reads UTF-8.
		if _, err := io.WriteString(stdout, "\ufeff"); err != nil {
			return failure("writing the export: %v", err)
		}
	}
	var n int
	if f == "osdi" {
		n, err = writeOSDI(stdout, each)
	} else {
		n, err = export.Write(stdout, f, each)
	}
	what := org + "/" + slug
	if slug == "" {
		what = countText(len(slugs), "campaign", "campaigns") + " of " + org
	}
	if err != nil {
		return failure("exporting %s: %v", what, err)
	}
	fmt.Fprintf(stderr, "Exported %s from %s.\n", countText(n, "signature", "signatures"), what)
	return nil
}

const eraseSynopsis = `Remove every signature given with an email address, on every campaign, and
say how many were removed. The address is matched as signing stores it
(spaces trimmed, lower case, fullwidth and other look-alike forms read as
the plain letters). Finding none is not an error. The counts
placard stats shows stay as they are: they hold nothing about anyone, and no
count can be traced back to the person erased.

With --email - the address is read from the first line of standard input,
so it stays out of the shell history and the process list:

  placard signatures erase --email -
  (type the address, then Enter)

Once the command returns, no byte of the erased signatures is left in the
database files: SQLite overwrites them with zeros and empties its
write-ahead log; PostgreSQL rewrites the signatures table (VACUUM FULL),
during which signing waits. Backups and PostgreSQL's WAL keep them until
they expire (see docs/security.md).

Example: placard signatures erase --email sam@example.org`

func signaturesErase(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const cmd = "signatures erase"
	fset := newFlags(cmd, cmd+" --email ADDRESS", eraseSynopsis, stdout, stderr)
	email := fset.String("email", "", "the signer's email `address`, or - to read it from standard input")
	db := fset.dbFlag()
	campaigns := fset.campaignsFlag("`folder` of campaign files whose signature.erased webhooks are told (when it exists)")
	secretEnv := fset.secretEnvFlag() // secretenv.go
	pos, help, err := fset.parse(args, getenv)
	if help || err != nil {
		return err
	}
	opts, err := loadOptions(fset, *secretEnv)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr(cmd, "erase takes no arguments, got %q; give the address with --email", pos[0])
	}
	if strings.TrimSpace(*email) == "-" {
		line, err := readLine(stdin)
		if err != nil {
			return failure("reading the address from standard input: %v", err)
		}
		if strings.TrimSpace(line) == "" {
			return usageErr(cmd, "--email - reads the address from standard input, which gave none; type it on one line, then Enter")
		}
		*email = line
	}
	forms := eraseForms(*email)
	addr := forms[0]
	if addr == "" {
		return usageErr(cmd, "--email is required: the address whose signatures should be removed")
	}
	// An erasure also deletes every set-aside damaged bundle whose bytes
	// hold what it erases (docs/email.md): "@" or "ann@" would take most.
	if at := strings.LastIndexByte(addr, '@'); at <= 0 || at == len(addr)-1 {
		return usageErr(cmd, "--email %q is not an email address; it needs an @ with the name before it and the domain after, such as sam@example.org", *email)
	}
	st, err := openSignatureStore(ctx, cmd, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	noteQuarantine(st, stderr) // quarantine.go
	// What the organisations' systems are told is queued in each
	// erasure's own transaction, so a crash cannot split the two.
	var queued erasureQueued
	tell := erasureTell(*campaigns, opts, forms, &queued) // outbox.go
	er, telling := st.(store.Erasures)
	n := 0
	for _, f := range forms {
		var m int
		var err error
		if telling {
			m, err = er.EraseTold(ctx, f, tell)
		} else {
			m, err = st.Erase(ctx, f)
		}
		if err != nil {
			return failure("erasing the signatures of %s: %v", f, err)
		}
		n += m
	}
	fmt.Fprintf(stdout, "Removed %s for %s\n", countText(n, "signature", "signatures"), addr)
	saidErased(queued, stdout)
	saidOwed(ctx, st, stderr) // rewrites.go
	return nil
}

// readLine returns the first line of r without its line ending. An address
// is short: more than 4 KiB without a line break is refused rather than
// read on.
func readLine(r io.Reader) (string, error) {
	br := bufio.NewReaderSize(io.LimitReader(r, 4096), 4096)
	line, err := br.ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	if err == io.EOF && len(line) == 4096 {
		return "", errors.New("the first line is longer than 4096 bytes; give one address on one line")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

const pendingSynopsis = `List the organisations that signed an open letter and are waiting for
approval, oldest first. Approve or reject them by ID:

  placard signatures approve ID...
  placard signatures reject ID...`

func signaturesPending(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const cmd = "signatures pending"
	fset := newFlags(cmd, cmd+" --campaign ORG/SLUG", pendingSynopsis, stdout, stderr)
	ref := fset.String("campaign", "", "the letter's campaign, as `ORG/SLUG`")
	db := fset.dbFlag()
	pos, help, err := fset.parse(args, getenv)
	if help || err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr(cmd, "pending takes no arguments, got %q; name the campaign with --campaign ORG/SLUG", pos[0])
	}
	org, slug, err := parseCampaignRef(cmd, *ref)
	if err != nil {
		return err
	}
	st, err := openSignatureStore(ctx, cmd, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := listPending(ctx, st, org, slug, stdout)
	if err != nil {
		return failure("listing %s/%s: %v", org, slug, err)
	}
	if n == 0 {
		fmt.Fprintf(stdout, "No organisations are waiting for approval on %s/%s.\n", org, slug)
		return nil
	}
	fmt.Fprintf(stdout, "%s waiting. Approve with: placard signatures approve ID...\n",
		countText(n, "organisation", "organisations"))
	return nil
}

// listPending writes the table of org/slug's organisations waiting for
// approval to w, oldest first, and returns how many it listed (with
// nothing written when none waits). It reads a page at a time
// (readCampaign) and writes each page's rows before reading the next, so
// memory holds one page however long the queue: the table's columns are
// aligned within each block of store.MaxPage rows.
func listPending(ctx context.Context, st store.Store, org, slug string, w io.Writer) (int, error) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	n := 0
	err := readCampaign(ctx, st, org, slug, signing.StatusPending, func(s *signing.Signature) error {
		if s.Kind != signing.KindOrganisation {
			return nil
		}
		if n == 0 {
			fmt.Fprintln(tw, "ID\tORGANISATION\tNAME\tROLE\tEMAIL\tSIGNED (UTC)")
		}
		n++
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", s.ID, oneLine(s.Organisation), oneLine(s.Name),
			oneLine(s.Role), oneLine(s.Email), s.CreatedAt.UTC().Format("2006-01-02 15:04"))
		if n%store.MaxPage == 0 {
			return tw.Flush()
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	if err := tw.Flush(); err != nil {
		return n, fmt.Errorf("writing the list: %w", err)
	}
	return n, nil
}

// oneLine keeps a stored value on its own table row: tabs and line breaks
// become spaces, so what a signer typed cannot forge a row in the list.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

func signaturesModerate(ctx context.Context, verb string, status signing.Status, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "signatures " + verb
	synopsis := fmt.Sprintf(`%s the signatures with these IDs, as listed by 'placard signatures
pending'. An approved organisation joins the letter's listed signatories
within a second or two; a rejected one is never shown or counted.

Your webhooks and Action Network hear of a signature once it counts, as
they do in the console: approving one sends signature.created (and the
Action Network record when the signer allowed you to contact them);
rejecting one they had heard of sends signature.updated; rejecting one
still waiting sends nothing. They are queued with the decision and
placard serve delivers them. --campaigns names the folder whose org.yaml
says where they go: without it, or for an organisation it does not
hold, nothing is decided, since a decision made
without telling them is never told. --no-webhooks decides all the same,
telling no one (for organisations with no webhooks or Action Network).
--base-url (or PLACARD_BASE_URL, as for placard serve) gives the events
their campaign's browser_url; without it they have none.
A signature waiting for its signer to confirm their address is theirs to
confirm, not yours to decide.`, strings.ToUpper(verb[:1])+verb[1:])
	fset := newFlags(cmd, cmd+" ID...", synopsis, stdout, stderr)
	db := fset.dbFlag()
	campaigns := fset.campaignsFlag("`folder` of campaign files whose webhooks and Action Network hear of the decision")
	noHooks := fset.Bool("no-webhooks", false, "decide without the campaign files: no webhook or Action Network ever hears of these decisions")
	baseURL := fset.String("base-url", "", "public `address` of the site, as placard serve's, for the campaign's browser_url in webhook events (left out without it)")
	fset.env("base-url", "PLACARD_BASE_URL")
	secretEnv := fset.secretEnvFlag() // secretenv.go
	pos, help, err := fset.parse(args, getenv)
	if help || err != nil {
		return err
	}
	opts, err := loadOptions(fset, *secretEnv)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageErr(cmd, "%s needs at least one signature ID; 'placard signatures pending --campaign ORG/SLUG' lists them", verb)
	}
	ids := make([]int64, 0, len(pos))
	for _, a := range pos {
		id, err := strconv.ParseInt(strings.TrimPrefix(a, "#"), 10, 64)
		if err != nil || id <= 0 {
			return usageErr(cmd, "%q is not a signature ID; IDs are whole numbers as listed by 'placard signatures pending'", a)
		}
		ids = append(ids, id)
	}
	base := strings.TrimSpace(*baseURL)
	if base != "" {
		if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usageErr(cmd, "%s must be a full address such as https://act.example.org, not %q", fset.source("base-url"), *baseURL)
		}
	}
	site, err := moderationSite(*campaigns, opts, *noHooks, stderr)
	if err != nil {
		return err
	}
	st, err := openSignatureStore(ctx, cmd, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	mod, ok := st.(store.Moderation)
	if !ok {
		return failure("this database cannot moderate signatures")
	}
	past := map[signing.Status]string{signing.StatusApproved: "Approved", signing.StatusRejected: "Rejected"}[status]
	var missing, waiting, removed, unserved []string
	queued := 0
	for _, id := range ids {
		var before signing.Signature
		changed := false
		_, err := mod.Decide(ctx, "", []int64{id}, "", status, func(cs []signing.Change) ([]signing.Message, error) {
			before, changed = cs[0].Before, true
			if before.Status == signing.StatusUnconfirmed {
				return nil, errUnconfirmed
			}
			if site == nil {
				return nil, nil
			}
			o := site.Org(before.Org)
			if o == nil {
				// No org.yaml says whom to tell: decided now, it would
				// never be told.
				return nil, errNotInFolder
			}
			msgs := webhook.Changes(o, cs, time.Now(), base)
			queued += len(msgs)
			return msgs, nil
		})
		switch {
		case errors.Is(err, store.ErrNotFound):
			missing = append(missing, strconv.FormatInt(id, 10))
		case errors.Is(err, errUnconfirmed):
			waiting = append(waiting, strconv.FormatInt(id, 10))
		case errors.Is(err, store.ErrRemovedCampaign):
			removed = append(removed, strconv.FormatInt(id, 10))
		case errors.Is(err, errNotInFolder):
			unserved = append(unserved, fmt.Sprintf("%d (organisation %s)", id, before.Org))
		case err != nil:
			return failure("could not %s signature %d: %v", verb, id, err)
		case !changed:
			fmt.Fprintf(stdout, "Signature %d was already %s.\n", id, strings.ToLower(past))
		default:
			fmt.Fprintf(stdout, "%s signature %d.\n", past, id)
		}
	}
	if queued > 0 {
		fmt.Fprintf(stdout, "Queued %s for your webhooks and Action Network (placard serve delivers them).\n", countText(queued, "message", "messages"))
	}
	var problems []string
	if len(waiting) > 0 {
		problems = append(problems, fmt.Sprintf("signature %s is still waiting for its signer to confirm their address, so it is neither approved nor rejected: it counts once they confirm, and is erased if they do not",
			strings.Join(waiting, ", ")))
	}
	if len(removed) > 0 {
		problems = append(problems, fmt.Sprintf("signature %s belongs to a campaign whose file was removed, so it was not approved: approving would count it, and show the name, for a letter that is no longer there; you can still reject it, and if the campaign is back and is the same letter, 'placard signatures move' brings its signatures back (the server's log and 'placard signatures purge --dry-run' name the command)",
			strings.Join(removed, ", ")))
	}
	if len(unserved) > 0 {
		problems = append(problems, fmt.Sprintf("signature %s belongs to an organisation that is not in the campaigns folder %s, so nothing was decided on it: your webhooks and Action Network hear of a decision only when it is made with the organisation's org.yaml; name the folder placard serve uses with --campaigns FOLDER, or add --no-webhooks if that organisation has no webhooks or Action Network",
			strings.Join(unserved, ", "), *campaigns))
	}
	if len(missing) > 0 {
		problems = append(problems, fmt.Sprintf("no signature has ID %s; 'placard signatures pending --campaign ORG/SLUG' lists the IDs waiting",
			strings.Join(missing, ", ")))
	}
	if len(problems) > 0 {
		return failure("%s", strings.Join(problems, "; and "))
	}
	return nil
}

// readCampaign calls fn for every signature of org/slug (with status, or
// every status for ""), oldest first, a
// page at a time (store.Each) when the store pages, as both engines do: no
// read stays open while the export is written to a pipe or a slow disk,
// which on SQLite would keep an erasure meanwhile from emptying the
// write-ahead log.
func readCampaign(ctx context.Context, st store.Store, org, slug string, status signing.Status, fn func(*signing.Signature) error) error {
	if p, ok := st.(store.Paging); ok {
		return store.Each(ctx, p, store.PageQuery{Org: org, Campaigns: []string{slug}, Status: status}, fn)
	}
	return st.Signatures(ctx, org, slug, status, fn)
}

// errNotInFolder refuses a decision on a signature whose organisation
// the campaigns folder does not hold: no org.yaml says whom it tells.
var errNotInFolder = errors.New("its organisation is not in the campaigns folder")

// errUnconfirmed refuses a decision on a signature waiting for its
// signer's confirmation.
var errUnconfirmed = errors.New("waiting for its signer's confirmation")

// moderationSite loads the campaigns folder dir for a moderation
// command, whose org.yaml files say which webhooks and Action Network
// hear of the decisions. No folder there, or a folder with problems,
// stops the command before anything is decided, since what a decision
// tells is queued with it or never: before, no folder decided with a note
// on stderr, and the CRM never heard of those decisions. noHooks
// (--no-webhooks) is the operator saying no one is to be told: it returns
// nil, saying so.
func moderationSite(dir string, opts campaign.LoadOptions, noHooks bool, stderr io.Writer) (*campaign.Site, error) {
	if noHooks {
		fmt.Fprintf(stderr, "placard: note: --no-webhooks: no webhook or Action Network hears of these decisions, now or later\n")
		return nil, nil
	}
	if _, err := os.Stat(dir); err != nil {
		return nil, failure("there is no campaigns folder at %s, and your webhooks and Action Network hear of a decision only when it is made with one — nothing was decided; run the command where placard serve runs, name the folder with --campaigns FOLDER, or add --no-webhooks if your organisations have no webhooks or Action Network", dir)
	}
	site, problems := campaign.LoadWith(dir, opts)
	if problems.HasErrors() || site == nil {
		return nil, failure("%s has problems (placard check lists them); fix them first, so your webhooks and Action Network hear of these decisions, or name another folder with --campaigns — nothing was decided", dir)
	}
	return site, nil
}
