// Package editpages is the console's file editor over HTTP: the list of an
// organisation's files with the publish, close and hand-in links, the
// editor of one file (check, save, preview), new campaigns and picture
// uploads. The console mounts it under /{org}/files with its session and
// organisation checks; every page works without JavaScript, and
// static/editor.js adds problems as you type and a live preview.
//
// The work is internal/editing's and internal/handin's; this package reads
// forms, calls them and renders views.
package editpages

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/editing"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/internal/site"
)

//go:embed static
var staticFiles embed.FS

// Audit actions, as the console's audit log records them.
const (
	AuditSave    = "file.save"
	AuditCreate  = "file.create"
	AuditPublish = "campaign.publish"
	AuditClose   = "campaign.close"
	AuditUpload  = "picture.upload"
	AuditHandin  = "campaign.handin"
)

// Config is what the pages need from the console.
type Config struct {
	// Workspace edits the campaigns folder.
	Workspace *editing.Workspace
	// Base is the path the organisation's pages live under, without the
	// organisation: the console's "/admin". Pages are Base/{org}/files….
	Base string
	// Site is the site being served, for statuses and hand-in documents.
	Site func() *campaign.Site
	// Options are the site compiler's options for previews (Base, SiteName).
	Options func() site.Options
	// Signatures calls fn for each approved signature of a campaign (the
	// store's Signatures with signing.StatusApproved).
	Signatures func(ctx context.Context, org, campaign string, fn func(*signing.Signature) error) error
	// Who says who is asking about org: their name and address for the
	// files' history, whether they may see the organisation at all (else
	// 404) and whether they may change it (else 403 on every POST).
	Who func(r *http.Request, org string) (a editing.Author, see, change bool)
	// Localizer speaks the organiser's language.
	Localizer func(r *http.Request) *i18n.Localizer
	// Frame wraps a page's body in the console's layout with its title and
	// a notice ("" for none).
	Frame func(r *http.Request, title, notice string, body templ.Component) templ.Component
	// Audit records what an organiser did; detail never holds a
	// supporter's details.
	Audit func(r *http.Request, org, action, detail string) error
	// StaticURL is where the pages link editor.js and editor.css: it is
	// given the file's name and returns its address ("" for none). nil
	// means this package serves them itself under Base/edit-static/ (see
	// Static).
	StaticURL func(name string) string
	// Logger receives server errors, never an address or a name.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Pages serves the editor.
type Pages struct {
	cfg    Config
	static map[string]staticFile
	urls   map[string]string
}

type staticFile struct {
	body  []byte
	ctype string
}

// New returns the pages for cfg.
func New(cfg Config) *Pages {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Localizer == nil {
		cfg.Localizer = func(*http.Request) *i18n.Localizer { return i18n.English() }
	}
	if cfg.Frame == nil {
		cfg.Frame = plainFrame
	}
	if cfg.Audit == nil {
		cfg.Audit = func(*http.Request, string, string, string) error { return nil }
	}
	if cfg.Options == nil {
		cfg.Options = func() site.Options { return site.Options{} }
	}
	p := &Pages{cfg: cfg, static: map[string]staticFile{}, urls: map[string]string{}}
	for name, ctype := range map[string]string{"editor.js": "text/javascript; charset=utf-8", "editor.css": "text/css; charset=utf-8"} {
		b, err := staticFiles.ReadFile("static/" + name)
		if err != nil {
			panic(err) // embedded: cannot happen
		}
		sum := sha256.Sum256(b)
		dot := strings.LastIndexByte(name, '.')
		hashed := name[:dot] + "." + hex.EncodeToString(sum[:6]) + name[dot:]
		p.static[hashed] = staticFile{body: b, ctype: ctype}
		p.urls[name] = cfg.Base + "/edit-static/" + hashed
		if cfg.StaticURL != nil {
			p.urls[name] = cfg.StaticURL(name)
		}
	}
	return p
}

// Files returns the editor's script and stylesheet by name (editor.js,
// editor.css), for a console that serves them with its own files.
func Files() map[string][]byte {
	out := map[string][]byte{}
	for _, n := range []string{"editor.js", "editor.css"} {
		b, _ := staticFiles.ReadFile("static/" + n)
		out[n] = b
	}
	return out
}

// Mount adds the pages to r, the router of one organisation (its {org}
// parameter already matched and checked):
//
//	GET  /files                       the files, their status, publish/close/hand-in
//	POST /files                       a new campaign (slug, kind) from the scaffolds
//	POST /files/picture               upload a picture (multipart, field picture)
//	GET  /files/{name}                the editor
//	POST /files/{name}                do=save (version, text) or do=check
//	POST /files/{name}/check          the problems of text, as JSON (editor.js)
//	POST /files/{name}/preview        the page text would publish (the preview frame)
//	POST /files/{name}/publish        status: published (version)
//	POST /files/{name}/close          status: closed (version)
//	GET  /files/{name}/handin         the printable hand-in document
func (p *Pages) Mount(r chi.Router) {
	r.Get("/files", p.handle(p.list))
	r.Post("/files", p.handle(p.create))
	r.Post("/files/picture", p.handle(p.upload))
	r.Get("/files/{name}", p.handle(p.editor))
	r.Post("/files/{name}", p.handle(p.save))
	r.Post("/files/{name}/check", p.handle(p.check))
	r.Post("/files/{name}/preview", p.handle(p.preview))
	r.Post("/files/{name}/publish", p.handle(p.lifecycle))
	r.Post("/files/{name}/close", p.handle(p.lifecycle))
	r.Get("/files/{name}/handin", p.handle(p.handin))
}

// Static serves editor.js and editor.css under their hashed names (the
// {name} parameter), for a console that mounts it at Base/edit-static/{name}.
func (p *Pages) Static(w http.ResponseWriter, r *http.Request) {
	f, ok := p.static[chi.URLParam(r, "name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.ctype)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	w.Write(f.body)
}

// Handler serves the pages alone, for tests and a console that mounts
// them whole: Base/{org}/files… and Base/edit-static/{name}. It makes no
// session or cross-origin check of its own beyond cfg.Who.
func (p *Pages) Handler() http.Handler {
	r := chi.NewRouter()
	r.Route(p.cfg.Base, func(r chi.Router) {
		r.Get("/edit-static/{name}", p.Static)
		r.Route("/{org}", p.Mount)
	})
	return r
}

// statusError is a 4xx answer: its status and what to say (a catalogue key).
type statusError struct {
	status int
	key    string
}

func (e *statusError) Error() string { return fmt.Sprintf("%d %s", e.status, e.key) }

var (
	errNotFound  = &statusError{http.StatusNotFound, "console.err.notfound"}
	errForbidden = &statusError{http.StatusForbidden, "console.err.forbidden"}
	errForm      = &statusError{http.StatusBadRequest, "edit.err.form"}
	errTooLarge  = &statusError{http.StatusRequestEntityTooLarge, "edit.err.toolarge"}
)

// request is one request's organisation and organiser.
type request struct {
	org    string
	author editing.Author
	change bool
	l      *i18n.Localizer
}

// handle checks the organisation and the organiser, refuses a viewer's
// POST, and turns a returned error into its page (a 500 is logged without
// the request's query or body).
func (p *Pages) handle(h func(w http.ResponseWriter, r *http.Request, q request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := request{org: chi.URLParam(r, "org"), l: p.cfg.Localizer(r)}
		var see bool
		if p.cfg.Who != nil && editing.ValidOrg(q.org) {
			q.author, see, q.change = p.cfg.Who(r, q.org)
		}
		var err error
		switch {
		case !see:
			err = errNotFound
		case r.Method != http.MethodGet && r.Method != http.MethodHead && !q.change:
			err = errForbidden
		default:
			err = h(w, r, q)
		}
		if err == nil {
			return
		}
		var se *statusError
		if !errors.As(err, &se) {
			switch {
			case errors.Is(err, editing.ErrNotFound):
				se = errNotFound
			case errors.Is(err, editing.ErrTooLarge):
				se = errTooLarge
			default:
				if !errors.Is(err, context.Canceled) {
					p.cfg.Logger.Error("console editor request failed", "err", err, "method", r.Method, "path", r.URL.Path)
				}
				se = &statusError{http.StatusInternalServerError, "console.err.internal"}
			}
		}
		msg := q.l.T(se.key)
		if msg == se.key { // the console's keys are not in this tree
			msg = http.StatusText(se.status)
		}
		p.render(w, r, se.status, p.cfg.Frame(r, msg, "", templ.NopComponent))
	}
}

// render writes a page, buffered so a failing component never leaves half
// a page.
func (p *Pages) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var b bytes.Buffer
	if err := c.Render(r.Context(), &b); err != nil {
		p.cfg.Logger.Error("rendering a console editor page", "err", err, "path", r.URL.Path)
		http.Error(w, "Something went wrong on our side. Please try again.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// plainFrame is the layout when no console gives one: a bare page.
func plainFrame(r *http.Request, title, notice string, body templ.Component) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		fmt.Fprintf(w, `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>%s</title></head><body><main id="main"><h1>%s</h1>`,
			html.EscapeString(title), html.EscapeString(title))
		if notice != "" {
			fmt.Fprintf(w, `<p class="notice" role="status">%s</p>`, html.EscapeString(notice))
		}
		if err := body.Render(ctx, w); err != nil {
			return err
		}
		_, err := fmt.Fprint(w, `</main></body></html>`)
		return err
	})
}
