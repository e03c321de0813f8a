package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/placard/placard/internal/attribution"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/site"
)

// page serves a pre-rendered public page: the index, an organisation or a
// campaign, looked up by path. On campaign pages with a region picker,
// ?region=X selects the pre-rendered variant for that region; every other
// query string is ignored, so the page is still served from the cache.
func (s *Server) page(w http.ResponseWriter, r *http.Request) error {
	snap := s.snap.Load()
	p := snap.Pages[r.URL.Path]
	if p == nil {
		if lc := snap.Signing[r.URL.Path]; lc != nil {
			return s.livePage(w, r, lc)
		}
		if s.redirectMoved(w, r) {
			return nil
		}
		if pv := snap.Previews[r.URL.Path]; pv != nil && (s.cfg.Dev || s.previewKeyOK(r)) {
			w.Header().Set("X-Robots-Tag", "noindex")
			pv.Serve(w, r)
			return nil
		}
		return errNotFound
	}
	if rot := snap.Rotations[r.URL.Path]; rot != nil {
		p = rot[s.pickRotation(r, len(rot), func(v int, inm []string) (bool, bool) {
			m := rot[v].Peek() // never renders
			return m != nil, m != nil && m.Matches(inm)
		})]
	}
	if m := snap.PageLangs[r.URL.Path]; m != nil {
		// The page exists in other languages: caches must keep one copy per
		// Accept-Language, and a reader who prefers one is offered it.
		w.Header()["Vary"] = hvVaryLang
		if lang := noticeLang(r, m); lang != "" {
			if v := snap.LangNotices[r.URL.Path][lang]; v != nil {
				p = v
			}
		}
	}
	if r.URL.RawQuery != "" {
		if org, slug := chi.URLParam(r, "org"), chi.URLParam(r, "campaign"); slug != "" {
			s.countArrival(r, org, slug)
		}
		if variants := snap.Regions[r.URL.Path]; variants != nil {
			if region := r.URL.Query().Get("region"); region != "" {
				if v := variants[strings.ToLower(strings.TrimSpace(region))]; v != nil {
					p = v
				}
			}
		}
	}
	p.Serve(w, r)
	return nil
}

// livePage serves a campaign page that takes signatures, with a fresh
// form token; ?region=X picks a region variant as on other pages.
func (s *Server) livePage(w http.ResponseWriter, r *http.Request, lc *site.SigningCampaign) error {
	lp, err := lc.Current() // rendered by the first request
	if err != nil {
		return err
	}
	p := lp.Main
	if n := lp.Rotations(); n > 0 { // each variant rendered by its first request
		now := s.cfg.Now()
		v := s.pickRotation(r, n, func(v int, inm []string) (bool, bool) {
			m := lp.RenderedRotation(v) // never renders
			return m != nil, m != nil && m.Matches(inm, now)
		})
		if p, err = lp.Rotation(v); err != nil {
			return err
		}
	}
	if len(lc.LangNotices) > 0 {
		w.Header()["Vary"] = hvVaryLang
		if lang := noticeLang(r, lc.Matcher); lang != "" {
			v, err := lp.LangNotice(lang)
			if err != nil {
				return err
			}
			if v != nil {
				p = v
			}
		}
	}
	var attr []byte
	if r.URL.RawQuery != "" {
		q := r.URL.Query()
		if region := q.Get("region"); region != "" && len(lc.Regions) > 0 {
			if v := lp.Region(s.log, lc, strings.ToLower(strings.TrimSpace(region))); v != nil {
				p = v
			}
		}
		source, ref := attribution.FromQuery(q)
		s.countArrivalFrom(r, lc.Campaign.Org.Slug, lc.Campaign.Slug, source)
		attr = attribution.FormValue(source, ref)
	}
	p.ServeAttributed(w, r, s.tokens.Issue, s.cfg.Now(), attr)
	return nil
}

