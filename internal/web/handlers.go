package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"
	"golang.org/x/net/idna"

	"github.com/placard/placard/internal/attribution"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/views"
)

// page serves a pre-rendered public page: the index, an organisation or a
// campaign, looked up by path. On campaign pages with a region picker,
// ?region=X selects the pre-rendered variant for that region; every other
// query string is ignored, so the page is still served from the cache.
func (s *Server) page(w http.ResponseWriter, r *http.Request) error {
	snap := s.snap.Load()
	p := snap.pages[r.URL.Path]
	if p == nil {
		if lc := snap.live[r.URL.Path]; lc != nil {
			s.livePage(w, r, lc)
			return nil
		}
		if to, ok := snap.moved[r.URL.Path]; ok {
			movedPermanently(w, r, to)
			return nil
		}
		if pv := snap.previews[r.URL.Path]; pv != nil && s.previewKeyOK(r) {
			w.Header().Set("X-Robots-Tag", "noindex")
			pv.serve(w, r)
			return nil
		}
		return errNotFound
	}
	if rot := snap.rotations[r.URL.Path]; rot != nil {
		p = rot[s.pickRotation(r, len(rot), func(i int, inm []string) bool { return rot[i].matches(inm) })]
	}
	if m := snap.pageLangs[r.URL.Path]; m != nil {
		// The page exists in other languages: caches must keep one copy per
		// Accept-Language, and a reader who prefers one is offered it.
		w.Header()["Vary"] = hvVaryLang
		if lang := suggestLang(r, m); lang != "" {
			if v := snap.suggest[r.URL.Path][lang]; v != nil {
				p = v
			}
		}
	}
	if r.URL.RawQuery != "" {
		if org, slug := chi.URLParam(r, "org"), chi.URLParam(r, "campaign"); slug != "" {
			s.countArrival(r, org, slug)
		}
		if variants := snap.regions[r.URL.Path]; variants != nil {
			if region := r.URL.Query().Get("region"); region != "" {
				if v := variants[strings.ToLower(strings.TrimSpace(region))]; v != nil {
					p = v
				}
			}
		}
	}
	p.serve(w, r)
	return nil
}

// livePage serves a campaign page that takes signatures, with a fresh
// form token; ?region=X picks a region variant as on other pages.
func (s *Server) livePage(w http.ResponseWriter, r *http.Request, lc *liveCampaign) {
	lp := lc.pages.Load()
	p := lp.main
	if lp.rotations != nil {
		rot := lp.rotations
		p = rot[s.pickRotation(r, len(rot), func(i int, inm []string) bool {
			return etagMatches(inm, rot[i].etag[0], rot[i].etagGz[0])
		})]
	}
	if len(lc.suggestions) > 0 {
		w.Header()["Vary"] = hvVaryLang
		if lang := suggestLang(r, lc.matcher); lang != "" && lp.suggest[lang] != nil {
			p = lp.suggest[lang]
		}
	}
	var via []byte
	if r.URL.RawQuery != "" {
		q := r.URL.Query()
		if region := q.Get("region"); region != "" && len(lc.regions) > 0 {
			if v := lp.region(s, lc, strings.ToLower(strings.TrimSpace(region))); v != nil {
				p = v
			}
		}
		source, ref := attribution.FromQuery(q)
		s.countArrivalFrom(r, lc.c.Org.Slug, lc.c.Slug, source)
		via = attribution.FormValue(source, ref)
	}
	p.serveVia(w, r, s.tokens, s.cfg.Now(), via)
}

// thanks serves a campaign's thank-you page for ?outcome=signed or
// pending; anything else is not a page.
func (s *Server) thanks(w http.ResponseWriter, r *http.Request) error {
	snap := s.snap.Load()
	path := strings.TrimSuffix(r.URL.Path, "/thanks")
	set := snap.thanks[path]
	if set == nil {
		if to, ok := snap.moved[path]; ok {
			movedPermanently(w, r, to+"/thanks")
			return nil
		}
		return errNotFound
	}
	q := r.URL.Query()
	outcome := q.Get("outcome")
	p := set[outcome]
	if p == nil {
		return errNotFound
	}
	if claim := q.Get(paramClaim); claim != "" {
		// A new signer: their personal link, from the claim (formtoken.Claims).
		// A claim that does not open gets the plain page.
		if lc := snap.live[path]; lc != nil {
			token, key, first, ok, err := s.claims.Open(r.Context(), lc.key, claim, s.cfg.Now(), r.Method == http.MethodGet)
			if err != nil {
				// Neither shown nor used up: a reload shows it.
				s.log.Warn("recording a thank-you claim failed", "campaign", lc.key, "err", err, "request_id", requestID(r))
				return errClaimUnavailable
			}
			if ok {
				return s.personalThanks(w, r, lc, outcome, token, key, first)
			}
		}
	}
	p.serve(w, r)
	return nil
}

