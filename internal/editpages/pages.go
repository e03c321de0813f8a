package editpages

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/editing"
	"github.com/placard/placard/internal/handin"
	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/internal/scaffold"
	"github.com/placard/placard/internal/signing"
	"github.com/placard/placard/views"
)

// maxForm bounds an editor form: the largest file, escaped, and the rest.
const maxForm = 4*editing.MaxFileSize + 64<<10

func (p *Pages) base(org string) string { return p.cfg.Base + "/" + org + "/files" }

// list is the organisation's files.
func (p *Pages) list(w http.ResponseWriter, r *http.Request, q request) error {
	return p.renderList(w, r, q, http.StatusOK, "", r.URL.Query().Get("uploaded"), noticeFor(q, r.URL.Query().Get("done")))
}

func noticeFor(q request, done string) string {
	switch done {
	case "published", "closed", "created", "scheduled":
		return q.l.T("edit." + done)
	}
	return ""
}

func (p *Pages) renderList(w http.ResponseWriter, r *http.Request, q request, status int, problem, uploaded, notice string) error {
	names, err := p.cfg.Workspace.Files(q.org)
	if err != nil {
		return err
	}
	var served *campaign.Org
	if s := p.site(); s != nil {
		served = s.Org(q.org)
	}
	now := p.cfg.Now()
	props := views.EditFilesProps{L: q.l, CanChange: q.change, NewAction: p.base(q.org), UploadAction: p.base(q.org) + "/picture", Problem: problem}
	if uploadedPath.MatchString(uploaded) {
		props.Uploaded = uploaded
	}
	// Petitions first: the kind most campaigns start as, and so the one
	// the form offers until another is chosen.
	kinds := scaffold.Kinds()
	slices.SortStableFunc(kinds, func(a, b string) int { return btoi(b == "petition") - btoi(a == "petition") })
	for _, k := range kinds {
		props.Kinds = append(props.Kinds, views.Option{Value: k, Label: q.l.T("edit.kind." + k)})
	}
	for _, n := range names {
		row := views.EditFileRow{Name: n, EditURL: p.base(q.org) + "/" + n}
		if n == "org.yaml" {
			row.Status = q.l.T("edit.status.settings")
			props.Files = append(props.Files, row)
			continue
		}
		row.Campaign = true
		slug := strings.TrimSuffix(n, ".yaml")
		if d, err := p.cfg.Workspace.Open(q.org, n); err == nil {
			row.Version = d.Version
		}
		if served != nil {
			if c := served.Campaign(slug); c != nil {
				state := lifecycle(c, now)
				row.Title, row.Status = c.Title, q.l.T("edit.status."+state)
				row.CanPublish = state == "draft" || state == "scheduled"
				row.CanClose = state == "published"
				row.PublishURL, row.CloseURL = row.EditURL+"/publish", row.EditURL+"/close"
				if q.change && handin.Action(c, "") != nil {
					row.HandinURL = row.EditURL + "/handin"
					for _, lang := range c.Org.Langs()[1:] {
						row.HandinLangs = append(row.HandinLangs, views.Option{Value: row.HandinURL + "?lang=" + url.QueryEscape(lang), Label: i18n.Name(lang)})
					}
				}
			}
		}
		props.Files = append(props.Files, row)
	}
	p.render(w, r, status, p.cfg.Frame(r, q.l.T("edit.files.title"), notice, views.EditFiles(props)))
	return nil
}

// uploadedPath is the path Workspace.Upload gives a picture; only such a
// path is shown back from the address.
var uploadedPath = regexp.MustCompile(`^assets/upload-[0-9a-f]{16}\.(jpg|png|webp)$`)

// lifecycle words where a campaign is: draft, scheduled, published,
// closed or victory.
func lifecycle(c *campaign.Campaign, now time.Time) string {
	switch {
	case c.Status == campaign.StatusDraft:
		return "draft"
	case c.Status == campaign.StatusVictory:
		return "victory"
	case c.Status == campaign.StatusClosed || (!c.CloseAt.IsZero() && !now.Before(c.CloseAt)):
		return "closed"
	case !c.PublishAt.IsZero() && now.Before(c.PublishAt):
		return "scheduled"
	}
	return "published"
}

func (p *Pages) site() *campaign.Site {
	if p.cfg.Site == nil {
		return nil
	}
	return p.cfg.Site()
}

