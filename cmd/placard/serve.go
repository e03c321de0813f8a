package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/web"
)

const serveSynopsis = `Serve the campaigns in a folder as web pages, and take signatures on
their petitions and open letters.

Every flag can also be set with the environment variable named in brackets;
a flag on the command line wins.

PLACARD_SECRET, when set (16 characters or more), signs the forms' tokens;
otherwise a key kept in the database does, shared by every instance using it.

PLACARD_PREVIEW_KEY, when set (16 characters or more), shows drafts and
campaigns before their publish_at at their own address with ?preview=KEY,
marked noindex; without it drafts have no page at all.`

// serveConfig is what serve runs with: its command line and environment,
// read and checked by parseServe.
type serveConfig struct {
	addr      string // host:port to listen on; port 0 picks a free one
	campaigns string // the folder of campaign files
	db        string // a SQLite file path or a postgres:// URL, checked by checkDB
	baseURL   string // the site's public address, or "" for http://ADDR
	logLevel  slog.Level
	dev       bool // development mode: reload on edits, pages reload themselves
	watch     bool // reload when campaign files change
	// rateLimit is how many signing requests one client may send a minute;
	// 0 is no limit.
	rateLimit int
	// clientIPHeader is the header a reverse proxy sets to the client's
	// address (trimmed), or "" to use the connection's.
	clientIPHeader string
	// trustedProxies are the ranges whose clientIPHeader is believed; see
	// web.Config.TrustedProxies. proxyList is how they were given, for the
	// log.
	trustedProxies []netip.Prefix
	proxyList      string
	// siteOrigins are the origins of static copies (placard build) whose
	// forms may post here; see web.Config.SiteOrigins.
	siteOrigins []string
	secret      []byte // PLACARD_SECRET, or nil for the key kept in the database
	previewKey  string // PLACARD_PREVIEW_KEY, or "" for no previews
	// tuneGC is set when GOGC is not: serve then picks its own collector
	// setting (see run).
	tuneGC bool
	// mail is the email settings (--smtp, --mail-from, --mail-rate); nil
	// when no --smtp was given: nothing is sent.
	mail *mailConfig
	// adminAddr is where the organisers' console listens on its own
	// ("" for /admin on addr, "off" for no console), and adminURL its
	// public address (serve_admin.go).
	adminAddr, adminURL string
	// webhooksAllowPrivate lets webhook and OSDI deliveries reach private
	// addresses (outbox_serve.go); getenv reads their secrets at delivery.
	webhooksAllowPrivate bool
	getenv               func(string) string
	// load holds --secret-env, the variables any org.yaml may name
	// besides its own PLACARD_ORG_<SLUG>__… (secretenv.go).
	load campaign.LoadOptions
}

// serve runs the web server until ctx is cancelled, then shuts down
// gracefully, letting requests in flight finish.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, help, err := parseServe(args, getenv, stdout, stderr)
	if help || err != nil {
		return err
	}
	return c.run(ctx, stderr)
}

