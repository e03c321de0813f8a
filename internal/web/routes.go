package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
)

// routes lists every route the site answers, with the middleware every
// response passes through. Keep this the only place routes are declared.
//
//	GET /                                      site index
//	GET /{org}                                 an organisation
//	GET /{org}/{campaign}                      a campaign (?region=X picks a contact region)
//	                                           ?preview=KEY also shows drafts (Config.PreviewKey)
//	POST /{org}/{campaign}/sign                sign a petition or letter → 303 to thanks (sign.go)
//	GET /{org}/{campaign}/thanks               ?outcome=signed|pending|already
//	GET /{org}/{lang}                          the organisation in another of its languages (lang.go)
//	GET /{org}/{campaign}/{lang}[/thanks]      a campaign, and its thanks, in another language;
//	                                           the sign form posts to the plain …/sign with lang=
//	GET /{org}/{old-slug}[/thanks]             301 to the renamed campaign (org.yaml redirects)
//	GET /{org}/share/mastodon                  ?instance=HOST&text=… → 303 to HOST's share screen
//	GET /{org}/{campaign}/share/mastodon       the same, for a campaign page
//	GET /static/*                              content-hashed files, cached for a year
//	GET /healthz                               liveness: 200 "ok"
//	GET /robots.txt, /favicon.ico
//	GET /_dev/events                           --dev only: live-preview event stream (dev.go)
//
// HEAD is answered wherever GET is; a trailing slash redirects to the
// address without it. The names healthz, static, robots.txt and favicon.ico
// therefore cannot be organisation slugs.
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(
		s.securityHeaders, // first, so even a panic's 500 carries them
		s.recoverer,
		s.observe, // request ID, client IP and request log, when logged
		redirectSlashes,
		middleware.GetHead,
	)
	r.NotFound(s.handle(s.notFound))
	r.MethodNotAllowed(s.handle(s.methodNotAllowed))

	r.Get("/healthz", s.healthz)
	r.Get("/robots.txt", s.handle(s.robots))
	r.Get("/favicon.ico", s.handle(s.favicon))
	r.Get("/static/*", s.handle(s.static))

	r.Get("/", s.handle(s.page))
	r.Get("/{org}", s.handle(s.page))
	r.Get("/{org}/{campaign}", s.handle(s.page))
	r.Handle("/{org}/{campaign}/sign", s.signRoute())
	r.Get("/{org}/{campaign}/thanks", s.handle(s.thanks))
	r.Get("/{org}/{campaign}/{lang}", s.handle(s.page))
	r.Get("/{org}/{campaign}/{lang}/thanks", s.handle(s.thanks))
	r.Get("/{org}/{campaign}/{lang}/share/mastodon", s.handle(s.mastodonShare))
	r.Get("/{org}/share/mastodon", s.handle(s.mastodonShare))
	r.Get("/{org}/{campaign}/share/mastodon", s.handle(s.mastodonShare))
	if s.cfg.Dev {
		// Live preview (dev.go): the event stream, and connect-src 'self'
		// so dev pages may open it.
		r.Get("/_dev/events", s.devEvents)
		return devCSP(r)
	}
	return r
}