// name is the request's file name, refused unless it can be a file.
func name(r *http.Request) (string, error) {
	n := chi.URLParam(r, "name")
	if !editing.ValidName(n) {
		return "", errNotFound
	}
	return n, nil
}

// editor shows one file.
func (p *Pages) editor(w http.ResponseWriter, r *http.Request, q request) error {
	n, err := name(r)
	if err != nil {
		return err
	}
	d, err := p.cfg.Workspace.Open(q.org, n)
	if err != nil {
		return err
	}
	notice := ""
	switch r.URL.Query().Get("saved") {
	case "live":
		notice = q.l.T("edit.saved")
	case "later":
		notice = q.l.T("edit.saved.later")
	}
	if notice != "" && r.URL.Query().Get("git") == "1" {
		notice += " " + q.l.T("edit.committed")
	}
	if notice == "" {
		notice = noticeFor(q, r.URL.Query().Get("done"))
	}
	props := p.editorProps(q, d.Path(), n, d.Text, d.Version)
	allowFrame(w)
	p.render(w, r, http.StatusOK, p.cfg.Frame(r, q.l.T("edit.title", "file", d.Path()), notice, views.Editor(props)))
	return nil
}

// allowFrame lets the editor page show the preview frame: the console's
// policy plus frame-src 'self' (its default-src is 'none').
func allowFrame(w http.ResponseWriter) {
	h := w.Header()
	if csp := h.Get("Content-Security-Policy"); csp != "" && !strings.Contains(csp, "frame-src") {
		h.Set("Content-Security-Policy", csp+"; frame-src 'self'")
	}
}

func (p *Pages) editorProps(q request, path, n, text, version string) views.EditorProps {
	lines := strings.Count(text, "\n") + 1
	var g strings.Builder
	for i := 1; i <= lines; i++ {
		g.WriteString(strconv.Itoa(i))
		g.WriteByte('\n')
	}
	base := p.base(q.org) + "/" + n
	props := views.EditorProps{
		L: q.l, Path: path, Action: base, Text: text, Version: version,
		Gutter: g.String(), Rows: lines + 2, CanChange: q.change,
		StyleURL: p.urls["editor.css"],
	}
	if q.change {
		props.CheckURL, props.PreviewURL, props.ScriptURL = base+"/check", base+"/preview", p.urls["editor.js"]
	}
	return props
}

// problems turns a report into the view's problems.
func problems(q request, n string, rep editing.Report) ([]views.EditProblem, bool) {
	var out []views.EditProblem
	for _, pr := range rep.Problems {
		vp := views.EditProblem{Line: pr.Line, Col: pr.Col, Message: pr.Message, Warning: pr.Warning, Here: pr.Here}
		if pr.Line > 0 {
			vp.Where = q.l.T("edit.where", "line", strconv.Itoa(pr.Line), "col", strconv.Itoa(pr.Col))
		}
		if !pr.Here {
			vp.File = pr.File
		}
		out = append(out, vp)
	}
	return out, rep.Elsewhere > 0
}

// readForm parses an urlencoded form of at most maxForm bytes.
func readForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return errTooLarge
		}
		return errForm
	}
	return nil
}

// formText is the text field with the browser's CRLF line ends made LF.
func formText(r *http.Request) string {
	return strings.ReplaceAll(r.PostForm.Get("text"), "\r\n", "\n")
}

// save checks or saves the form's text. A refused save answers 422 (with
// the problems) or 409 (with the difference); either way the text the
// organiser typed is back in the editor.
func (p *Pages) save(w http.ResponseWriter, r *http.Request, q request) error {
	n, err := name(r)
	if err != nil {
		return err
	}
	if err := readForm(w, r); err != nil {
		return err
	}
	text, version := formText(r), r.PostForm.Get("version")
	path := q.org + "/" + n
	allowFrame(w)
	title := q.l.T("edit.title", "file", path)
	if r.PostForm.Get("do") == "check" {
		rep, err := p.cfg.Workspace.Check(q.org, n, text)
		if err != nil {
			return err
		}
		props := p.editorProps(q, path, n, text, version)
		props.Checked = true
		props.Problems, props.Elsewhere = problems(q, n, rep)
		p.render(w, r, http.StatusOK, p.cfg.Frame(r, title, "", views.Editor(props)))
		return nil
	}
	if version == "" { // an existing file is always opened with its version
		return errForm
	}
	saved, err := p.cfg.Workspace.Save(r.Context(), editing.Save{Org: q.org, Name: n, Base: version, Text: text, Author: q.author, Why: "edited"})
	if err != nil {
		return err
	}
	switch {
	case saved.Conflict != nil:
		props := p.editorProps(q, path, n, text, saved.Conflict.Version)
		props.Conflict = saved.Conflict.Diff
		p.render(w, r, http.StatusConflict, p.cfg.Frame(r, title, "", views.Editor(props)))
		return nil
	case !saved.Written:
		props := p.editorProps(q, path, n, text, version)
		props.Checked = true
		props.Problems, props.Elsewhere = problems(q, n, saved.Report)
		p.render(w, r, http.StatusUnprocessableEntity, p.cfg.Frame(r, title, q.l.T("edit.refused"), views.Editor(props)))
		return nil
	}
	if err := p.cfg.Audit(r, q.org, AuditSave, path); err != nil {
		return err
	}
	http.Redirect(w, r, p.base(q.org)+"/"+n+"?"+savedQuery(saved), http.StatusSeeOther)
	return nil
}

