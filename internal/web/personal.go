package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/placard/placard/internal/attribution"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/site"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/views"
)

// A signer's personal link: the thank-you page that shows it once, and
// the page it opens.

var hvNoReferrer = []string{"no-referrer"}

// impactNotFound answers a private-page address that names no link: 404
// with a page that says what to check, never cached, indexed or referred
// from (the address holds what the reader typed as a key).
func (s *Server) impactNotFound(w http.ResponseWriter, r *http.Request, lc *site.SigningCampaign) error {
	heading := lc.Loc.T("journey.impact.missing.title")
	p := lc.SignFrame(heading)
	props := views.ErrorPageProps{Page: p, Status: http.StatusNotFound, Heading: heading, Message: lc.Loc.T("journey.impact.missing.body"), HomeURL: lc.Path}
	w.Header()["Referrer-Policy"] = hvNoReferrer
	w.Header()["X-Robots-Tag"] = []string{"noindex"}
	return s.writePage(w, r, http.StatusNotFound, views.ErrorPage(props), lc.CSP)
}

// personalThanks serves the thank-you page of a new signer with their
// personal link, and the private page's address the first time (first).
// It is rendered per request (only signers reach it) and never stored.
func (s *Server) personalThanks(w http.ResponseWriter, r *http.Request, lc *site.SigningCampaign, outcome, token, key string, first bool) error {
	tp, ok, err := lc.ThanksProps(outcome)
	if err != nil {
		return err
	}
	if !ok {
		return errNotFound
	}
	link := s.base + lc.Path + "?" + attribution.ParamRef + "=" + token
	pv := &views.PersonalLinkView{URL: link, Share: personalShare(lc, link), KeyShown: !first}
	pv.Share.URL = link // the link itself to copy, as the supporter will paste it
	pv.Share.LinkLabel = lc.Loc.T("journey.personal.link")
	if first {
		pv.PrivateURL = s.base + lc.Path + "/impact?" + attribution.ParamKey + "=" + key
	}
	tp.Personal = pv
	tp.Place = lc.Place(lc.Signatures())
	// The address holds the claim: no referrer leaves this page at all.
	w.Header()["Referrer-Policy"] = hvNoReferrer
	w.Header()["X-Robots-Tag"] = []string{"noindex"}
	return s.writePage(w, r, http.StatusOK, views.ThanksPage(tp), lc.PersonalCSP)
}

// impact serves a personal link's private page: GET
// /{org}/{campaign}/impact?key=KEY. It reads the store on every request
// (one or two indexed rows: linkOf) and is never cached, indexed or
// referred from, so each client gets impactBudget a minute (429 past it). A well-formed key whose link has brought nothing gets the
// page of a new link; only a malformed one gets 404.
func (s *Server) impact(w http.ResponseWriter, r *http.Request) error {
	snap := s.snap.Load()
	path := strings.TrimSuffix(r.URL.Path, "/impact")
	lc := snap.Signing[path]
	if lc == nil {
		if s.redirectMoved(w, r) {
			return nil
		}
		return errNotFound
	}
	key := strings.ToLower(strings.TrimSpace(r.URL.Query().Get(attribution.ParamKey)))
	if !attribution.ValidKey(key) {
		return s.impactNotFound(w, r, lc)
	}
	if !s.mayShowImpact(r) {
		return inLang(errImpactLimited, lc.Loc)
	}
	ref, err := s.linkOf(r.Context(), lc.Campaign.Org.Slug, lc.Campaign.Slug, key)
	if err != nil {
		return err
	}
	// Signatures this instance counted but has not written yet (internal/attribution).
	ref.Signatures += s.credits.PendingFor(ref.Org, ref.Campaign, ref.Token)
	p := lc.SignFrame(lc.Loc.T("journey.impact.title"))
	heading := lc.Loc.N("journey.impact.heading", ref.Signatures)
	p.Title = heading + " — " + lc.Campaign.Title
	props := views.ImpactPageProps{
		Page:          p,
		CampaignTitle: lc.Campaign.Title,
		CampaignURL:   lc.Path,
		Count:         ref.Signatures,
		Heading:       heading,
		LinkURL:       s.base + lc.Path + "?" + attribution.ParamRef + "=" + ref.Token,
	}
	w.Header()["Referrer-Policy"] = hvNoReferrer
	w.Header()["X-Robots-Tag"] = []string{"noindex"}
	return s.writePage(w, r, http.StatusOK, views.ImpactPage(props), lc.CSP)
}

// personalShare is the share block for a personal link: the campaign's
// first messages around link, each network's link tagged with its source
// and labelled in the page's language.
func personalShare(lc *site.SigningCampaign, link string) views.ShareView {
	c := lc.Campaign
	msg, subject, tags := site.CampaignMessages(c, site.FirstShare(c), 0)
	sv := site.ShareViewFor(site.CampaignPath(c), link, msg, subject, tags)
	for i := range sv.Links {
		sv.Links[i].Label = lc.Loc.T("share.net." + sv.Links[i].Network)
	}
	site.OrderShare(&sv, c.Org.ShareNetworks)
	return sv
}

// readerLang is the language a reader of a missing page reads, for its
// suggestions: the address's last part when it names a language
// (/org/campaign/ar), else the first of their browser's languages that
// the catalogue speaks; "" for none.
func readerLang(r *http.Request) string {
	p := strings.TrimSuffix(r.URL.Path, "/")
	if last := p[strings.LastIndexByte(p, '/')+1:]; slices.Contains(i18n.Supported, last) {
		return last
	}
	if al := r.Header.Get("Accept-Language"); al != "" {
		if lang, ok := i18n.Negotiate(al, i18n.Supported); ok {
			return lang
		}
	}
	return ""
}

// linkOf is the personal link of campaign org/campaign whose private key
// is key, with the signatures it brought so far (those written). A link
// made before links were keyed by the link secret (a legacy link) was
// stored when made, under attribution.LegacyToken of its key, with the
// hash of the key, which must match; any other key names the link
// attribution.Links.Token gives it, with the count of its row, or none
// yet. Every well-formed key gets a page: a claim may name a link that
// never brought anyone (an address that had already signed, or the
// honeypot), and its private page must not tell it apart from a real one.
func (s *Server) linkOf(ctx context.Context, org, campaign, key string) (signing.ReferralCount, error) {
	hash := attribution.KeyHash(key)
	ref, err := s.cfg.Store.Referral(ctx, org, campaign, attribution.LegacyToken(key), &hash)
	if !errors.Is(err, store.ErrNotFound) {
		return ref, err
	}
	token := s.links.Token(key)
	ref, err = s.cfg.Store.Referral(ctx, org, campaign, token, nil)
	if errors.Is(err, store.ErrNotFound) {
		return signing.ReferralCount{Org: org, Campaign: campaign, Token: token}, nil
	}
	return ref, err
}
