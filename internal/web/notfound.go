package web

import (
	"net/http"
	"time"

	"github.com/go-chi/httprate"
)

// The did-you-mean search of a 404 page (site.ClosePages) is the costliest
// work a GET can ask for: bounded per search (milliseconds at 10,000
// campaigns), but the address is anyone's choice and GETs have no rate
// limit, so one client repeating it could keep a core busy. Each client
// (as Server.keyer names it, like the signing rate limit) is therefore
// searched for at most suggestBudget times a minute; past that its 404s
// come without suggestions and are otherwise the same page (still 404,
// in the same frame and language). Many clients together (a botnet, or
// one holder of many IPv6 networks) are bounded by a budget for the whole
// site, suggestSiteBudget a minute, past which every 404 comes without
// suggestions until the minute ends. A plain page view is never refused.
// Behind a proxy without --client-ip-header every visitor is one client
// and shares one budget: the first budgeted request that shows it logs the
// warning signing gives (warnProxy), once per process.

// suggestBudget is how many 404 pages with suggestions one client is
// sent a minute: far more than a person mistyping addresses, far fewer
// than a script.
const suggestBudget = 20

// suggestSiteBudget is how many 404 pages with suggestions the whole site
// sends a minute, whoever asks: ten a second, at most a third of a core
// even at 10,000 campaigns (BenchmarkNotFound10k: up to 35 ms a search
// on a loaded machine), far more than people mistyping addresses.
const suggestSiteBudget = 600

// suggestLimiter counts suggestion searches: each client's, and the
// site's.
type suggestLimiter struct{ client, site *httprate.RateLimiter }

// newSuggestLimiter counts the suggestion searches, perClient a minute
// for each client and perSite a minute for the site (0: none). It sets no
// header on a response: a 404 says nothing of it.
func newSuggestLimiter(perClient, perSite int) *suggestLimiter {
	return &suggestLimiter{client: newQuietLimiter(perClient), site: newQuietLimiter(perSite)}
}

// maySuggest reports whether r's client, and the site, are within their
// budgets of suggestion searches, and counts this one when they are. A
// client past its own budget does not spend the site's.
func (s *Server) maySuggest(r *http.Request) bool {
	s.warnProxy(r, s.keyer) // every visitor one client? (once per process)
	if s.suggests.client.OnLimit(noHeaders{}, r, s.keyer.key(r)) {
		return false
	}
	return !s.suggests.site.OnLimit(noHeaders{}, r, "site")
}

// impactBudget is how many private pages of personal links (…/impact)
// one client is sent a minute. A private page is never cached and reads
// the store on every request (one or two indexed rows), the one such GET;
// a supporter looking at their own count a few times never comes near it,
// a script trying keys or loading the database does. Past it the client
// gets 429 in the page's language until the minute ends.
const impactBudget = 60

// errImpactLimited answers a client past impactBudget.
var errImpactLimited = &httpError{status: http.StatusTooManyRequests,
	heading: "error.limited.heading", message: "error.limited.message"}

// newQuietLimiter counts perMinute requests a minute per key, and writes
// nothing to a response (no header, no body): the caller answers.
func newQuietLimiter(perMinute int) *httprate.RateLimiter {
	return httprate.NewRateLimiter(perMinute, time.Minute,
		httprate.WithResponseHeaders(httprate.ResponseHeaders{}),
		httprate.WithErrorHandler(func(http.ResponseWriter, *http.Request, error) {}))
}

// mayShowImpact reports whether r's client is within its budget of
// private pages, and counts this one when it is. Always true with the
// rate limits off (Config.RateLimit < 0: load tests).
func (s *Server) mayShowImpact(r *http.Request) bool {
	if s.impacts == nil {
		return true
	}
	s.warnProxy(r, s.keyer) // every visitor one client? (once per process)
	return !s.impacts.OnLimit(noHeaders{}, r, s.keyer.key(r))
}

// sharedLimits names, for the proxy warning (warnProxy), what every
// client behind a proxy would share: the per-client limits this server
// keeps.
func (s *Server) sharedLimits() string {
	if s.impacts == nil { // the rate limits are off; the 404 budget is not
		return "one budget of 404 pages with suggestions"
	}
	return "one signing rate limit and one budget of 404 pages with suggestions and of private link pages"
}

// noHeaders is the response the suggestion limiter is given: it writes
// nothing to it (no header is named), and what it might is dropped.
type noHeaders struct{}

func (noHeaders) Header() http.Header         { return http.Header{} }
func (noHeaders) Write(p []byte) (int, error) { return len(p), nil }
func (noHeaders) WriteHeader(int)             {}
