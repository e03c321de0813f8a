package console

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"runtime/debug"

	"github.com/a-h/templ"

	"github.com/placard/placard/views/admin"
)

// httpError is a 4xx answer: a status and what to say, as i18n keys.
type httpError struct {
	status        int
	heading, text string // catalogue keys
}

func (e *httpError) Error() string { return fmt.Sprintf("%d %s", e.status, e.heading) }

var (
	errNotFound  = &httpError{http.StatusNotFound, "console.err.notfound", "console.err.notfound.text"}
	errForbidden = &httpError{http.StatusForbidden, "console.err.forbidden", "console.err.forbidden.text"}
	errLimited   = &httpError{http.StatusTooManyRequests, "console.err.limited", "console.err.limited.text"}
	errCross     = &httpError{http.StatusForbidden, "console.err.cross", "console.err.cross.text"}
	errExpired   = &httpError{http.StatusGone, "console.err.link", "console.err.link.text"}
	errMethod    = &httpError{http.StatusMethodNotAllowed, "console.err.method", "console.err.method.text"}
	errTooBig    = &httpError{http.StatusRequestEntityTooLarge, "console.err.toobig", "console.err.toobig.text"}
)

// badRequest is a 400 whose text is the catalogue key given.
func badRequest(textKey string) error {
	return &httpError{http.StatusBadRequest, "console.err.bad", textKey}
}

// handle adapts a handler returning an error: an httpError becomes its
// status and a plain page; anything else is logged (without the request's
// query or body) and answered 500. A panic is a 500 too.
func (c *Console) handle(h func(w http.ResponseWriter, r *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				c.log.Error("console request failed", "err", fmt.Sprintf("panic: %v", v), "stack", string(debug.Stack()), "method", r.Method, "path", r.URL.Path)
				c.serveError(w, r, nil)
			}
		}()
		if err := h(w, r); err != nil {
			c.serveError(w, r, err)
		}
	}
}

// serveError writes err's page.
func (c *Console) serveError(w http.ResponseWriter, r *http.Request, err error) {
	var he *httpError
	if !errors.As(err, &he) {
		if err != nil && !errors.Is(err, context.Canceled) {
			c.log.Error("console request failed", "err", err, "method", r.Method, "path", r.URL.Path)
		}
		he = &httpError{http.StatusInternalServerError, "console.err.internal", "console.err.internal.text"}
	}
	p := c.page(r, "")
	p.Title = p.L.T(he.heading)
	p.Nav = nil
	c.render(w, r, he.status, admin.MessagePage(p, admin.Message{Text: p.L.T(he.text), LinkText: p.L.T("console.back"), LinkURL: Prefix}))
}

// render writes component with status, buffered so a failing component
// never leaves half a page.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, comp templ.Component) {
	var buf bytes.Buffer
	if err := comp.Render(r.Context(), &buf); err != nil {
		c.log.Error("rendering a console page", "err", err, "path", r.URL.Path)
		l := localizer(r) // plain text, in the organiser's language
		http.Error(w, l.T("console.err.internal")+". "+l.T("console.err.internal.text"), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}