func savedQuery(s editing.Saved) string {
	v := url.Values{"saved": {"later"}}
	if s.Reloaded {
		v.Set("saved", "live")
	}
	if s.Committed {
		v.Set("git", "1")
	}
	return v.Encode()
}

// jsonProblem is one problem in the check endpoint's answer.
type jsonProblem struct {
	File    string `json:"file,omitempty"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Message string `json:"message"`
	Warning bool   `json:"warning"`
	Here    bool   `json:"here"`
}

// check answers the problems of the form's text as JSON, for editor.js.
func (p *Pages) check(w http.ResponseWriter, r *http.Request, q request) error {
	n, err := name(r)
	if err != nil {
		return err
	}
	if err := readForm(w, r); err != nil {
		return err
	}
	rep, err := p.cfg.Workspace.Check(q.org, n, formText(r))
	if err != nil {
		return err
	}
	out := struct {
		OK        bool          `json:"ok"`
		Problems  []jsonProblem `json:"problems"`
		Elsewhere int           `json:"elsewhere"`
	}{OK: rep.OK(), Problems: []jsonProblem{}, Elsewhere: rep.Elsewhere}
	for _, pr := range rep.Problems {
		jp := jsonProblem{Line: pr.Line, Col: pr.Col, Message: pr.Message, Warning: pr.Warning, Here: pr.Here}
		if !pr.Here {
			jp.File = pr.File
		}
		out.Problems = append(out.Problems, jp)
	}
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(out)
}

// preview answers the page the form's text would publish, for the
// sandboxed frame beside the editor: the site's own policy for the page,
// except that only the console itself may frame it, and a CSP sandbox of
// its own (previewSandbox): the text is the organiser's, answered from the
// console's origin, so even opened outside the frame it gets an opaque
// origin and runs nothing.
func (p *Pages) preview(w http.ResponseWriter, r *http.Request, q request) error {
	n, err := name(r)
	if err != nil {
		return err
	}
	if err := readForm(w, r); err != nil {
		return err
	}
	pv, err := p.cfg.Workspace.Preview(q.org, n, formText(r), p.cfg.Options())
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Type", "text/html; charset=utf-8")
	if pv.Body == nil {
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'; "+previewSandbox)
		probs, elsewhere := problems(q, n, pv.Report)
		var b strings.Builder
		b.WriteString(`<!DOCTYPE html><html lang="` + q.l.Lang() + `" dir="` + q.l.Dir() + `"><head><meta charset="utf-8"><title>` + escape(q.l.T("edit.preview")) + `</title></head><body><main><h1>` + escape(q.l.T("edit.problems")) + `</h1><ul>`)
		for _, pr := range probs {
			b.WriteString("<li>" + escape(strings.TrimSpace(pr.File+" "+pr.Where+" "+pr.Message)) + "</li>")
		}
		if elsewhere {
			b.WriteString("<li>" + escape(q.l.T("edit.elsewhere")) + "</li>")
		}
		b.WriteString("</ul></main></body></html>")
		io.WriteString(w, b.String())
		return nil
	}
	h.Set("Content-Security-Policy", framedBySelf(pv.CSP))
	w.Write(withoutScripts(pv.Body))
	return nil
}

// withoutScripts drops the page's script elements: the frame runs no
// script (a sandbox without allow-scripts), so the preview shows the page
// as a reader without JavaScript sees it, which every page supports.
func withoutScripts(body []byte) []byte {
	var out []byte
	for {
		i := bytes.Index(body, []byte("<script"))
		if i < 0 {
			return append(out, body...)
		}
		j := bytes.Index(body[i:], []byte("</script>"))
		if j < 0 {
			return append(out, body[:i]...)
		}
		out = append(out, body[:i]...)
		body = body[i+j+len("</script>"):]
	}
}

// previewSandbox is the preview's CSP sandbox: no flag, so no
// allow-same-origin (an opaque origin: nothing in it can read the
// console's cookies-bound pages or storage), no script, form, popup or
// top-level navigation.
const previewSandbox = "sandbox"

// framedBySelf is csp with frame-ancestors 'self' in place of whatever the
// page allowed (the site's pages allow no framing, embeds a partner list),
// and previewSandbox in place of any sandbox of its own.
func framedBySelf(csp string) string {
	var parts []string
	for _, d := range strings.Split(csp, ";") {
		if d = strings.TrimSpace(d); d != "" && !strings.HasPrefix(d, "frame-ancestors") && d != "sandbox" && !strings.HasPrefix(d, "sandbox ") {
			parts = append(parts, d)
		}
	}
	return strings.Join(append(parts, "frame-ancestors 'self'", previewSandbox), "; ")
}

// lifecycle publishes or closes a campaign through the editor's save.
func (p *Pages) lifecycle(w http.ResponseWriter, r *http.Request, q request) error {
	n, err := name(r)
	if err != nil || n == "org.yaml" {
		return errNotFound
	}
	if err := readForm(w, r); err != nil {
		return err
	}
	closing := strings.HasSuffix(r.URL.Path, "/close")
	now := p.cfg.Now()
	// at, when given and still to come, schedules instead: publish_at or close_at.
	var at time.Time
	if v := strings.TrimSpace(r.PostForm.Get("at")); v != "" {
		d, err := time.Parse("2006-01-02", v)
		if err != nil || d.Year() > 9999 {
			return p.renderList(w, r, q, http.StatusUnprocessableEntity, q.l.T("edit.err.date"), "", "")
		}
		if d.After(now) {
			at = d
		}
	}
	edit := func(text string) (string, error) { return editing.Close(text, at) }
	why, action, done := "closed", AuditClose, "closed"
	if !closing {
		why, action, done = "published", AuditPublish, "published"
		if at.IsZero() {
			if s := p.site(); s != nil {
				if c := s.Campaign(q.org, strings.TrimSuffix(n, ".yaml")); c != nil && !c.PublishAt.IsZero() && now.Before(c.PublishAt) {
					at = now.Truncate(time.Second) // publishing now brings a scheduled publication forward
				}
			}
		}
		edit = func(text string) (string, error) { return editing.Publish(text, at) }
	}
	if !at.IsZero() && at.After(now) {
		done = "scheduled"
	}
	saved, err := p.cfg.Workspace.Change(r.Context(), q.org, n, r.PostForm.Get("version"), q.author, why, edit)
	switch {
	case errors.Is(err, editing.ErrHandEdit):
		return p.renderList(w, r, q, http.StatusUnprocessableEntity, q.l.T("edit.handedit"), "", "")
	case err != nil:
		return err
	case saved.Conflict != nil:
		return p.renderList(w, r, q, http.StatusConflict, q.l.T("edit.changed"), "", "")
	case !saved.Written:
		return p.renderList(w, r, q, http.StatusUnprocessableEntity, q.l.T("edit.wouldbreak"), "", "")
	}
	if err := p.cfg.Audit(r, q.org, action, q.org+"/"+n); err != nil {
		return err
	}
	http.Redirect(w, r, p.base(q.org)+"?done="+done, http.StatusSeeOther)
	return nil
}

// create starts a new draft campaign from the scaffolds.
func (p *Pages) create(w http.ResponseWriter, r *http.Request, q request) error {
	if err := readForm(w, r); err != nil {
		return err
	}
	slug, kind := strings.TrimSpace(r.PostForm.Get("slug")), r.PostForm.Get("kind")
	d, _, err := p.cfg.Workspace.NewCampaign(r.Context(), q.org, slug, kind, q.author)
	switch {
	case errors.Is(err, editing.ErrBadName):
		return p.renderList(w, r, q, http.StatusUnprocessableEntity, q.l.T("edit.err.slug"), "", "")
	case errors.Is(err, editing.ErrBadKind):
		return p.renderList(w, r, q, http.StatusUnprocessableEntity, q.l.T("edit.err.kind"), "", "")
	case errors.Is(err, editing.ErrExists):
		return p.renderList(w, r, q, http.StatusConflict, q.l.T("edit.err.exists"), "", "")
	case err != nil:
		return err
	}
	if d.Version == "" { // the scaffold did not pass the check here (another organisation's files)
		return p.renderList(w, r, q, http.StatusUnprocessableEntity, q.l.T("edit.elsewhere"), "", "")
	}
	if err := p.cfg.Audit(r, q.org, AuditCreate, d.Path()); err != nil {
		return err
	}
	http.Redirect(w, r, p.base(q.org)+"/"+d.Name+"?done=created", http.StatusSeeOther)
	return nil
}

// upload stores a picture in the organisation's assets folder.
func (p *Pages) upload(w http.ResponseWriter, r *http.Request, q request) error {
	r.Body = http.MaxBytesReader(w, r.Body, editing.MaxPictureSize+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return errForm
	}
	var data []byte
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return p.renderList(w, r, q, http.StatusRequestEntityTooLarge, q.l.T("edit.err.toolarge"), "", "")
		}
		if err != nil {
			return errForm
		}
		if part.FormName() == "picture" && data == nil {
			data, err = io.ReadAll(io.LimitReader(part, editing.MaxPictureSize+1))
			if errors.As(err, &tooBig) || len(data) > editing.MaxPictureSize {
				return p.renderList(w, r, q, http.StatusRequestEntityTooLarge, q.l.T("edit.err.toolarge"), "", "")
			}
			if err != nil {
				return errForm
			}
		}
		part.Close()
	}
	stored, err := p.cfg.Workspace.Upload(r.Context(), q.org, data, q.author)
	switch {
	case errors.Is(err, editing.ErrPicture):
		return p.renderList(w, r, q, http.StatusUnsupportedMediaType, q.l.T("edit.err.picture"), "", "")
	case errors.Is(err, editing.ErrPixels):
		return p.renderList(w, r, q, http.StatusUnprocessableEntity, q.l.T("edit.err.pixels"), "", "")
	case errors.Is(err, editing.ErrTooLarge):
		return p.renderList(w, r, q, http.StatusRequestEntityTooLarge, q.l.T("edit.err.toolarge"), "", "")
	case err != nil:
		return err
	}
	if err := p.cfg.Audit(r, q.org, AuditUpload, q.org+"/"+stored); err != nil {
		return err
	}
	http.Redirect(w, r, p.base(q.org)+"?uploaded="+url.QueryEscape(stored), http.StatusSeeOther)
	return nil
}

// handin answers the printable hand-in document of a served campaign. It
// may name signers, so, like an export, only editors may open it.
func (p *Pages) handin(w http.ResponseWriter, r *http.Request, q request) error {
	n, err := name(r)
	if err != nil || n == "org.yaml" {
		return errNotFound
	}
	if !q.change {
		return errForbidden
	}
	s := p.site()
	if s == nil || p.cfg.Signatures == nil {
		return errNotFound
	}
	c := s.Campaign(q.org, strings.TrimSuffix(n, ".yaml"))
	if c == nil || handin.Action(c, "") == nil {
		return errNotFound
	}
	// ?lang= gives the document in another of the organisation's languages.
	if lang := r.URL.Query().Get("lang"); lang != "" {
		if !slices.Contains(c.Org.Langs(), lang) {
			return errNotFound
		}
		c = c.In(lang)
	}
	each := func(ctx context.Context, fn func(*signing.Signature) error) error {
		return p.cfg.Signatures(ctx, q.org, c.Slug, fn)
	}
	props, err := handin.Build(r.Context(), c, "", each, p.cfg.Now())
	if err != nil {
		return err
	}
	if err := p.cfg.Audit(r, q.org, AuditHandin, q.org+"/"+n); err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; style-src "+handin.StyleHash(props)+"; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	// Written as it is made: the names are read a page at a time while
	// they go out, so a long list is never held whole.
	cw := &countingWriter{w: w}
	if err := handin.Write(r.Context(), props, cw); err != nil {
		if cw.n == 0 {
			return err
		}
		p.cfg.Logger.Error("writing the hand-in document failed part-way; the download was cut off", "err", err, "path", r.URL.Path)
		// Part of it went out: cut the connection, so the browser shows a
		// failed load, never a list that looks complete and is not.
		panic(http.ErrAbortHandler)
	}
	return nil
}

// countingWriter counts what was written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

func escape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;")
	return r.Replace(s)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
