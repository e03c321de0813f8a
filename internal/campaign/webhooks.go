package campaign

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// The webhook events an organisation may subscribe to.
const (
	EventSignatureCreated   = "signature.created"
	EventSignatureConfirmed = "signature.confirmed"
	EventSignatureErased    = "signature.erased"
	// EventSignatureUpdated is sent when a supporter withdraws their
	// permission to be contacted or hides their name on their data page.
	EventSignatureUpdated = "signature.updated"
)

// WebhookEvents lists every event, in the order the guide gives them.
var WebhookEvents = []string{EventSignatureCreated, EventSignatureConfirmed, EventSignatureUpdated, EventSignatureErased}

// Wants reports whether the webhook subscribes to event.
func (w Webhook) Wants(event string) bool {
	for _, e := range w.Events {
		if strings.TrimSpace(e) == event {
			return true
		}
	}
	return false
}

// envName is what an environment variable's name looks like: upper-case
// letters, digits and underscores, not starting with a digit.
var envName = regexp.MustCompile(`^[A-Z_][A-Z0-9_]{0,127}$`)

// webhooks checks the organisation's webhooks and OSDI endpoint.
func (c *checker) webhooks(o *Org) {
	seen := map[string]bool{}
	for i := range o.Webhooks {
		w := &o.Webhooks[i]
		if c.broken(w) {
			continue
		}
		if c.required(w.URL, &w.URL, w, "this webhook", "url", "the address to send events to, starting with https://") {
			if c.endpointURL(w.URL, &w.URL, "url") {
				if seen[strings.TrimSpace(w.URL)] {
					c.errorf(c.at(&w.URL), "webhooks: %s is listed twice — keep one entry and list all its events there", quoteValue(w.URL))
				}
				seen[strings.TrimSpace(w.URL)] = true
			}
		}
		if c.required(w.SecretEnv, &w.SecretEnv, w, "this webhook", "secret_env", "the name of the environment variable holding its secret, such as "+OrgEnvPrefix(o.Slug)+"WEBHOOK_SECRET") {
			c.envName(w.SecretEnv, &w.SecretEnv, "secret_env", "secret", "WEBHOOK_SECRET")
		}
		if len(w.Events) == 0 && !c.broken(&w.Events) {
			if c.seen(&w.Events) {
				c.errorf(c.at(&w.Events), "'events' is empty — list what to send, such as [%s]", strings.Join(WebhookEvents, ", "))
			} else if !c.misspelt(w, "events") {
				c.errorf(c.at(w), "this webhook has no 'events' — add events: [%s] (or the ones you want)", strings.Join(WebhookEvents, ", "))
			}
		}
		got := map[string]bool{}
		for j := range w.Events {
			e := strings.TrimSpace(w.Events[j])
			switch {
			case !contains(WebhookEvents, e):
				c.errorf(c.at(&w.Events[j]), "%s", enumMessage("events", e, WebhookEvents))
			case got[e]:
				c.errorf(c.at(&w.Events[j]), "'events' lists %s twice — keep one", quoteValue(e))
			}
			got[e] = true
		}
	}
	if o.OSDI != nil && !c.broken(o.OSDI) {
		d := o.OSDI
		if c.required(d.URL, &d.URL, d, "osdi", "url", "the petition's record signature helper address, such as https://actionnetwork.org/api/v2/petitions/ID/signatures") {
			c.endpointURL(d.URL, &d.URL, "url")
		}
		if c.required(d.APIKeyEnv, &d.APIKeyEnv, d, "osdi", "api_key_env", "the name of the environment variable holding the API key, such as "+OrgEnvPrefix(o.Slug)+"AN_KEY") {
			c.envName(d.APIKeyEnv, &d.APIKeyEnv, "api_key_env", "API key", "AN_KEY")
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// endpointURL checks an address Placard itself calls: https, a host, no
// credentials in it. Plain http is accepted only for this machine
// (localhost, 127.0.0.1, [::1]), for trying things out; placard serve calls
// it only under --dev. Whether the host's address is private is settled
// when it is called (the name may point elsewhere by then).
func (c *checker) endpointURL(s string, ptr any, key string) bool {
	s = strings.TrimSpace(s)
	w := c.at(ptr)
	u, err := url.Parse(s)
	switch {
	case err != nil || strings.ContainsAny(s, " \t\n") || u.Host == "" || !strings.Contains(s, "://"):
		c.errorf(w, "'%s' must be a full address starting with https://, like https://crm.example.org/placard — got %s", key, quoteValue(s))
	case u.User != nil:
		c.errorf(w, "'%s' must not hold a user name or password — put the secret in the environment variable named by secret_env (or api_key_env) instead", key)
	case u.Scheme == "http" && !loopbackHost(u.Hostname()):
		c.errorf(w, "'%s' must start with https://, so what Placard sends is encrypted — write https://%s", key, strings.TrimPrefix(s, u.Scheme+"://"))
	case u.Scheme != "https" && u.Scheme != "http":
		c.errorf(w, "'%s' must start with https:// — got %s", key, quoteValue(s))
	case u.Fragment != "":
		c.errorf(w, "'%s' must not end in a #fragment, which is never sent — remove #%s", key, u.Fragment)
	default:
		return true
	}
	return false
}

// loopbackHost reports whether host names this machine.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkSecretNames refuses an OSDI api_key_env that another organisation
// names too (as its API key or a webhook's secret), at every place that
// names it: the OSDI key is sent as it is to the address beside it, and an
// organiser who may edit only their own org.yaml must not have another
// organisation's key or secret sent to an address of their choosing.
func (l *loader) checkSecretNames() {
	type use struct {
		c   *checker
		ptr *string
		key string
	}
	uses := map[string][]use{}
	orgsOf := map[string]map[string]bool{}
	for _, of := range l.orgs {
		o := of.org
		c := &checker{l: l, of: of, file: o.File}
		add := func(ptr *string, key string) {
			name := strings.TrimSpace(*ptr)
			if !SecretEnvAllowed(o.Slug, name, l.opts.SecretEnv) {
				return // refused where it is written (envName)
			}
			uses[name] = append(uses[name], use{c, ptr, key})
			if orgsOf[name] == nil {
				orgsOf[name] = map[string]bool{}
			}
			orgsOf[name][o.Slug] = true
		}
		for i := range o.Webhooks {
			add(&o.Webhooks[i].SecretEnv, "secret_env")
		}
		if o.OSDI != nil {
			add(&o.OSDI.APIKeyEnv, "api_key_env")
		}
	}
	for name, us := range uses {
		// Organisations may share a webhook secret (one CRM for several,
		// set up by one operator): it only signs what each sends. A key
		// sent as it is (OSDI) must be one organisation's alone.
		if len(orgsOf[name]) < 2 || !slices.ContainsFunc(us, func(u use) bool { return u.key == "api_key_env" }) {
			continue
		}
		var slugs []string
		for s := range orgsOf[name] {
			slugs = append(slugs, s)
		}
		slices.Sort(slugs)
		for _, u := range us {
			u.c.errorf(u.c.at(u.ptr), "'%s' names %s, which more than one organisation names (%s) — each organisation keeps its secrets in variables of its own, such as %s…", u.key, name, strings.Join(slugs, ", "), OrgEnvPrefix(u.c.of.org.Slug))
		}
	}
}

// envPrefix is an organisation's slug as the start of a variable's name.
func envPrefix(slug string) string {
	return strings.ToUpper(strings.ReplaceAll(slug, "-", "_"))
}

// ReservedEnv reports whether name is one of Placard's own settings
// (PLACARD_…: the installation's secret, the SMTP server's and the
// database's addresses with their passwords), other than an organisation's
// own PLACARD_ORG_<SLUG>__… variables. An organisation's org.yaml — which its
// organisers may edit in the console — may not name one as a webhook's
// secret or an OSDI API key: the OSDI key is sent as it is to an address
// the same file chooses.
func ReservedEnv(name string) bool {
	name = strings.TrimSpace(name)
	return strings.HasPrefix(name, "PLACARD_") && !strings.HasPrefix(name, orgEnvStart)
}

// orgEnvStart begins every organisation's own variables.
const orgEnvStart = "PLACARD_ORG_"

// OrgEnvPrefix is how the names of the organisation's own environment
// variables start: PLACARD_ORG_, its slug in capitals with hyphens as
// underscores, and an underscore (northgate: PLACARD_ORG_NORTHGATE__).
func OrgEnvPrefix(slug string) string {
	return orgEnvStart + envPrefix(slug) + "__"
}

// SecretEnvAllowed reports whether organisation slug's org.yaml may name the
// environment variable name as a webhook's secret_env or its OSDI
// api_key_env: a variable of its own (OrgEnvPrefix and more), or one the
// server's operator lists in allow (--secret-env). Any other variable of
// the server — the SMTP password, the database's address, a cloud
// provider's key — could otherwise be sent to an address the same file
// chooses. Placard's own settings are refused even when listed. Load also
// refuses a name of the organisation's own that is another organisation's
// (slug north naming PLACARD_ORG_NORTH_GATE__…, when north-gate exists).
func SecretEnvAllowed(slug, name string, allow []string) bool {
	name = strings.TrimSpace(name)
	if !envName.MatchString(name) {
		return false
	}
	if p := OrgEnvPrefix(slug); slug != "" && strings.HasPrefix(name, p) && len(name) > len(p) {
		return true
	}
	return !ReservedEnv(name) && !strings.HasPrefix(name, orgEnvStart) && slices.Contains(allow, name)
}

// ParseSecretEnv reads the operator's list of environment variables
// organisations may name (--secret-env, PLACARD_SECRET_ENV): names
// separated by commas or spaces. It refuses one that is not a variable's
// name or is one of Placard's own settings.
func ParseSecretEnv(s string) ([]string, error) {
	var names []string
	for _, n := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		switch {
		case !envName.MatchString(n):
			return nil, fmt.Errorf("%q is not the name of an environment variable (capital letters, digits and underscores)", n)
		case ReservedEnv(n) || strings.HasPrefix(n, orgEnvStart):
			return nil, fmt.Errorf("%s is one of Placard's own settings or an organisation's own variable, which is never listed here", n)
		}
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names, nil
}

// envName checks that s names an environment variable the organisation
// may name (SecretEnvAllowed). The value is never repeated when it does
// not look like a name: a secret pasted here by mistake must not be copied
// into logs and terminals.
func (c *checker) envName(s string, ptr any, key, what, example string) {
	s = strings.TrimSpace(s)
	own := OrgEnvPrefix(c.of.org.Slug)
	switch {
	case !envName.MatchString(s):
		c.errorf(c.at(ptr), "'%s' must be the NAME of the environment variable that holds the %s, in capital letters, digits and underscores, such as %s — put the %s itself in that variable when you start placard serve, never in this file (the value here is not repeated, in case it is the %s)", key, what, own+example, what, what)
	case ReservedEnv(s):
		c.errorf(c.at(ptr), "'%s' names %s, one of Placard's own settings, which are never sent to another server — choose a name of your own, starting with %s, such as %s", key, s, own, own+example)
	case !SecretEnvAllowed(c.of.org.Slug, s, c.l.opts.SecretEnv):
		or := ""
		if !strings.HasPrefix(s, orgEnvStart) {
			or = fmt.Sprintf(" (or the server's operator allows this name with placard serve --secret-env %s)", s)
		}
		c.errorf(c.at(ptr), "'%s' names %s, which is not one of this organisation's variables, so placard serve will not read it — rename the variable to start with %s, such as %s%s", key, s, own, own+example, or)
	}
}