// parseServe reads serve's flags and their PLACARD_* variables into a
// checked serveConfig. A value that cannot work is an exit-2 error whose
// message names the flag or variable it came from.
func parseServe(args []string, getenv func(string) string, stdout, stderr io.Writer) (serveConfig, bool, error) {
	const cmd = "serve"
	fset := newFlags(cmd, "serve [flags]", serveSynopsis, stdout, stderr)
	addr := fset.String("addr", "127.0.0.1:8080", "`host:port` to listen on; port 0 picks a free port")
	fset.env("addr", "PLACARD_ADDR")
	campaigns := fset.campaignsFlag("`folder` holding one folder per organisation")
	db := fset.String("db", filepath.Join("placard-data", "placard.db"), "where signatures will be kept: a SQLite `file` path or a postgres:// URL")
	fset.env("db", "PLACARD_DB")
	baseURL := fset.String("base-url", "", "public `address` of the site, for links and share previews (default http://ADDR)")
	fset.env("base-url", "PLACARD_BASE_URL")
	logLevel := fset.String("log-level", "info", "least important `level` logged: debug (every request), info, warn or error")
	fset.env("log-level", "PLACARD_LOG_LEVEL")
	dev := fset.Bool("dev", false, "development mode: reload when campaign files change, and open pages reload themselves or list the files' problems")
	fset.env("dev", "PLACARD_DEV")
	watch := fset.Bool("watch", false, "reload when campaign files change (as SIGHUP does); a change with problems is refused and the last good version keeps serving")
	fset.env("watch", "PLACARD_WATCH")
	rate := fset.Int("rate-limit", web.DefaultRateLimit, "signing requests one client may send a `minute`; 0 turns the limit off (for load tests)")
	fset.env("rate-limit", "PLACARD_RATE_LIMIT")
	header := fset.String("client-ip-header", "", "`header` your reverse proxy sets to the client's address, such as X-Forwarded-For, X-Real-IP or Forwarded, for the rate limit; believed only from --trusted-proxies (default: the connection's address)")
	fset.env("client-ip-header", "PLACARD_CLIENT_IP_HEADER")
	var proxies, origins originList
	fset.Var(&proxies, "trusted-proxies", "address `ranges` of your reverse proxies, such as 10.0.0.0/8 or 192.0.2.7, comma-separated: --client-ip-header is believed only from them, and the client is the right-most address in it that is not one of them (default: loopback only, a proxy on this machine)")
	fset.env("trusted-proxies", "PLACARD_TRUSTED_PROXIES")
	fset.Var(&origins, "site-origin", "`origin` of a static copy made with placard build (such as https://campaigns.example.org) whose forms may post signatures here; repeat it or separate with commas")
	fset.env("site-origin", "PLACARD_SITE_ORIGIN")
	mailFlags := addMailFlags(fset)
	adminAddr, adminURL := adminFlags(fset) // serve_admin.go
	allowPrivate := fset.Bool("webhooks-allow-private", false, "let webhooks and the OSDI endpoint be private or local addresses (a CRM inside your own network); without it they must be public")
	fset.env("webhooks-allow-private", "PLACARD_WEBHOOKS_ALLOW_PRIVATE")
	secretEnv := fset.secretEnvFlag() // secretenv.go
	pos, help, err := fset.parse(args, getenv)
	if help || err != nil {
		return serveConfig{}, help, err
	}
	if len(pos) > 0 {
		return serveConfig{}, false, usageErr(cmd, "serve takes no arguments, got %q; name the campaigns folder with --campaigns", pos[0])
	}
	c := serveConfig{
		addr: *addr, campaigns: *campaigns, db: *db, baseURL: *baseURL,
		dev: *dev, watch: *watch, rateLimit: *rate,
		clientIPHeader: strings.TrimSpace(*header), proxyList: proxies.String(), siteOrigins: origins.list,
		tuneGC:               getenv("GOGC") == "",
		webhooksAllowPrivate: *allowPrivate, getenv: getenv,
		adminAddr: strings.TrimSpace(*adminAddr), adminURL: strings.TrimSpace(*adminURL),
	}
	if c.load, err = loadOptions(fset, *secretEnv); err != nil {
		return serveConfig{}, false, err
	}
	if err := checkAdmin(fset, c); err != nil {
		return serveConfig{}, false, err
	}
	if err := checkDB(fset.source("db"), c.db); err != nil {
		return serveConfig{}, false, usageErr(cmd, "%v", err)
	}
	if c.mail, err = mailFlags.check(fset); err != nil {
		return serveConfig{}, false, usageErr(cmd, "%v", err)
	}
	if c.rateLimit < 0 {
		return serveConfig{}, false, usageErr(cmd, "%s must be 0 (no limit) or more, not %d", fset.source("rate-limit"), c.rateLimit)
	}
	if h := c.clientIPHeader; h != "" && !validHeaderName(h) {
		return serveConfig{}, false, usageErr(cmd, "%s %q is not a header name; give one such as X-Real-IP", fset.source("client-ip-header"), h)
	}
	if c.trustedProxies, err = parseProxies(fset.source("trusted-proxies"), proxies.list); err != nil {
		return serveConfig{}, false, usageErr(cmd, "%v", err)
	}
	if len(c.trustedProxies) > 0 && c.clientIPHeader == "" {
		return serveConfig{}, false, usageErr(cmd, "%s is only used with --client-ip-header; name the header your proxy sets, such as --client-ip-header X-Forwarded-For", fset.source("trusted-proxies"))
	}
	if v := getenv("PLACARD_SECRET"); v != "" {
		if len(v) < 16 {
			return serveConfig{}, false, usageErr(cmd, "PLACARD_SECRET must be at least 16 characters (use a long random string, the same on every instance)")
		}
		c.secret = []byte(v)
	}
	c.previewKey = getenv("PLACARD_PREVIEW_KEY")
	if c.previewKey != "" && len(c.previewKey) < web.MinPreviewKey {
		return serveConfig{}, false, usageErr(cmd, "PLACARD_PREVIEW_KEY must be at least %d characters (use a long random string), or unset to turn previews off", web.MinPreviewKey)
	}
	if err := c.logLevel.UnmarshalText([]byte(*logLevel)); err != nil {
		return serveConfig{}, false, usageErr(cmd, "%s must be debug, info, warn or error, not %q", fset.source("log-level"), *logLevel)
	}
	if c.baseURL != "" {
		if u, err := url.Parse(c.baseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return serveConfig{}, false, usageErr(cmd, "%s must be a full address such as https://act.example.org, not %q", fset.source("base-url"), c.baseURL)
		}
	}
	return c, false, nil
}

