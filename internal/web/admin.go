package web

import (
	"net/http"
)

// The organisers' console (internal/console) is mounted at /admin when
// Config.Admin is set; ClientKey gives it the client address the rate limits use
// (CurrentSite, outbox.go, gives it the campaigns).

// ClientKey names the client of r as the signing rate limit does: the
// trusted proxy's header when one is configured, else the TCP peer.
func (s *Server) ClientKey(r *http.Request) string { return s.keyer.key(r) }
