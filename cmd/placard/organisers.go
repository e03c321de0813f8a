package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/console"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/store"
)

const organisersUsage = `Manage who may use the organisers' console (/admin/ on the site, or
serve --admin-addr): invite organisers, list them, change what they may do,
remove them.

Usage:
  placard organisers invite ORG EMAIL [--role editor|viewer]
  placard organisers invite --site-admin EMAIL
  placard organisers list [--org ORG]
  placard organisers role ORG EMAIL --role editor|viewer
  placard organisers remove ORG EMAIL
  placard organisers remove --site-admin EMAIL

Every command takes --db (default placard-data/placard.db, or PLACARD_DB),
the same database placard serve uses.
Run 'placard organisers COMMAND --help' for a command's flags.
`

// organisersCommands are the subcommands of organisers, as did-you-mean
// offers them.
var organisersCommands = []string{"invite", "list", "role", "remove"}

// organisers dispatches `placard organisers SUB …`.
func organisers(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, organisersUsage)
		return reported(exitUsage)
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "invite":
		return organisersInvite(ctx, rest, getenv, stdout, stderr)
	case "list":
		return organisersList(ctx, rest, getenv, stdout, stderr)
	case "role":
		return organisersRole(ctx, rest, getenv, stdout, stderr)
	case "remove":
		return organisersRemove(ctx, rest, getenv, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, organisersUsage)
		return nil
	}
	fmt.Fprint(stderr, organisersUsage)
	return &exitError{code: exitUsage, msg: fmt.Sprintf("unknown organisers command %q", sub) + didYouMean(sub, organisersCommands)}
}

const inviteSynopsis = `Invite an organiser of ORG (a folder of the campaigns folder) and print a
one-time invitation link. Opening it shows a button; pressing it signs
them in once and asks them to add a passkey. The link works once, for 7
days; inviting the same address again prints a new link (the old one
keeps working until it is used or expires).

  --role editor  (default) may moderate, export, erase and edit files
  --role viewer  sees the dashboard and figures, changes nothing
  --site-admin   an operator: may act for every organisation (no ORG)

The link starts with --base-url (or PLACARD_ADMIN_URL, else
PLACARD_BASE_URL): the address the console is reached at.

Example: placard organisers invite riverside-coalition sam@riverside.example`

func organisersInvite(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const cmd = "organisers invite"
	fset := newFlags(cmd, cmd+" ORG EMAIL [--role editor|viewer] | --site-admin EMAIL", inviteSynopsis, stdout, stderr)
	role := fset.String("role", "editor", "what the organiser may do: `editor` or viewer")
	siteAdmin := fset.Bool("site-admin", false, "invite an operator who may act for every organisation")
	base := fset.String("base-url", "", "the console's public `address`, such as https://act.example.org (default http://127.0.0.1:8080)")
	fset.env("base-url", "PLACARD_ADMIN_URL")
	campaigns := fset.campaignsFlag("`folder` holding one folder per organisation, to check ORG")
	db := fset.dbFlag()
	pos, help, err := fset.parse(args, getenv)
	if help || err != nil {
		return err
	}
	org, email, r, err := organiserArgs(cmd, pos, *siteAdmin, *role, fset.source("role"))
	if err != nil {
		return err
	}
	if org != "" {
		if err := checkOrgFolder(cmd, *campaigns, org); err != nil {
			return err
		}
	}
	link := *base
	if link == "" {
		link = strings.TrimSpace(getenv("PLACARD_BASE_URL"))
	}
	if link == "" {
		link = "http://127.0.0.1:8080"
	}
	if u, err := url.Parse(link); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageErr(cmd, "%s must be a full address such as https://act.example.org, not %q", fset.source("base-url"), link)
	}
	st, err := openServeStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	l, o, err := console.Invitation(ctx, st, link, org, email, r, time.Now())
	if err != nil {
		return failure("inviting: %v", err)
	}
	who := fmt.Sprintf("as %s of %s", o.Role, org)
	if org == "" {
		who = "as a site admin (every organisation)"
	}
	if roleGiven(fset) && o.Role != r {
		// An invitation never changes the role of someone already
		// invited: say so, and how to change it.
		fmt.Fprintf(stderr, "%s is already %s of %s, and a new invitation keeps that role. To change it: placard organisers role %s %s --role %s\n", o.Email, o.Role, org, org, o.Email, r)
	}
	fmt.Fprintf(stderr, "Invited %s %s. Send them this link; it works once, until %s:\n", o.Email, who, time.Now().Add(accounts.InviteTTL).UTC().Format("2 January 2006 15:04 UTC"))
	fmt.Fprintln(stdout, l)
	return nil
}