// checkDB accepts a postgres:// URL or a file path for the signature store;
// name is where db came from (--db or PLACARD_DB), for the message.
func checkDB(name, db string) error {
	db = strings.TrimSpace(db)
	if db == "" {
		return fmt.Errorf("%s must name a file, such as placard-data/placard.db, or a postgres:// address", name)
	}
	if i := strings.Index(db, "://"); i >= 0 {
		u, err := url.Parse(db)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return fmt.Errorf("%s %q: only postgres:// addresses are supported; for SQLite give a file path such as placard-data/placard.db", name, redactDB(db))
		}
		if u.Host == "" && u.Query().Get("host") == "" {
			return fmt.Errorf("%s %q: the postgres address needs a host, such as postgres://user@localhost/placard", name, redactDB(db))
		}
		return nil
	}
	if strings.HasSuffix(db, "/") || strings.HasSuffix(db, string(filepath.Separator)) {
		return fmt.Errorf("%s %q names a folder; give a file inside it, such as %s", name, db, filepath.Join(db, "placard.db"))
	}
	if fi, err := os.Stat(db); err == nil && fi.IsDir() {
		return fmt.Errorf("%s %q is a folder; give a file inside it, such as %s", name, db, filepath.Join(db, "placard.db"))
	}
	return nil
}

// redactDB hides the password in a --db address (postgres:// or any other
// with a scheme) before it is logged or printed; a file path is left as is.
func redactDB(db string) string {
	if !strings.Contains(db, "://") {
		return db
	}
	u, err := url.Parse(db)
	if err != nil {
		return "(an address that could not be read)"
	}
	return u.Redacted()
}

// parseProxies reads --trusted-proxies (or name, where the list came
// from): CIDR ranges or single addresses.
func parseProxies(name string, list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		if a, err := netip.ParseAddr(s); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		return nil, fmt.Errorf("%s %q is not an address range; give ranges such as 10.0.0.0/8, fd00::/8 or 192.0.2.7, separated by commas", name, s)
	}
	return out, nil
}

// validHeaderName reports whether h is an HTTP header field name (an RFC
// 9110 token).
func validHeaderName(h string) bool {
	for _, r := range h {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune("!#$%&'*+-.^_`|~", r):
		default:
			return false
		}
	}
	return h != ""
}

// originList is a repeatable, comma-separated list flag (--site-origin,
// --trusted-proxies). Its variable is read only when the command line does
// not give the flag (applyEnv), so a flag replaces the environment's list
// rather than adding to it.
type originList struct {
	list []string
}

func (l *originList) String() string {
	if l == nil {
		return ""
	}
	return strings.Join(l.list, ",")
}

// Set appends each non-empty, comma-separated item of v, without a
// trailing slash.
func (l *originList) Set(v string) error {
	for _, o := range strings.Split(v, ",") {
		if o = strings.TrimSuffix(strings.TrimSpace(o), "/"); o != "" {
			l.list = append(l.list, o)
		}
	}
	return nil
}