// previewKeyOK reports whether the request's ?preview= is the configured
// preview key, compared in constant time so its length and content cannot be
// found by timing. No key configured means no previews.
func (s *Server) previewKeyOK(r *http.Request) bool {
	key := s.cfg.PreviewKey
	if key == "" || r.URL.RawQuery == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(r.URL.Query().Get("preview")), []byte(key)) == 1
}

// movedPermanently answers a renamed campaign's old address with a 301 to
// its new one, keeping the query string (?region=, ?outcome=). The answer is
// cached for an hour only, so an organiser who undoes a rename is not stuck
// with browsers remembering the redirect for ever.
func movedPermanently(w http.ResponseWriter, r *http.Request, to string) {
	if r.URL.RawQuery != "" {
		to += "?" + r.URL.RawQuery
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	http.Redirect(w, r, to, http.StatusMovedPermanently)
}

// static serves a content-hashed file: the stylesheet, the script, an
// organisation's pictures and documents, or a generated share picture.
func (s *Server) static(w http.ResponseWriter, r *http.Request) error {
	snap := s.snap.Load()
	f := snap.static[r.URL.Path]
	if f == nil {
		if snap.generated[r.URL.Path] != nil {
			// A smaller copy of an organiser's picture (pictures.go).
			return s.generatedFile(w, r)
		}
		return errNotFound
	}
	if isPartnerScript(r.URL.Path) {
		// Partners load it with crossorigin="anonymous" for its integrity check.
		w.Header()["Access-Control-Allow-Origin"] = hvAnyOrigin
	}
	f.serve(w, r)
	return nil
}

// Messages for a refused Mastodon share.
const (
	badInstanceHeading = "That is not a Mastodon server address"
	badInstanceMessage = "Type the address of the Mastodon server where you have your account, such as mastodon.social, then try sharing again."
	mixedHeading       = "That server name mixes alphabets"
	mixedMessage       = "Part of that name is written in letters of different alphabets, as names made to look like another site's are. Check the address of your Mastodon server, type it again with your keyboard, and try sharing again."
	badTextHeading     = "That share message cannot be sent"
	badTextMessage     = "The message is too long or contains characters that are not text. Go back to the campaign page and use its share button again."
)

// mastodonShare sends the reader to their own Mastodon server's share screen
// with the message prefilled. Mastodon has no central share address, so the
// campaign page asks for the reader's server in a small GET form. Only a
// valid public host name is accepted (not one whose labels mix alphabets,
// as look-alikes do), and the link always goes to https://HOST/share,
// never anywhere else.
//
// The server and the message are the query's, so anyone can write a link
// here that would send a reader, from the organisation's own domain, to a
// server and words of their choosing. Only a navigation from this site's
// own page (Sec-Fetch-Site: same-origin: the share form) is redirected at
// once; any other request gets a page, in the page's language, naming the
// server and showing the message, with a plain link to continue.
func (s *Server) mastodonShare(w http.ResponseWriter, r *http.Request) error {
	snap := s.snap.Load()
	pagePath := strings.TrimSuffix(r.URL.Path, "/share/mastodon")
	text, ok := snap.mastodon[pagePath]
	if !ok {
		return errNotFound
	}
	q := r.URL.Query()
	host, err := mastodonHost(q.Get("instance"))
	if errors.Is(err, errMixedScripts) {
		return badRequest(mixedHeading, mixedMessage)
	}
	if err != nil {
		return badRequest(badInstanceHeading, badInstanceMessage)
	}
	if t := strings.TrimSpace(q.Get("text")); t != "" {
		if !utf8.ValidString(t) || utf8.RuneCountInString(t) > maxShareText || strings.ContainsRune(t, 0) {
			return badRequest(badTextHeading, badTextMessage)
		}
		text = t
	}
	target := "https://" + host + "/share?text=" + queryEscape(text)
	if r.Header.Get("Sec-Fetch-Site") != "same-origin" {
		return s.mastodonConfirm(w, r, snap, pagePath, host, text, target)
	}
	h := w.Header()
	h.Set("Location", target)
	h["Cache-Control"] = hvNoStore
	w.WriteHeader(http.StatusSeeOther)
	return nil
}

// mastodonConfirm is the page asking the reader to continue to host.
func (s *Server) mastodonConfirm(w http.ResponseWriter, r *http.Request, snap *snapshot, pagePath, host, text, target string) error {
	loc := snap.mastodonLoc[pagePath]
	if loc == nil {
		loc = i18n.New(i18n.Default, nil)
	}
	shown := host
	if u, err := idna.ToUnicode(host); err == nil && u != host {
		shown = u + " (" + host + ")"
	}
	title := loc.T("share.mastodon.confirm.title")
	frame := s.errorFrame(snap, title)
	frame.L = loc
	frame.Lang, frame.Dir, frame.OGLocale = langInfo(loc.Lang())
	return s.writePage(w, r, http.StatusOK, views.MastodonConfirmPage(views.MastodonConfirmProps{
		Page: frame, Host: shown, Text: text, URL: target, BackURL: pagePath,
	}), "")
}

var (
	hvNoStore   = []string{"no-store"}
	hvTextPlain = []string{"text/plain; charset=utf-8"}
	bodyOK      = []byte("ok")
	hvAnyOrigin = []string{"*"}
)

// healthz answers liveness checks. It does not touch the snapshot, so it
// stays cheap and answers even while a reload is being built.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h["Content-Type"] = hvTextPlain
	h["Cache-Control"] = hvNoStore
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(bodyOK)
	}
}

