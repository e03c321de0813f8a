package console

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/httprate"
)

// routes lists every console route, relative to Prefix (web mounts the
// console there; Standalone does the same on its own listener).
//
//	GET  /                              the signed-in organiser's dashboard (a site admin: every organisation)
//	GET  /signin                        sign in: passkey, or a link by email when email is on
//	POST /signin/link                   email me a sign-in link (answers the same for any address)
//	GET  /signin/link?t=TOKEN           an emailed link: a page with one button …
//	POST /signin/link/use               … that spends it (token in the body) and signs in
//	POST /signin/passkey/begin|finish   the passkey sign-in ceremony (JSON; passkey.js)
//	GET  /invite?t=TOKEN                an invitation: a page with one button …
//	POST /invite                        … that spends it and signs in, then asks for a passkey
//	GET  /passkey                       the organiser's passkeys: list, add, remove (signed in)
//	POST /passkey/begin|finish          the registration ceremony (JSON; passkey.js)
//	POST /passkey/remove                remove one of one's passkeys (id=…; fresh sign-in; passkeylist.go), ending the sessions it opened
//	GET  /sessions                      the organiser's open sessions: when, how, last used (sessions.go)
//	POST /sessions/end                  end one (id=…) or every other (others=1)
//	GET  /activity                      site admins only: what site admins did outside any organisation (activity.go)
//	POST /signout                       end the session (server-side too)
//	GET  /static/{name}                 the console's stylesheet and script, content-hashed
//	GET  /{org}                         dashboard: campaigns, status, counts, chart, sources, wordings, links
//	GET  /{org}/moderation              organisations waiting for approval
//	POST /{org}/moderation              approve or reject one (approve=ID, reject=ID) or the ticked (do=approve|reject, id=…)
//	GET  /{org}/data                    exports and the erase form
//	GET  /{org}/{campaign}/export       ?format=csv|json: every signature of one campaign
//	GET  /{org}/{campaign}/outreach     ?format=csv|json: a contact campaign's calls and emails per target and outcome
//	POST /{org}/erase                   erase by address: first a confirmation page, then (confirm=yes) the erasure
//	GET  /{org}/audit                   the audit log (editors)
//	     /{org}/files…                  the file editor, publish/close, new campaign, upload, hand-in (edit.go)
//
// Every route of an organisation answers 404 to an organiser of another
// one (orgScope); POSTs there are refused to viewers (403); a download
// another site's link starts is refused (ownDownloads, downloads.go).
func (c *Console) routes(origins []string) http.Handler {
	r := chi.NewRouter()
	r.Use(c.headers, c.crossOrigin(origins), c.session)
	r.NotFound(c.handle(func(http.ResponseWriter, *http.Request) error { return errNotFound }))
	r.MethodNotAllowed(c.handle(func(http.ResponseWriter, *http.Request) error { return errMethod }))

	r.Get("/static/{name}", c.handle(c.staticHandler))
	limited := c.signInLimit()
	r.Get("/signin", c.handle(c.signInPage))
	r.With(limited).Post("/signin/link", c.handle(c.linkPost))
	r.Get("/signin/link", c.handle(c.linkPage))
	r.With(limited).Post("/signin/link/use", c.handle(c.linkUse))
	r.With(limited).Post("/signin/passkey/begin", c.handle(c.passkeySignInBegin))
	r.With(limited).Post("/signin/passkey/finish", c.handle(c.passkeySignInFinish))
	r.Get("/invite", c.handle(c.invitePage))
	r.With(limited).Post("/invite", c.handle(c.inviteUse))
	r.Post("/signout", c.handle(c.signOut))

	r.Group(func(r chi.Router) {
		r.Use(c.requireSignIn)
		r.Get("/", c.handle(c.home))
		r.Get("/passkey", c.handle(c.passkeyPage))
		r.Post("/passkey/begin", c.handle(c.passkeyRegisterBegin))
		r.Post("/passkey/finish", c.handle(c.passkeyRegisterFinish))
		r.Post("/passkey/remove", c.handle(c.passkeyRemove))
		r.Get("/sessions", c.handle(c.sessionsPage))
		r.Post("/sessions/end", c.handle(c.sessionsEnd))
		r.Get("/activity", c.handle(c.activityPage))
		r.Route("/{org}", func(r chi.Router) {
			r.Use(c.orgScope, c.ownDownloads)
			r.Get("/", c.handle(c.dashboard))
			r.Get("/moderation", c.handle(c.moderationPage))
			r.Post("/moderation", c.handle(c.moderate))
			r.Get("/data", c.handle(c.dataPage))
			r.Get("/{campaign}/export", c.handle(c.export))
			r.Get("/{campaign}/outreach", c.handle(c.outreachExport))
			r.Post("/erase", c.handle(c.erase))
			r.Get("/audit", c.handle(c.auditPage))
			c.editRoutes(r) // edit.go: /files…
		})
	})
	return r
}

// Standalone serves the console alone (serve --admin-addr): the same
// addresses under Prefix, and / sends there.
func (c *Console) Standalone() http.Handler {
	r := chi.NewRouter()
	r.Mount(Prefix, c)
	r.Get("/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
	})
	r.NotFound(c.handle(func(http.ResponseWriter, *http.Request) error { return errNotFound }))
	return c.headers(r)
}

// consoleCSP allows the console's own script and stylesheet and nothing
// else: no inline script or style, no other origin, forms only to itself,
// never framed.
const consoleCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// headers sets the console's security headers on every response.
func (c *Console) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", consoleCSP)
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if c.secure {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// crossOrigin refuses state-changing requests from other origins, as the
// signing form's route does (net/http CrossOriginProtection: Sec-Fetch-Site,
// then Origin against Host and the trusted origins).
func (c *Console) crossOrigin(origins []string) func(http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	for _, o := range origins {
		_ = cop.AddTrustedOrigin(o)
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.serveError(w, r, errCross)
	}))
	return cop.Handler
}

// signInLimit limits sign-in attempts per client (Config.ClientKey).
func (c *Console) signInLimit() func(http.Handler) http.Handler {
	return httprate.Limit(c.cfg.SignInLimit, time.Minute,
		httprate.WithKeyFuncs(func(r *http.Request) (string, error) { return c.cfg.ClientKey(r), nil }),
		httprate.WithLimitHandler(func(w http.ResponseWriter, r *http.Request) { c.serveError(w, r, errLimited) }),
	)
}

// orgScope answers 404 unless {org} is an organisation being served that
// the signed-in organiser may see, and refuses a viewer's changes (403).
func (c *Console) orgScope(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		o, _ := OrganiserFrom(r.Context())
		org := chi.URLParam(r, "org")
		if !o.CanSee(org) || c.cfg.Site().Org(org) == nil {
			c.serveError(w, r, errNotFound)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && !o.CanChange(org) {
			c.serveError(w, r, errForbidden)
			return
		}
		next.ServeHTTP(w, r)
	})
}
