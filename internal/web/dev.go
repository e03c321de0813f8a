package web

import (
	_ "embed"

	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/devreload"
)

// This file is the live preview of `placard serve --dev`: an event stream
// that tells open tabs to reload after a good edit, or to show the problems
// of a bad one (the state it follows is internal/devreload's), and the
// small script that listens to it. Nothing here is reachable unless
// Config.Dev is set.

//go:embed dev.js
var devScript []byte

// devKeepAlive is how often an idle event stream sends a comment, so proxies
// and browsers keep the connection open.
const devKeepAlive = 15 * time.Second

// DevProblem is one problem as the dev overlay shows it (devreload.Problem).
type DevProblem = devreload.Problem

// StopDevStreams ends every open dev event stream, and any opened later,
// so a graceful shutdown (http.Server.RegisterOnShutdown) need not wait for
// browser tabs to close. Outside dev mode it does nothing.
func (s *Server) StopDevStreams() {
	s.dev.Stop()
}

// ReportProblems tells the open preview tabs that the campaign files are
// invalid, so each shows an overlay listing problems (errors only; warnings
// do not stop a reload). The site keeps serving its last good snapshot; the
// next successful SetSite clears the overlay by reloading the tabs. Outside
// dev mode it does nothing.
func (s *Server) ReportProblems(problems campaign.Problems) {
	if s.dev == nil {
		return
	}
	list := []DevProblem{}
	for _, p := range problems.Errors() {
		list = append(list, DevProblem{File: p.File, Line: p.Line, Col: p.Col, Message: p.Message, Text: p.String()})
	}
	s.dev.Set(list)
}

// devEvents is GET /_dev/events, a server-sent event stream. A new stream
// first gets "problems" (a JSON list of DevProblem) when the files are
// invalid, or "ok" when they are good; after that, "reload" after each
// successful reload and "problems" after each failed one.
func (s *Server) devEvents(w http.ResponseWriter, r *http.Request) {
	wake, ok := s.dev.Subscribe()
	if !ok {
		h := w.Header()
		h["Content-Type"] = hvTextPlain
		h["Cache-Control"] = hvNoStore
		h.Set("Retry-After", "5")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = fmt.Fprintf(w, "too many live-preview streams are open (%d); close some preview tabs\n", devreload.MaxStreams)
		return
	}
	defer s.dev.Unsubscribe(wake)
	rc := http.NewResponseController(w)
	// The server's write timeout is for pages; a stream lives until the tab
	// goes away.
	_ = rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)

	seq, problems := s.dev.State()
	if err := writeDevState(w, "ok", problems); err != nil {
		return
	}
	if err := rc.Flush(); err != nil {
		return
	}
	tick := time.NewTicker(devKeepAlive)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.dev.Stopped():
			return
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
		case <-wake:
			now, problems := s.dev.State()
			if now == seq {
				continue
			}
			seq = now
			if err := writeDevState(w, "reload", problems); err != nil {
				return
			}
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

// writeDevState writes "problems" with the list when there are problems,
// otherwise the event named good.
func writeDevState(w http.ResponseWriter, good string, problems []DevProblem) error {
	if problems == nil {
		_, err := fmt.Fprintf(w, "event: %s\ndata: {}\n\n", good)
		return err
	}
	data, err := json.Marshal(problems)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "event: problems\ndata: %s\n\n", data)
	return err
}

// devHostOnly answers a dev server's requests only when their Host names
// it: the base URL's host, localhost (or a name under .localhost), or an IP
// address, with any port. A page on another name that rebinds its DNS to
// this machine (DNS rebinding) would otherwise read the dev pages and the
// problem list, file paths included, from the reader's browser; it gets
// 421 Misdirected Request instead. An IP address cannot be rebound, so a
// phone on the local network may still preview by address.
func (s *Server) devHostOnly(next http.Handler) http.Handler {
	base := ""
	if u, err := url.Parse(s.base); err == nil {
		base = strings.ToLower(u.Hostname())
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if devHostOK(r.Host, base) {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h["Content-Type"] = hvTextPlain
		h["Cache-Control"] = hvNoStore
		w.WriteHeader(http.StatusMisdirectedRequest)
		_, _ = io.WriteString(w, "this development server answers only localhost, IP addresses and its --base-url's host; open it by one of those, or set --base-url to the address you open\n")
	})
}

// devHostOK reports whether a request's Host (host[:port]) may be served
// by a dev server whose base URL names base.
func devHostOK(hostport, base string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(strings.Trim(host, "[]"), "."))
	if host == "" {
		return false
	}
	if _, err := netip.ParseAddr(host); err == nil {
		return true
	}
	return host == base || host == "localhost" || strings.HasSuffix(host, ".localhost")
}

// devCSP lets dev pages open the event stream: it adds connect-src 'self'
// to whatever Content-Security-Policy the handler chose, just before the
// headers are sent. Production servers never use it.
func devCSP(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&devCSPWriter{ResponseWriter: w}, r)
	})
}

type devCSPWriter struct {
	http.ResponseWriter
	done bool
}

func (d *devCSPWriter) fix() {
	if d.done {
		return
	}
	d.done = true
	h := d.ResponseWriter.Header()
	if csp := h.Get("Content-Security-Policy"); csp != "" && !strings.Contains(csp, "connect-src") && strings.Contains(csp, "script-src 'self'") {
		h["Content-Security-Policy"] = []string{csp + "; connect-src 'self'"}
	}
}

func (d *devCSPWriter) WriteHeader(code int) { d.fix(); d.ResponseWriter.WriteHeader(code) }

func (d *devCSPWriter) Write(p []byte) (int, error) { d.fix(); return d.ResponseWriter.Write(p) }

// Unwrap lets http.ResponseController reach the connection (Flush, deadlines).
func (d *devCSPWriter) Unwrap() http.ResponseWriter { return d.ResponseWriter }
