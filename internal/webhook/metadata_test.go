package webhook_test

import (
	"net/netip"
	"testing"

	"github.com/placard/placard/internal/webhook"
)

// TestAllowPrivateKeepsMetadataOut: attack on the cloud's metadata
// service through --webhooks-allow-private. The flag is for a CRM inside
// the organisation's own network, but it opened every non-public address
// to whoever edits org.yaml (an organiser, in the console): the link-local
// range, where every cloud answers with the machine's credentials
// (169.254.169.254), AWS's IPv6 and Alibaba's metadata addresses among
// them — a webhook's POST and the status it got, shown by placard outbox
// list, are enough to probe it. No CRM lives at a link-local address;
// they stay refused with the flag, private networks and this machine
// allowed as before. Failed before: each was allowed.
func TestAllowPrivateKeepsMetadataOut(t *testing.T) {
	p := webhook.Policy{AllowPrivate: true}
	for _, ip := range []string{"169.254.169.254", "169.254.170.2", "fe80::1", "fd00:ec2::254", "100.100.100.200", "::ffff:169.254.169.254"} {
		if p.Allowed(netip.MustParseAddr(ip)) {
			t.Errorf("with --webhooks-allow-private, Allowed(%s) = true; want false (link-local or a metadata service)", ip)
		}
	}
	for _, ip := range []string{"10.1.2.3", "192.168.1.20", "fd12:3456::1", "100.64.0.1", "127.0.0.1"} {
		if !p.Allowed(netip.MustParseAddr(ip)) {
			t.Errorf("with --webhooks-allow-private, Allowed(%s) = false; want true (the organisation's own network)", ip)
		}
	}
}
