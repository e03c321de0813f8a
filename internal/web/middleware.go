package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/placard/placard/internal/site"
)

// Header values, shared by every response; the security headers' values
// are site's (site.BaseHeaders), which a static copy repeats. Each is a one-element
// slice assigned straight into the header map so setting them allocates nothing.
var (
	hvVaryLang    = []string{"Accept-Encoding, Accept-Language"}
	hvNoCache     = []string{"no-cache"}
	hvImmutable   = []string{"public, max-age=31536000, immutable"}
	hvHTML        = []string{"text/html; charset=utf-8"}
	hvDayCache    = []string{"public, max-age=86400"}
	hvDefaultCSP  = []string{site.DefaultCSP}
	hvNosniff     = []string{site.Nosniff}
	hvReferrer    = []string{site.ReferrerPolicy}
	hvPermissions = []string{site.PermissionsPolicy}
	hvCOOP        = []string{site.OpenerPolicy}
	hvFrameDeny   = []string{site.FrameOptions}
	hvHSTS        = []string{site.TransportSecurity}
	hvDev         = []string{"1"}
)

// securityHeaders sets the security headers on every response, before
// anything else can write: pages, static files, redirects, 404s and 500s.
// Handlers may replace Content-Security-Policy with a page's own (stricter
// or theme-hashed) policy. Placard never sets cookies.
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	https := strings.HasPrefix(s.base, "https://")
	dev := s.cfg.Dev
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Security-Policy"] = hvDefaultCSP
		h["X-Content-Type-Options"] = hvNosniff
		h["Referrer-Policy"] = hvReferrer
		h["Permissions-Policy"] = hvPermissions
		h["Cross-Origin-Opener-Policy"] = hvCOOP
		h["X-Frame-Options"] = hvFrameDeny
		if https {
			h["Strict-Transport-Security"] = hvHSTS
		}
		if dev {
			h["X-Placard-Dev"] = hvDev
		}
		next.ServeHTTP(w, r)
	})
}

// recoverer turns a panic outside a handler (in middleware or the router)
// into a logged 500 with the error page, never a bare or empty response.
// Panics inside handlers are caught by the handle adapter.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("request failed", "err", fmt.Sprintf("panic: %v", v), "stack", string(debug.Stack()),
					"method", r.Method, "path", r.URL.Path)
				s.writeInternalError(w, s.snap.Load())
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// observe gives each request an ID (chi RequestID) and logs it with its
// status, size and duration: at debug level normally, at info level with
// Config.Dev. The client's address is never logged: it is personal data,
// and Placard keeps none (the signing rate limit reads it in memory only).
//
// Nothing on the public read path uses the ID except the log, so when the
// logger would drop the record the request skips both and pays nothing for
// them: the cached-page path stays at the router's ceiling.
func (s *Server) observe(next http.Handler) http.Handler {
	level := slog.LevelDebug
	if s.cfg.Dev {
		level = slog.LevelInfo
	}
	logged := middleware.RequestID(s.requestLog(next, level))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.log.Enabled(r.Context(), level) {
			logged.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// requestLog logs each request at level once it is answered.
func (s *Server) requestLog(next http.Handler, level slog.Level) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", status),
			slog.Int("bytes", ww.BytesWritten()),
			slog.Duration("duration", time.Since(start)),
			slog.String("request_id", middleware.GetReqID(r.Context())),
		)
	})
}

// redirectSlashes sends /org/ to /org (keeping the query), so every page has
// one address. Leading slashes are collapsed so //evil.example/ can never
// become a redirect to another site.
func redirectSlashes(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if len(p) > 1 && p[len(p)-1] == '/' {
			target := "/" + strings.Trim(r.URL.EscapedPath(), "/")
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			code := http.StatusMovedPermanently
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				code = http.StatusPermanentRedirect
			}
			http.Redirect(w, r, target, code)
			return
		}
		next.ServeHTTP(w, r)
	})
}
