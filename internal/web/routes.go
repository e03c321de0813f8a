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
//	GET /{org}/{campaign}/thanks               ?outcome=signed|pending
//	                                           &claim=… adds a new signer's personal link (personal.go)
//	GET /{org}/{campaign}/card.png             share card, 1200×630 (og:image) (cards.go)
//	GET /{org}/{campaign}/card-square.png      share card, 1080×1080
//	GET /{org}/card.png                        an organisation's share card
//	GET /{org}/{campaign}/qr.svg, /qr.png      QR code of the campaign address with ?src=qr
//	GET /{org}/{campaign}/poster               printable A4 poster with the QR code
//	GET /{org}/{campaign}/impact               ?key=KEY: a personal link's private page (personal.go)
//	GET /{org}/{lang}                          the organisation in another of its languages (lang.go)
//	GET /{org}/{campaign}/{lang}[/thanks]      a campaign, and its thanks, in another language
//	                                           (and its card.png, card-square.png, qr.*, poster, impact);
//	                                           the sign form posts to the plain …/sign with lang=
//	GET /{org}/{old-slug}[/thanks]             301 to the renamed campaign (org.yaml redirects)
//	GET /{org}/share/mastodon                  ?instance=HOST → 303 to HOST's share screen (campaign's own text)
//	GET /{org}/{campaign}/share/mastodon       the same, for a campaign page
//	GET /{org}/{campaign}[/{lang}]/contact/{action}  a contact action's page: ?postcode= finds the
//	                                           reader's representatives (never stored or logged) (contact.go)
//	POST …/contact/{action}/called             counts one anonymous call → 303 back to the page
//	POST …/contact/{action}/write              send: server — a supporter's message, sealed into the
//	                                           link of a confirmation email (contact_write.go)
//	GET, POST …/contact/{action}/confirm       ?c=… that link: the message and a button; POST queues it
//	GET /{org}/{campaign}/embed                the main call to action for partners' iframes (embed.go);
//	                                           framed only by org.yaml's embed_origins, 403 without them
//	POST /{org}/{campaign}/embed/sign          signing inside the frame → 303 to embed/thanks
//	GET /{org}/{campaign}/embed/thanks         ?outcome=…, the thank-you page inside the frame
//	GET /oembed                                ?url=CAMPAIGN&format=json → the embed snippet (oEmbed 1.0)
//	GET, POST /{org}/{campaign}/confirm        email (serve --smtp, mail.go): "check your inbox"; with ?t=
//	                                           a Confirm button, and POST confirms (confirm.go)
//	GET, POST /{org}/mail/unsubscribe          ?t=…: a button; POST (also RFC 8058 one-click) unsubscribes
//	GET, POST /{org}/mail/data[/{action}]      the supporter's data page: request form, ?t= the page,
//	                                           download, withdraw, hide, erase (data.go)
//	GET /{org}/feed.atom                       the organisation's campaigns and statements (feed.go)
//	GET /sitemap.xml                           every public page with its last change
//	GET /static/*                              content-hashed files, cached for a year
//	GET /healthz                               liveness: 200 "ok"
//	GET /readyz                                readiness: 200 "ready" when the store can commit,
//	                                           else 503 "not ready: store: …" (handlers.go)
//	/admin, /admin/*                           the organisers' console (Config.Admin; internal/console lists its routes)
//	GET /robots.txt, /favicon.ico
//	GET /_dev/events                           --dev only: live-preview event stream (dev.go),
//	                                           at most 16 at once (then 503 with Retry-After)
//	--dev answers only Hosts naming it (localhost, an IP, the base URL's host); others get 421
//
// HEAD is answered wherever GET is; a trailing slash redirects to the
// address without it. The names admin, healthz, readyz, static, robots.txt, favicon.ico,
// sitemap.xml and oembed therefore cannot be organisation slugs, nor
// feed.atom a campaign's.
func (s *Server) routes() http.Handler {
	r := chi.NewRouter()
	r.Use(
		s.securityHeaders, // first, so even a panic's 500 carries them
		s.recoverer,
		s.observe, // request ID, client IP and request log, when logged
		redirectSlashes,
		middleware.GetHead,
	)
	if s.cfg.Dev {
		// Only requests naming this server: no DNS rebinding (dev.go).
		r.Use(s.devHostOnly)
	}
	r.NotFound(s.handle(s.notFound))
	r.MethodNotAllowed(s.handle(s.methodNotAllowed))

	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Get("/robots.txt", s.handle(s.robots))
	r.Get("/favicon.ico", s.handle(s.favicon))
	r.Get("/static/*", s.handle(s.static))

	r.Get("/", s.handle(s.page))
	r.Get("/{org}", s.handle(s.page))
	r.Get("/{org}/{campaign}", s.handle(s.page))
	sign := s.signRoute() // one rate limit for both forms
	r.Handle(signRoutePattern, sign)
	contact := s.contactRoute() // one rate limit for lookups and calls
	r.Handle("/{org}/{campaign}/contact/{action}", contact)
	r.Handle("/{org}/{campaign}/contact/{action}/{step}", contact)
	r.Handle("/{org}/{campaign}/{lang}/contact/{action}", contact)
	r.Handle("/{org}/{campaign}/{lang}/contact/{action}/{step}", contact)
	r.Get("/{org}/{campaign}/embed", s.handle(s.embed))
	r.Handle("/{org}/{campaign}/embed/sign", s.framedAsEmbed(sign))
	r.Get("/{org}/{campaign}/embed/thanks", s.handle(s.embedThanks))
	// Email's pages (mail.go); 404 on a server that sends no email.
	r.Handle("/{org}/{campaign}/confirm", s.mailGuard(s.handle(s.confirm)))
	r.Handle("/{org}/mail/unsubscribe", s.handle(s.unsubscribe)) // one-click POSTs come from mail providers' servers
	data := s.mailGuard(s.mailRateLimited(s.handle(s.data)))
	r.Handle("/{org}/mail/data", data)
	r.Handle("/{org}/mail/data/{action}", data)
	r.Get("/{org}/feed.atom", s.handle(s.feed))
	r.Get("/sitemap.xml", s.handle(s.sitemap))
	r.Get("/oembed", s.handle(s.oembed))
	r.Get("/{org}/{campaign}/thanks", s.handle(s.thanks))
	r.Get("/{org}/card.png", s.handle(s.generatedFile))
	r.Get("/{org}/{campaign}/card.png", s.handle(s.generatedFile))
	r.Get("/{org}/{campaign}/card-square.png", s.handle(s.generatedFile))
	r.Get("/{org}/{campaign}/qr.svg", s.handle(s.generatedFile))
	r.Get("/{org}/{campaign}/qr.png", s.handle(s.generatedFile))
	r.Get("/{org}/{campaign}/poster", s.handle(s.page))
	r.Get("/{org}/{campaign}/impact", s.handle(s.impact))
	r.Get("/{org}/{campaign}/{lang}", s.handle(s.page))
	r.Get("/{org}/{campaign}/{lang}/thanks", s.handle(s.thanks))
	r.Get("/{org}/{campaign}/{lang}/share/mastodon", s.handle(s.mastodonShare))
	r.Get("/{org}/{campaign}/{lang}/card.png", s.handle(s.generatedFile))
	r.Get("/{org}/{campaign}/{lang}/card-square.png", s.handle(s.generatedFile))
	r.Get("/{org}/{campaign}/{lang}/qr.svg", s.handle(s.generatedFile))
	r.Get("/{org}/{campaign}/{lang}/qr.png", s.handle(s.generatedFile))
	r.Get("/{org}/{campaign}/{lang}/poster", s.handle(s.page))
	r.Get("/{org}/{campaign}/{lang}/impact", s.handle(s.impact))
	r.Get("/{org}/share/mastodon", s.handle(s.mastodonShare))
	r.Get("/{org}/{campaign}/share/mastodon", s.handle(s.mastodonShare))
	if s.cfg.Admin != nil {
		r.Mount("/admin", s.cfg.Admin)
	}
	if s.cfg.Dev {
		// Live preview (dev.go): the event stream, and connect-src 'self'
		// so dev pages may open it.
		r.Get("/_dev/events", s.devEvents)
		return devCSP(r)
	}
	// The read path skips the router for cached pages (readpath.go), the
	// signing path for signatures (signpath.go).
	return s.signPath(r, sign, s.readPath(r, s.securityHeaders(s.recoverer(s.observe(s.handle(s.page))))))
}
