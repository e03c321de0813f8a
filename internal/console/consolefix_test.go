package console

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/accounts"
	"github.com/placard/placard/internal/signing"
)

// TestViewerSeesCountsNotPeople: a viewer's moderation page says how many
// signatures wait, per campaign, and nothing about who signed (no name,
// organisation, role, comment or address); no other page or download a
// viewer can reach shows them either. An editor still sees the queue.
func TestViewerSeesCountsNotPeople(t *testing.T) {
	e := newEnv(t, nil)
	id := e.pendingOrg(t, "Northside Tenants")
	// A comment of its own, to look for.
	sig := &signing.Signature{
		Org: "riverside", Campaign: "open-letter", Action: "letter",
		Kind: signing.KindOrganisation, Status: signing.StatusPending,
		Name: "Quinn Vale", Email: "quinn@example.org", Organisation: "Eastbank Allotments", Role: "Treasurer",
		Comment: "Our members use the library every week", Public: true,
		ConsentText: "Riverside may email me about this campaign.", ConsentAt: e.clock.now(), Lang: "en", CreatedAt: e.clock.now(),
	}
	if res, err := e.st.AddSignatures(context.Background(), []*signing.Signature{sig}); err != nil || res[0] != nil {
		t.Fatalf("AddSignatures: %v %v", err, res)
	}
	secrets := []string{"Northside Tenants", "Pat Lee", "Chair", "northsidetenants@example.org",
		"Eastbank Allotments", "Quinn Vale", "Treasurer", "Our members use the library", "quinn@example.org"}

	v := e.signIn("riverside", "ann@example.org", accounts.RoleViewer)
	res := v.get(Prefix + "/riverside/moderation")
	wantStatus(t, res, 200)
	d := doc(t, res)
	page := d.Text()
	for _, s := range secrets {
		if strings.Contains(page, s) {
			t.Errorf("a viewer's moderation page shows %q", s)
		}
	}
	var cells []string
	d.Find("table.queue tbody td").Each(func(_ int, c *goquery.Selection) { cells = append(cells, strings.TrimSpace(c.Text())) })
	if row := strings.Join(cells, " | "); row != "An open letter to the council | 2" {
		t.Errorf("a viewer's moderation page: want one row \"An open letter to the council 2\", got %q", row)
	}
	if d.Find("main button, main input[type=checkbox]").Length() != 0 {
		t.Error("a viewer's moderation page has buttons")
	}

	// Every GET a viewer may make under the organisation.
	for _, rt := range orgRoutes(t, e.c) {
		if rt[0] != http.MethodGet {
			continue
		}
		for _, q := range []string{"", "?format=csv", "?format=json"} {
			path := Prefix + fill(rt[1], "riverside", "open-letter") + q
			res := v.get(path)
			body, _ := io.ReadAll(res.Body)
			for _, s := range secrets {
				if strings.Contains(string(body), s) {
					t.Errorf("viewer GET %s (%d) shows %q", path, res.StatusCode, s)
				}
			}
		}
	}

	// An editor still decides with the names in view.
	ed := e.signIn("riverside", "sam@example.org", accounts.RoleEditor)
	res = ed.get(Prefix + "/riverside/moderation")
	wantStatus(t, res, 200)
	d = doc(t, res)
	for _, s := range []string{"Northside Tenants", "Pat Lee, Chair", "Eastbank Allotments", "Our members use the library every week"} {
		if !strings.Contains(d.Text(), s) {
			t.Errorf("an editor's moderation page lacks %q", s)
		}
	}
	if d.Find("button[name=approve]").Length() != 2 {
		t.Errorf("an editor's moderation page: want 2 approve buttons")
	}
	_ = id
}
