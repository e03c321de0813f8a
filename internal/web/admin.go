package web

import (
	"net/http"

	"github.com/placard/placard/internal/campaign"
)

// The organisers' console (internal/console) is mounted at /admin when
// Config.Admin is set; these give it what it needs from the server.

// Site returns the campaigns being served: the newest snapshot's.
func (s *Server) Site() *campaign.Site {
	if snap := s.snap.Load(); snap != nil {
		return snap.Site
	}
	return nil
}

// ClientKey names the client of r as the signing rate limit does: the
// trusted proxy's header when one is configured, else the TCP peer.
func (s *Server) ClientKey(r *http.Request) string { return s.keyer.key(r) }
