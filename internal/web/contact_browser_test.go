package web

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/placard/placard/internal/browsertest"
	"github.com/placard/placard/internal/campaign/campaigntest"
)

// shoreCallFiles is an organisation in English, Arabic and Hebrew with a
// contact action whose targets and lookup table are files; one target has
// a photo, and their parties and addresses are in Latin, Arabic and
// Hebrew letters.
func shoreCallFiles() campaigntest.Files {
	return campaigntest.Files{
		"shore/org.yaml": `name:
  en: Shared Shore Coalition
  ar: ائتلاف الشاطئ المشترك
  he: קואליציית החוף המשותף
languages: [en, ar, he]
colours:
  primary: "#7a2e0e"
`,
		"shore/call.yaml": `title:
  en: Call the council
  ar: اتصلوا بالمجلس
  he: התקשרו למועצה
summary:
  en: Ask your councillors to keep the library open.
  ar: اطلبوا من أعضاء المجلس إبقاء المكتبة مفتوحة.
  he: בקשו מחברי המועצה להשאיר את הספרייה פתוחה.
date: 2026-02-01
actions:
  - kind: contact
    id: call
    title:
      en: Call your councillors
      ar: اتصلوا بممثّليكم في المجلس
      he: התקשרו לנציגים שלכם במועצה
    targets: council
    lookup: postcodes.csv
    script:
      en: Hello {target.name}. I live in {supporter.postcode}. Please keep the library open.
      ar: مرحبًا {target.name}. أسكن في {supporter.postcode}. أرجو إبقاء المكتبة مفتوحة.
      he: שלום {target.name}. אני גר/ה ב־{supporter.postcode}. אנא השאירו את הספרייה פתוחה.
    subject:
      en: Keep the library open
      ar: أبقوا المكتبة مفتوحة
      he: השאירו את הספרייה פתוחה
    message:
      en: Please keep the library open.
      ar: أرجو إبقاء المكتبة مفتوحة.
      he: אנא השאירו את הספרייה פתוחה.
`,
		"shore/targets/council.csv": `id,name,title,party,district,phone,email,address,photo,hours
salma,Salma Haddad,Councillor,Harbour Labour,North,+1 555 0100,salma@council.example,"Town Hall, Room 4, Port Aldren",assets/salma.jpg,Sun–Thu 9–15
yael,Yael Levi,Councillor,حزب الشاطئ,South,+1 555 0101,yael@council.example,"בית העירייה, חדר 7",,
`,
		"shore/assets/salma.jpg": string(photoJPEG(600, 750)),
		"shore/targets/postcodes.csv": `code,to,district
100*,,North
25000,,North
25000,,South
`,
	}
}

// TestContactBrowserRTL: in Arabic and Hebrew, with JavaScript off, a
// supporter types a postcode that lies in two districts, picks one with a
// click, says how the call went and presses "I called"; the page comes back
// right to left, thanks them and counts the call. Every page on the way has
// no axe-core violation and asks nothing of another origin.
func TestContactBrowserRTL(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	c := &clock{t: clockStart}
	s, err := New(Config{BaseURL: "http://127.0.0.1", SiteName: "Act", Store: openSQLite(t), RateLimit: -1, Now: c.now},
		campaigntest.Site(t, shoreCallFiles()))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	b := browsertest.Start(t)
	for _, lang := range []string{"ar", "he"} {
		t.Run(lang, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(b.Context(), 90*time.Second)
			defer cancel()
			axe := func(when string) {
				t.Helper()
				if _, err := b.Load(ctx, mustLocation(ctx, t), 390, 844, true, true); err != nil {
					t.Fatal(err)
				}
				dir, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.documentElement.dir + " " + document.documentElement.lang`))
				if err != nil || dir != "rtl "+lang {
					t.Errorf("%s: <html dir lang> = %q, %v; want rtl %s", when, dir, err, lang)
				}
				vs, err := b.Axe(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, v := range vs {
					t.Errorf("%s: %s", when, v)
				}
				errs, _, foreign := b.Reports(srv.URL)
				for _, e := range errs {
					t.Errorf("%s: console error: %s", when, e)
				}
				for _, f := range foreign {
					t.Errorf("%s: request to another origin: %s", when, f)
				}
			}
			if _, err := b.Load(ctx, srv.URL+"/shore/call/"+lang, 390, 844, true, true); err != nil {
				t.Fatal(err)
			}
			axe("campaign page")
			// JavaScript off from here: the postcode, a district, the call.
			if _, err := b.Load(ctx, srv.URL+"/shore/call/"+lang+"/contact/call?postcode=25000", 390, 844, true, false); err != nil {
				t.Fatal(err)
			}
			if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".districts li:nth-child(2) a")), chromedp.WaitReady(chromedp.CSS("h2#yours"))); err != nil {
				t.Fatalf("choosing a district: %v", err)
			}
			axe("district chosen")
			if _, err := b.Load(ctx, mustLocation(ctx, t), 390, 844, true, false); err != nil {
				t.Fatal(err)
			}
			c.add(time.Minute) // the call took a while: the form's token is old enough
			if err := chromedp.Do(ctx,
				chromedp.Click(chromedp.CSS("#called-yael-voicemail")),
				chromedp.Click(chromedp.CSS("#target-yael .called-form button"))); err != nil {
				t.Fatalf("pressing I called: %v", err)
			}
			// The form posts and the answer redirects: poll the tab's history
			// (no script runs with JavaScript off) until it is the page that
			// thanks; the context's deadline bounds it.
			for loc := ""; !strings.Contains(loc, "called=yael"); {
				if ctx.Err() != nil {
					t.Fatalf("after I called: still at %s, want the page with called=yael", loc)
				}
				loc = current(ctx)
			}
			axe("after the call")
			text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('.calls-made').textContent`))
			if err != nil || strings.TrimSpace(text) == "" {
				t.Errorf("calls made = %q, %v", text, err)
			}
		})
	}
}

// mustLocation is the tab's address, read from its history: no script
// runs in a page loaded with JavaScript off.
func mustLocation(ctx context.Context, t *testing.T) string {
	t.Helper()
	loc := current(ctx)
	if loc == "" {
		t.Fatal("the tab has no address")
	}
	return loc
}

// current is the tab's address from its history, or "".
func current(ctx context.Context) string {
	var loc string
	_ = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		h, err := cdp.Call(ctx, tg, page.GetNavigationHistory, cdp.Empty{})
		if err == nil && h.CurrentIndex >= 0 && int(h.CurrentIndex) < len(h.Entries) {
			loc = h.Entries[h.CurrentIndex].URL
		}
		return err
	}))
	return loc
}
