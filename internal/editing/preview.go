package editing

import (
	"strings"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/markdown"
	"github.com/placard/placard/internal/site"
)

// Preview is the page a candidate text would publish.
type Preview struct {
	// Body is the page's HTML, and CSP the policy the site gives it; both
	// empty when the text has errors (see Report) or the page is not one
	// the site would show.
	Body []byte
	CSP  string
	// Report is the check of the text.
	Report Report
}

var previewMarkdown = markdown.New()

// Preview checks text in place of the organisation's file name and, when
// it has no errors, compiles the organisation with the site compiler as
// opt says (the server's own options; Signing is turned off, so no form
// takes a signature, and drafts are rendered as the preview address shows
// them) and returns the page the file makes: the organisation's page for
// org.yaml, else the campaign's.
func (w *Workspace) Preview(org, name, text string, opt site.Options) (Preview, error) {
	if !ValidOrg(org) || !ValidName(name) {
		return Preview{}, ErrNotFound
	}
	if len(text) > MaxFileSize {
		return Preview{}, ErrTooLarge
	}
	if r, err := w.orgRoot(org); err != nil {
		return Preview{}, err
	} else {
		r.Close()
	}
	loaded, rep, err := w.load(org, name, []byte(text))
	if err != nil || loaded == nil {
		return Preview{Report: rep}, err
	}
	o := loaded.Org(org)
	if o == nil {
		return Preview{Report: rep}, nil
	}
	opt.Mode, opt.Signing, opt.Dev, opt.Tallies = site.ModePublic, false, false, nil
	if opt.PreviewKey == "" {
		opt.PreviewKey = "console-preview"
	}
	if opt.Now == nil {
		opt.Now = w.now
	}
	if opt.Files == nil {
		opt.Files = &site.LazyFiles{}
	}
	snap, err := site.Compile(opt, previewMarkdown, campaign.NewSite([]*campaign.Org{o}), nil)
	if err != nil {
		return Preview{Report: rep}, err
	}
	path := "/" + org
	if name != "org.yaml" {
		c := o.Campaign(strings.TrimSuffix(name, ".yaml"))
		if c == nil {
			return Preview{Report: rep}, nil
		}
		path = site.CampaignPath(c)
	}
	resp := snap.Pages[path]
	if resp == nil {
		resp = snap.Previews[path]
	}
	if resp == nil {
		return Preview{Report: rep}, nil
	}
	return Preview{Body: resp.Body(), CSP: resp.CSP(), Report: rep}, nil
}
