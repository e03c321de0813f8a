package attribution

import (
	"slices"
	"strconv"
	"strings"
)

// A share network whose action rotates several messages tags each link
// with the wording it carried: NETWORK-N, N counted from 1 (x-2 is the
// second X message), so arrivals and signatures are counted per wording
// as well as per network. The store keeps it as any other source.

// maxWording bounds N: organisers write a handful of messages, and the
// tag must stay short enough for the form value (FormValueLen).
const maxWording = 99

// networks are the sources a wording can follow: the share networks.
var networks = []string{"x", "bluesky", "mastodon", "facebook", "linkedin", "whatsapp", "telegram", "email"}

// WordingSource is the source tag of network's wording n (1-based), or
// the plain network when n is 0.
func WordingSource(network string, n int) string {
	if n <= 0 || n > maxWording {
		return network
	}
	return network + "-" + strconv.Itoa(n)
}

// SplitWording reads a source tag into its network and wording (0 when it
// names none).
func SplitWording(source string) (network string, n int) {
	network, num, ok := strings.Cut(source, "-")
	if !ok {
		return source, 0
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || n > maxWording || num[0] == '0' || !slices.Contains(networks, network) {
		return source, 0
	}
	return network, n
}

// isWording reports whether s is a well-formed NETWORK-N tag.
func isWording(s string) bool {
	_, n := SplitWording(s)
	return n > 0
}