// organiserArgs reads ORG EMAIL (or --site-admin EMAIL) and the role.
func organiserArgs(cmd string, pos []string, siteAdmin bool, role, roleSource string) (org, email string, r accounts.Role, err error) {
	want := 2
	if siteAdmin {
		want = 1
	}
	if len(pos) != want {
		if siteAdmin {
			return "", "", "", usageErr(cmd, "give the address after --site-admin: %s --site-admin EMAIL", cmd)
		}
		return "", "", "", usageErr(cmd, "give the organisation and the address: %s ORG EMAIL (or --site-admin EMAIL)", cmd)
	}
	raw := pos[want-1]
	email, msg := signing.NormaliseEmail(raw)
	if !msg.IsZero() || email == "" {
		return "", "", "", usageErr(cmd, "%q is not an email address", raw)
	}
	if siteAdmin {
		return "", email, accounts.RoleSiteAdmin, nil
	}
	r, err = accounts.ParseRole(role)
	if err != nil || r == accounts.RoleSiteAdmin {
		return "", "", "", usageErr(cmd, "%s must be editor or viewer, not %q%s (an operator is invited with --site-admin)", roleSource, role, didYouMean(role, []string{"editor", "viewer"}))
	}
	return pos[0], email, r, nil
}

// checkOrgFolder refuses an organisation the campaigns folder does not
// have, with a did-you-mean.
func checkOrgFolder(cmd, dir, org string) error {
	if strings.ContainsAny(org, `/\`) || org == "." || org == ".." {
		return usageErr(cmd, "%q is not an organisation: give its folder name, such as riverside-coalition", org)
	}
	if _, err := os.Stat(filepath.Join(dir, org, "org.yaml")); err == nil {
		return nil
	}
	var names []string
	if entries, err := os.ReadDir(dir); err == nil {
		for _, e := range entries {
			if e.IsDir() {
				names = append(names, e.Name())
			}
		}
	}
	return usageErr(cmd, "%s has no organisation %q (no %s)%s", dir, org, filepath.Join(dir, org, "org.yaml"), didYouMean(org, names))
}

const listSynopsis = `List the organisers of every organisation (or of --org ORG): organisation,
address and role, one a line, site admins first.`

func organisersList(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const cmd = "organisers list"
	fset := newFlags(cmd, cmd+" [--org ORG]", listSynopsis, stdout, stderr)
	org := fset.String("org", "", "list only this `organisation`'s organisers")
	db := fset.dbFlag()
	pos, help, err := fset.parse(args, getenv)
	if help || err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr(cmd, "list takes no arguments, got %q; name an organisation with --org", pos[0])
	}
	st, err := openSignatureStore(ctx, cmd, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	acc, ok := st.(store.Accounts)
	if !ok {
		return failure("this database keeps no organisers")
	}
	list, err := acc.Organisers(ctx, *org)
	if err != nil {
		return failure("listing organisers: %v", err)
	}
	for _, o := range list {
		where := o.Org
		if where == "" {
			where = "(every organisation)"
		}
		fmt.Fprintf(stdout, "%s\t%s\t%s\n", where, o.Email, o.Role)
	}
	fmt.Fprintf(stderr, "%s.\n", countText(len(list), "organiser", "organisers"))
	return nil
}

// roleGiven reports whether the command line named a --role.
func roleGiven(fset *cmdFlags) bool {
	given := false
	fset.Visit(func(fl *flag.Flag) { given = given || fl.Name == "role" })
	return given
}

const roleSynopsis = `Change what an organiser of ORG may do. It holds at once, in the sessions
they have open too: an editor made a viewer can no longer change, export or
erase anything from their next click on.

  --role editor  may moderate, export, erase and edit files
  --role viewer  sees the dashboard and figures, changes nothing

A site admin is not given a role in an organisation: remove them with
'placard organisers remove --site-admin EMAIL' and invite them to the
organisation instead.

Example: placard organisers role riverside-coalition sam@riverside.example --role viewer`

func organisersRole(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const cmd = "organisers role"
	fset := newFlags(cmd, cmd+" ORG EMAIL --role editor|viewer", roleSynopsis, stdout, stderr)
	role := fset.String("role", "", "what the organiser may do from now on: `editor` or viewer")
	db := fset.dbFlag()
	pos, help, err := fset.parse(args, getenv)
	if help || err != nil {
		return err
	}
	if *role == "" {
		return usageErr(cmd, "say which role with --role editor or --role viewer: %s ORG EMAIL --role viewer", cmd)
	}
	org, email, r, err := organiserArgs(cmd, pos, false, *role, fset.source("role"))
	if err != nil {
		return err
	}
	if org == "" {
		// A site admin's organisation is empty: never give them a role.
		return usageErr(cmd, "give the organisation's folder name; a site admin has no role to change (remove them with --site-admin and invite them to the organisation)")
	}
	st, err := openSignatureStore(ctx, cmd, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	acc, ok := st.(store.Accounts)
	roles, ok2 := st.(store.Roles)
	if !ok || !ok2 {
		return failure("this database keeps no organisers")
	}
	o, err := acc.FindOrganiser(ctx, org, email)
	if errors.Is(err, store.ErrNotFound) {
		return failure("%s is not an organiser of %s; 'placard organisers list' shows who is", email, org)
	}
	if err != nil {
		return failure("changing the role: %v", err)
	}
	if o.Role == accounts.RoleSiteAdmin {
		return usageErr(cmd, "%s is a site admin, who has no role in an organisation: remove them with --site-admin and invite them to %s instead", email, org)
	}
	if o.Role == r {
		fmt.Fprintf(stderr, "%s is already %s of %s; nothing changed.\n", email, r, org)
		return nil
	}
	if err := roles.SetRole(ctx, o.ID, r); err != nil {
		return failure("changing the role: %v", err)
	}
	if err := acc.AddAudit(ctx, &accounts.AuditEntry{Org: org, Action: accounts.ActRole, Detail: string(r), At: time.Now()}); err != nil {
		return failure("writing the audit log: %v", err)
	}
	fmt.Fprintf(stderr, "%s is now %s of %s, in the sessions they have open too.\n", email, r, org)
	return nil
}

const removeSynopsis = `Remove an organiser: their sessions end at once, their invitations,
sign-in links and passkeys stop working. What they did stays in the
organisation's audit log.`

func organisersRemove(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	const cmd = "organisers remove"
	fset := newFlags(cmd, cmd+" ORG EMAIL | --site-admin EMAIL", removeSynopsis, stdout, stderr)
	siteAdmin := fset.Bool("site-admin", false, "remove an operator")
	db := fset.dbFlag()
	pos, help, err := fset.parse(args, getenv)
	if help || err != nil {
		return err
	}
	org, email, _, err := organiserArgs(cmd, pos, *siteAdmin, "editor", "--role")
	if err != nil {
		return err
	}
	st, err := openSignatureStore(ctx, cmd, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	acc, ok := st.(store.Accounts)
	if !ok {
		return failure("this database keeps no organisers")
	}
	o, err := acc.FindOrganiser(ctx, org, email)
	if errors.Is(err, store.ErrNotFound) {
		return failure("%s is not an organiser of %s; 'placard organisers list' shows who is", email, orDefaultText(org, "the site (site admin)"))
	}
	if err != nil {
		return failure("removing: %v", err)
	}
	if err := acc.RemoveOrganiser(ctx, o.ID); err != nil {
		return failure("removing: %v", err)
	}
	if err := acc.AddAudit(ctx, &accounts.AuditEntry{Org: org, Action: accounts.ActRemove, Detail: string(o.Role), At: time.Now()}); err != nil {
		return failure("writing the audit log: %v", err)
	}
	fmt.Fprintf(stderr, "Removed %s from %s.\n", email, orDefaultText(org, "the site admins"))
	return nil
}

func orDefaultText(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
