package main

import (
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/site"
)

const embedSynopsis = `Print the HTML a partner site pastes into its page to show the campaign
ORG/SLUG: an iframe of the campaign's embed (/ORG/SLUG/embed) and the small
script from this site, loaded with a Subresource Integrity fingerprint, that
fits the frame to its content.

The organisation's org.yaml must list the partner's site under
embed_origins; browsers refuse to show the embed anywhere else. --origin
names the partner's site (one of embed_origins; the first is used when it
is left out), so the embed tells only that site its height. --base-url
must be the public address of the placard serve that answers the embed.

The fingerprint changes when a new version of placard changes the script:
run this again after upgrading and give partners the new snippet.`

// embedCmd is `placard embed ORG/SLUG`: it prints the snippet organisers
// hand to partner sites.
func embedCmd(args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fset := newFlags("embed", "embed ORG/SLUG [flags]", embedSynopsis, stdout, stderr)
	campaigns := fset.campaignsFlag("`folder` holding one folder per organisation")
	baseURL := fset.String("base-url", "", "public `address` of the site serving the embed, such as https://act.example.org")
	fset.env("base-url", "PLACARD_BASE_URL")
	origin := fset.String("origin", "", "the partner `site` the snippet is for, such as https://partner.example; one of the organisation's embed_origins")
	// ORG/SLUG may come before the flags too (placard embed org/slug --origin x).
	secretEnv := fset.secretEnvFlag() // secretenv.go
	pos, help, err := fset.parse(args, getenv)
	if help || err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr("embed", "embed takes one campaign, written ORG/SLUG such as northgate-tenants/tell-the-courier; got %d: %q", len(pos), pos)
	}
	org, slug, ok := strings.Cut(strings.Trim(pos[0], "/"), "/")
	if !ok || org == "" || slug == "" || strings.Contains(slug, "/") {
		return usageErr("embed", "write the campaign as ORG/SLUG, such as northgate-tenants/tell-the-courier, not %q", pos[0])
	}
	if *baseURL == "" {
		return usageErr("embed", "--base-url is needed: the public address partners' browsers will load the embed from, such as https://act.example.org")
	}
	u, err := url.Parse(strings.TrimSpace(*baseURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageErr("embed", "%s must be a full address such as https://act.example.org, not %q", fset.source("base-url"), *baseURL)
	}
	opts, err := loadOptions(fset, *secretEnv)
	if err != nil {
		return err
	}
	loaded, problems := campaign.LoadWith(*campaigns, opts)
	if problems.HasErrors() {
		printProblems(stderr, problems)
		return failure("the campaigns in %s have %s; fix them first (placard check %s lists them too)",
			*campaigns, countText(len(problems.Errors()), "problem", "problems"), *campaigns)
	}
	o := loaded.Org(org)
	if o == nil {
		return failure("there is no organisation %q in %s — the first part of ORG/SLUG is the organisation's folder name", org, *campaigns)
	}
	partner := *origin
	if partner == "" && len(o.EmbedOrigins) > 0 {
		partner = o.EmbedOrigins[0]
	}
	// The snippet needs only the campaign and the script's fingerprint:
	// nothing is rendered.
	snippet, err := site.EmbedSnippet(u.Scheme+"://"+u.Host, loaded, time.Now(), org, slug, partner)
	if err != nil {
		return failure("%v", err)
	}
	_, err = fmt.Fprintln(stdout, snippet)
	return err
}