// thanks serves a campaign's thank-you page for ?outcome=signed or
// pending; anything else is not a page.
func (s *Server) thanks(w http.ResponseWriter, r *http.Request) error {
	snap := s.snap.Load()
	path := strings.TrimSuffix(r.URL.Path, "/thanks")
	set := snap.Thanks[path]
	if set == nil {
		if s.redirectMoved(w, r) {
			return nil
		}
		return errNotFound
	}
	q := r.URL.Query()
	outcome := q.Get("outcome")
	lp := set[outcome]
	if lp == nil {
		return errNotFound
	}
	p, err := lp.Get() // rendered by the first request
	if err != nil {
		return err
	}
	if claim := q.Get(paramClaim); claim != "" {
		// A new signer: their personal link, from the claim (formtoken.Claims).
		// A claim that does not open gets the plain page.
		if lc := snap.Signing[path]; lc != nil {
			token, key, first, ok, err := s.claims.Open(r.Context(), lc.Key, claim, s.cfg.Now(), r.Method == http.MethodGet)
			if err != nil {
				// Neither shown nor used up: a reload shows it.
				s.log.Warn("recording a thank-you claim failed", "campaign", lc.Key, "err", err, "request_id", requestID(r))
				return errClaimUnavailable
			}
			if ok {
				return s.personalThanks(w, r, lc, outcome, token, key, first)
			}
		}
	}
	p.Serve(w, r)
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
// with browsers remembering the redirect for ever. One with a query is not
// cached at all and sends no Referer on: the query may carry a signer's
// personal key or thank-you claim (/thanks?claim=, /impact?key=), which a
// shared cache must not keep, in its Location or its address.
func movedPermanently(w http.ResponseWriter, r *http.Request, to string) {
	h := w.Header()
	if r.URL.RawQuery != "" {
		to += "?" + r.URL.RawQuery
		h["Cache-Control"] = hvNoStore
		h["Referrer-Policy"] = hvNoReferrer
	} else {
		h["Cache-Control"] = hvPublicHour
	}
	http.Redirect(w, r, to, http.StatusMovedPermanently)
}

var (
	hvNoStore    = []string{"no-store"}
	hvPublicHour = []string{"public, max-age=3600"}
	hvTextPlain  = []string{"text/plain; charset=utf-8"}
	bodyOK       = []byte("ok")
	hvAnyOrigin  = []string{"*"}
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
			// The store's fixed words only: what it wraps (a database
			// server's own message can name its user) goes to the log,
			// once and whenever the reason changes.
			msg, status = "not ready: store: "+err.Error(), http.StatusServiceUnavailable
			changed := s.readyWhyChanged(msg)
			if !s.notReady.Swap(true) || changed {
				s.log.Warn("not ready: the signature store cannot commit; /readyz answers 503", "err", err, "detail", readyDetail(err))
			}
		} else if s.readyWhyChanged(""); s.notReady.Swap(false) {
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
		heading: "error.readonly.heading",
		message: "error.readonly.message",
	}
}

// noticeLang picks which of a page's other languages to offer, in a
// notice, to the reader of its default-language address, or "" for none.
func noticeLang(r *http.Request, m *i18n.Matcher) string {
	if m == nil || len(m.Langs()) < 2 {
		return ""
	}
	h := r.Header.Get("Accept-Language")
	if h == "" {
		return ""
	}
	lang, ok := m.Negotiate(h)
	if !ok || lang == m.Langs()[0] {
		return ""
	}
	return lang
}

// readyWhyChanged records msg as /readyz's latest "not ready" answer and
// reports whether it differs from the one before.
func (s *Server) readyWhyChanged(msg string) bool {
	s.readyMu.Lock()
	defer s.readyMu.Unlock()
	changed := s.readyWhy != msg
	s.readyWhy = msg
	return changed
}

// readyDetail is what a store's readiness error wraps, for the log; ""
// when it wraps nothing.
func readyDetail(err error) string {
	if in := errors.Unwrap(err); in != nil {
		return in.Error()
	}
	return ""
}
