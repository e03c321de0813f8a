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
// in the same frame and language). A plain page view is never refused.

// suggestBudget is how many 404 pages with suggestions one client is
// sent a minute: far more than a person mistyping addresses, far fewer
// than a script.
const suggestBudget = 20

// suggestLimiter counts each client's suggestion searches.
type suggestLimiter struct{ rl *httprate.RateLimiter }

// newSuggestLimiter counts the suggestion searches per client, perMinute
// each (0: none). It sets no header on a response: a 404 says nothing of
// it.
func newSuggestLimiter(perMinute int) *suggestLimiter {
	return &suggestLimiter{httprate.NewRateLimiter(perMinute, time.Minute,
		httprate.WithResponseHeaders(httprate.ResponseHeaders{}),
		httprate.WithErrorHandler(func(http.ResponseWriter, *http.Request, error) {}))}
}

// maySuggest reports whether r's client is within its budget of
// suggestion searches, and counts this one when it is.
func (s *Server) maySuggest(r *http.Request) bool {
	return !s.suggests.rl.OnLimit(noHeaders{}, r, s.keyer.key(r))
}

// noHeaders is the response the suggestion limiter is given: it writes
// nothing to it (no header is named), and what it might is dropped.
type noHeaders struct{}

func (noHeaders) Header() http.Header         { return http.Header{} }
func (noHeaders) Write(p []byte) (int, error) { return len(p), nil }
func (noHeaders) WriteHeader(int)             {}