// readyTimeout bounds a readiness probe's test write.
const readyTimeout = 5 * time.Second

// readyz answers readiness checks: 200 "ready" when the store can commit a
// write now (store.Store.Ready: a small real commit, and on SQLite the
// disk's free space), 503 "not ready: store: REASON" when it cannot, so a
// load balancer stops sending signers to an instance whose every signature
// would fail (a full disk, a read-only database) while /healthz, liveness
// only, keeps it from being restarted in a loop. The reason names no path
// or address. A change of state is logged once, not every probe. Without a
// store, signing is off by configuration and the instance is ready.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h["Content-Type"] = hvTextPlain
	h["Cache-Control"] = hvNoStore
	msg, status := "ready", http.StatusOK
	if s.cfg.Store != nil {
		err := s.probeStore(r)
		if err != nil {
			msg, status = "not ready: store: "+err.Error(), http.StatusServiceUnavailable
			if !s.notReady.Swap(true) {
				s.log.Warn("not ready: the signature store cannot commit; /readyz answers 503", "err", err)
			}
		} else if s.notReady.Swap(false) {
			s.log.Info("ready again: the signature store commits")
		}
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = io.WriteString(w, msg+"\n")
	}
}

// readyProbe is one run of Store.Ready that the probes arriving while it
// runs share.
type readyProbe struct {
	done chan struct{}
	err  error
}

// probeStore runs Store.Ready for a /readyz request, or waits for the run
// already under way and shares its answer. /readyz is public and each run
// is a real commit to one row: without sharing, a flood of probes would
// hold the database connections (PostgreSQL: each waiting on the row's
// lock) or queue on SQLite's one writer, ahead of the signatures.
func (s *Server) probeStore(r *http.Request) error {
	s.readyMu.Lock()
	p := s.readyRun
	if p != nil {
		s.readyMu.Unlock()
		<-p.done // at most readyTimeout
		return p.err
	}
	p = &readyProbe{done: make(chan struct{})}
	s.readyRun = p
	s.readyMu.Unlock()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), readyTimeout)
	p.err = s.cfg.Store.Ready(ctx)
	cancel()
	s.readyMu.Lock()
	s.readyRun = nil
	s.readyMu.Unlock()
	close(p.done)
	return p.err
}

// robots allows every crawler on the public pages (drafts are not served
// at all), keeps them off addresses that are not pages of their own, and
// names the sitemap (feed.go).
func (s *Server) robots(w http.ResponseWriter, r *http.Request) error {
	sy := s.snap.Load().synd
	if sy == nil || sy.robots == nil {
		return errNotFound
	}
	sy.robots.serve(w, r)
	return nil
}

// favicon serves the site's small icon, so browsers asking for it get a
// picture rather than a 404.
func (s *Server) favicon(w http.ResponseWriter, r *http.Request) error {
	snap := s.snap.Load()
	if snap.favicon == nil {
		return errNotFound
	}
	snap.favicon.serve(w, r)
	return nil
}

// notFound is the helpful 404 page for any unknown address.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request) error {
	return errNotFound
}

var hvAllowGet = []string{"GET, HEAD"}

// methodNotAllowed answers POST, PUT and the like on pages that are only read.
func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) error {
	w.Header()["Allow"] = hvAllowGet
	return &httpError{
		status:  http.StatusMethodNotAllowed,
		heading: "This page can only be read",
		message: "Your browser sent a kind of request this address does not take. Open the page again from its link.",
	}
}
