package campaign

import (
	"slices"
	"strings"
)

// shareNetworks checks org.yaml's share_networks: each a network Placard
// shares to, each once.
func (c *checker) shareNetworks(o *Org) {
	var names []string
	for _, n := range Networks {
		names = append(names, string(n))
	}
	for i := range o.ShareNetworks {
		n := &o.ShareNetworks[i]
		*n = Network(strings.ToLower(strings.TrimSpace(string(*n))))
		switch {
		case !slices.Contains(Networks, *n):
			c.errorf(c.at(n, &o.ShareNetworks), "share_networks: %s is not a network Placard shares to — use %s", quoteValue(string(*n)), strings.Join(names, ", "))
		case slices.Index(o.ShareNetworks, *n) < i:
			c.errorf(c.at(n, &o.ShareNetworks), "share_networks: %s is listed twice — keep one", quoteValue(string(*n)))
		}
	}
}
