package web

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"syscall"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/pagecache"
	"github.com/placard/placard/internal/site"
	"github.com/placard/placard/views"
)

// httpError is an error with a status and words for the reader. Handlers
// return one for anything the reader can fix (4xx); any other error becomes
// a 500 whose details are logged and never shown.
//
// heading and message are keys of the i18n catalogue (error.*), never
// words: serveError says them with loc, the localizer of the page the
// request came from when the handler knows it (set with inLang: its
// language and its organisation's wording), else in the reader's
// language (readerLang). TestHTTPErrorsAreKeys keeps English out of them.
type httpError struct {
	status  int
	heading string          // catalogue key of a short title, such as "That address is not a Mastodon server"
	message string          // catalogue key of what happened and what to do next; may be empty
	loc     *i18n.Localizer // the page's localizer to answer with, or nil for the reader's language
}

// english words an httpError for logs and Error.
var english = i18n.New("en", nil)

func (e *httpError) Error() string { return strconv.Itoa(e.status) + " " + english.T(e.heading) }

// Is reports whether target is the same refusal, so a copy made by inLang
// still matches the variable it was copied from.
func (e *httpError) Is(target error) bool {
	t, ok := target.(*httpError)
	return ok && t.status == e.status && t.heading == e.heading && t.message == e.message
}

// inLang returns err to be worded by loc (a page's localizer) when it is
// an *httpError that has none yet (a copy: the refusals are shared
// variables), and err unchanged otherwise.
func inLang(err error, loc *i18n.Localizer) error {
	var he *httpError
	if loc == nil || !errors.As(err, &he) || he.loc != nil {
		return err
	}
	c := *he
	c.loc = loc
	return &c
}

// errNotFound is returned for any page that does not exist; the adapter
// answers with the helpful 404 page.
var errNotFound = &httpError{status: http.StatusNotFound, heading: "error.notfound"}

// badRequest is a 400 with a plain message: heading and message are
// catalogue keys.
func badRequest(heading, message string) error {
	return &httpError{status: http.StatusBadRequest, heading: heading, message: message}
}

// errClientGone answers a request whose client hung up or whose body was
// cut short: a 400 nobody may read, logged at debug level only. A client
// going away is not a server fault, so it is never a 500 or an ERROR.
var errClientGone = &httpError{status: http.StatusBadRequest,
	heading: "error.gone.heading", message: "error.gone.message"}

// clientGone reports whether err comes from the client going away: the
// request's context ended (its connection closed or a read failed) and the
// error is that ending or a body cut short.
func clientGone(r *http.Request, err error) bool {
	if r.Context().Err() == nil {
		return false
	}
	return errors.Is(err, context.Canceled) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, os.ErrDeadlineExceeded) || errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF)
}

// serveError writes the page for err: the 404 page with suggestions
// (errNotFound), the error page with a 4xx's words (a 404 with words of
// its own among them), or, for anything else, a logged 500 with a generic
// message. Each wears the frame of the organisation the address is under,
// else the site's, with the policy that allows its colours.
func (s *Server) serveError(w http.ResponseWriter, r *http.Request, err error) {
	snap := s.snap.Load()
	var he *httpError
	if !errors.As(err, &he) && clientGone(r, err) {
		he = errClientGone
	}
	if he != nil && he.heading == errClientGone.heading {
		s.log.Debug("the client hung up", "err", err, "method", r.Method, "path", r.URL.Path,
			"request_id", requestID(r))
	}
	if he == nil {
		s.log.Error("request failed", "err", err, "method", r.Method, "path", r.URL.Path,
			"request_id", requestID(r))
		s.writeInternalError(w, snap)
		return
	}
	// The page is rendered even when the client has gone: its request's
	// context may already be cancelled, which is no reason to fail.
	ctx := context.WithoutCancel(r.Context())
	var buf bytes.Buffer
	var rerr error
	if he.status == http.StatusNotFound && he.heading == errNotFound.heading {
		// In the frame of the organisation the address is under, else
		// the site's; its policy allows the organisation's colours.
		var page []byte
		var csp string
		lang := refusalLang(r) // the address's language, else the reader's
		if he.loc != nil {
			lang = he.loc.Lang()
		}
		if s.maySuggest(r) {
			page, csp, rerr = snap.NotFoundIn(r.URL.Path, lang)
		} else { // the client's share of searches is spent (notfound.go)
			page, csp, rerr = snap.NotFoundUnsuggested(r.URL.Path, lang)
		}
		buf.Write(page)
		if h := w.Header(); rerr == nil && h.Get("Content-Security-Policy") == site.DefaultCSP {
			// Only over the default: an embed's own policy (framing) stays.
			h["Content-Security-Policy"] = []string{csp}
		}
	} else {
		loc := he.loc
		if loc == nil {
			if lang := readerLang(r); lang != "" {
				loc = i18n.New(lang, nil)
			}
		}
		// The words and the frame (lang, dir) are in the same language.
		framed := loc != nil
		if !framed {
			loc = english
		}
		heading, message := loc.T(he.heading), ""
		if he.message != "" {
			message = loc.T(he.message)
		}
		// The frame of the organisation the address is under, else the site's.
		page, csp := snap.ErrorFrame(r.URL.Path, loc, heading)
		if h := w.Header(); h.Get("Content-Security-Policy") == site.DefaultCSP {
			h["Content-Security-Policy"] = []string{csp}
		}
		if framed {
			page.L = loc
			page.Lang, page.Dir, page.OGLocale = site.LangInfo(loc.Lang())
		}
		props := views.ErrorPageProps{
			Page:    page,
			Status:  he.status,
			Heading: heading,
			Message: message,
			HomeURL: "/",
		}
		rerr = views.ErrorPage(props).Render(ctx, &buf)
	}
	if rerr != nil {
		s.log.Error("rendering an error page failed", "err", rerr, "status", he.status)
		s.writeInternalError(w, snap)
		return
	}
	h := w.Header()
	h["Content-Type"] = hvHTML
	h["Cache-Control"] = hvNoCache
	if he.status == http.StatusServiceUnavailable && h["Retry-After"] == nil {
		// Every 503 says when to try again (a store that failed, a
		// database restarting).
		h["Retry-After"] = hvRetryAfterStore
	}
	if h["Vary"] == nil {
		h["Vary"] = hvVaryLang // the words may be in the reader's language
	}
	pagecache.WriteBody(w, r, he.status, buf.Bytes())
}

// requestID is the request's ID from the log middleware, or a fresh number
// when requests are not being logged, so an error log line can still be
// told apart from others.
func requestID(r *http.Request) string {
	if id := middleware.GetReqID(r.Context()); id != "" {
		return id
	}
	return "unlogged-" + strconv.FormatUint(middleware.NextRequestID(), 10)
}

// writeInternalError writes the pre-rendered 500 page.
func (s *Server) writeInternalError(w http.ResponseWriter, snap *site.Snapshot) {
	body := []byte(fallback500)
	if snap != nil && snap.InternalError != nil {
		body = snap.InternalError
	}
	h := w.Header()
	h["Content-Type"] = hvHTML
	h["Cache-Control"] = hvNoCache
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = w.Write(body)
}

// fallback500 is used only before the first snapshot exists.
const fallback500 = `<!DOCTYPE html><html lang="en"><title>Something went wrong</title><h1>Something went wrong on our side</h1><p>Please try again in a moment.</p></html>`
