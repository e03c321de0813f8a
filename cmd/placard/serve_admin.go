package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/console"
	"github.com/placard/placard/internal/editing"
	"github.com/placard/placard/internal/outbox"
	"github.com/placard/placard/internal/store"
	"github.com/placard/placard/internal/web"
)

// The organisers' console in serve: on the public listener under /admin
// by default, on a listener of its own with --admin-addr (so operators can
// keep it on a private network), or off.

// adminFlags declares serve's console flags.
func adminFlags(fset *cmdFlags) (addr, base *string) {
	addr = fset.String("admin-addr", "", "`host:port` for the organisers' console on a listener of its own (default: /admin/ on --addr; off: no console)")
	fset.env("admin-addr", "PLACARD_ADMIN_ADDR")
	base = fset.String("admin-url", "", "public `address` of the console's own listener, for its links and passkeys (default http://ADMIN-ADDR)")
	fset.env("admin-url", "PLACARD_ADMIN_URL")
	return addr, base
}

// checkAdmin refuses console settings that cannot work.
func checkAdmin(fset *cmdFlags, c serveConfig) error {
	if c.adminURL != "" {
		if c.adminAddr == "" || c.adminAddr == "off" {
			return usageErr("serve", "%s is the address of the console's own listener; give --admin-addr too", fset.source("admin-url"))
		}
		if u, err := url.Parse(c.adminURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usageErr("serve", "%s must be a full address such as https://admin.example.org, not %q", fset.source("admin-url"), c.adminURL)
		}
	}
	if a := c.adminAddr; a != "" && a != "off" {
		if _, _, err := net.SplitHostPort(a); err != nil {
			return usageErr("serve", "%s must be host:port, such as 127.0.0.1:8081, or off, not %q", fset.source("admin-addr"), a)
		}
		if _, port, _ := net.SplitHostPort(a); a == c.addr && port != "0" {
			return usageErr("serve", "%s is the same as --addr; leave it out to serve the console under /admin/ there", fset.source("admin-addr"))
		}
	}
	return nil
}

// console makes the organisers' console, or nil when it is off. base is
// the public site's address; with --admin-addr the console answers at
// --admin-url (or http://ADMIN-ADDR) instead, decided in serveAdmin.
// When deliveries run (webhooks or email), the dashboard shows what waits
// in the outbox; with --smtp, organisers may ask for a sign-in link by
// email, sent through the outbox.
func (c serveConfig) console(base string, log *slog.Logger, st store.Store, deliveries *outboxRunner, srv func() *web.Server, reload func(why string) bool) (*console.Console, error) {
	if c.adminAddr == "off" {
		return nil, nil
	}
	siteURL := base // the public pages', for what moderation tells webhooks
	if c.adminAddr != "" {
		base = c.adminURL
		if base == "" {
			base = "http://" + c.adminAddr
		}
	}
	var ob store.Outbox
	var mailer console.Mailer
	var wake func()
	if o, ok := st.(store.Outbox); ok && deliveries.w != nil {
		ob, wake = o, deliveries.Wake
		if c.mail != nil {
			mailer = console.OutboxMailer(o, deliveries.Wake)
		}
	}
	return console.New(console.Config{
		Store: st, BaseURL: base, Logger: log, Outbox: ob, Mail: mailer,
		SiteURL: siteURL, WakeOutbox: wake,
		Site: func() *campaign.Site {
			if s := srv(); s != nil {
				return s.CurrentSite()
			}
			return nil
		},
		ClientKey: func(r *http.Request) string {
			if s := srv(); s != nil {
				return s.ClientKey(r)
			}
			return r.RemoteAddr
		},
		PreviewFileKey: func() []byte {
			if s := srv(); s != nil {
				return s.PreviewFileKey()
			}
			return nil
		},
		// Editors change the campaign files; each save is committed when
		// the folder is a git work tree, and reloaded as SIGHUP would.
		Editing: &editing.Workspace{Dir: c.campaigns, Reload: reload, Git: true, Load: c.load},
	})
}

// serveAdmin starts the console's own listener when --admin-addr names one,
// and returns what stops it.
func (c serveConfig) serveAdmin(ctx context.Context, admin *console.Console, log *slog.Logger) (stop func(), err error) {
	if admin == nil || c.adminAddr == "" {
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", c.adminAddr)
	if err != nil {
		return nil, failure("cannot listen on %s for the console: %v", c.adminAddr, err)
	}
	hs := &http.Server{
		Handler:           admin.Standalone(),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("the console's listener stopped", "err", err)
		}
	}()
	log.Info("console listening", "addr", ln.Addr().String())
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
		<-done
	}, nil
}

// signInDeliverer sends the console's sign-in emails (console.MessageSignIn)
// through --smtp; nil without email.
func (m *mailConfig) signInDeliverer() outbox.Deliverer {
	if m == nil {
		return nil
	}
	return console.SignInDeliverer(m.sender().Send, nil)
}
