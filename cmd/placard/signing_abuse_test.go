package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/placard/placard/internal/formtoken"
	"github.com/placard/placard/internal/signing"
)

// abuseSecret is the PLACARD_SECRET of the test servers, so the tests can
// mint tokens of any age (mintToken): old enough to sign at once, or
// outside the accepted ages.
const abuseSecret = "abuse-test-secret-0123456789abcdef"

// mintToken is the token a server run with PLACARD_SECRET=abuseSecret
// issues for the campaign ref ("org/slug") at issued.
func mintToken(ref string, issued time.Time) string {
	return formtoken.New([]byte(abuseSecret)).Issue(ref, issued)
}

// hostile is one kind of malformed or hostile request. build makes the
// i-th request of the kind; want says which statuses are right for it.
type hostile struct {
	name  string
	build func(i int) *http.Request
	want  func(status int) bool
	// mayDrop allows a transport error instead of a response (a server may
	// close the connection on an oversized body before reading all of it).
	mayDrop bool
}

func is(codes ...int) func(int) bool {
	return func(s int) bool {
		for _, c := range codes {
			if s == c {
				return true
			}
		}
		return false
	}
}

func any4xx(s int) bool { return s >= 400 && s < 500 }

// markups are typed into every field of the hostile requests.
var markups = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`<svg/onload=alert(document.cookie)>`,
	`</textarea><script>alert(2)</script>`,
	`javascript:alert(1)`,
	`{{.Secret}} ${7*7} <%= 7*7 %>`,
	`' OR '1'='1'; DROP TABLE signatures; --`,
	`<b>bold</b><iframe src="//evil.example">`,
}

// TestSigningAbuse sends 1,000 malformed or hostile signing requests and
// checks that none gets a 5xx, each gets the refusal it should, nothing is
// stored, the server keeps serving, and markup a signer types is shown as
// text wherever it appears.
func TestSigningAbuse(t *testing.T) {
	for _, e := range engines() {
		t.Run(e.name, func(t *testing.T) { signingAbuse(t, e.db(t)) })
	}
}

func signingAbuse(t *testing.T, db string) {
	// Debug logging lists every request with its status, so hang-ups
	// (which read no answer) can be checked for a 5xx in the log.
	base, logs := startSigningServeEnv(t, map[string]string{"PLACARD_SECRET": abuseSecret}, signingCampaigns, db, "--log-level", "debug")
	petDoc, _ := getPage(t, base+"/"+petitionRef)
	pet := findSignForm(t, base, "/"+petitionRef, petDoc)
	let := loadForm(t, base, letterRef)

	signURL := base + "/" + petitionRef + "/sign"
	valid := func(i int) url.Values {
		m := markups[i%len(markups)]
		return pet.with(map[string]string{
			"name": "Name " + m, "email": fmt.Sprintf("abuse-%d@example.org", i), "postcode": m,
			"country": "GB", "comment": m, "consent": "yes", "public": "yes",
		})
	}
	post := func(target string, body io.Reader, ctype string) *http.Request {
		req, err := http.NewRequest(http.MethodPost, target, body)
		if err != nil {
			t.Fatal(err)
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		return req
	}
	form := func(v url.Values) *http.Request {
		return post(signURL, strings.NewReader(v.Encode()), "application/x-www-form-urlencoded")
	}
	raw := func(body string) *http.Request {
		return post(signURL, strings.NewReader(body), "application/x-www-form-urlencoded")
	}
	set := func(v url.Values, k, s string) url.Values { v.Set(k, s); return v }
	// freshToken fetches the page again for a token issued just now (it
	// runs on the request goroutines, so it reports nothing itself: a
	// failed fetch gives no token, which is refused all the same).
	freshToken := func() string {
		res, err := http.Get(base + "/" + petitionRef)
		if err != nil {
			return ""
		}
		defer res.Body.Close()
		doc, err := goquery.NewDocumentFromReader(res.Body)
		if err != nil {
			return ""
		}
		v, _ := doc.Find(`input[name="token"]`).Attr("value")
		return v
	}
	tamper := func(tok string) string {
		b := []byte(tok)
		if b[5] == 'A' {
			b[5] = 'B'
		} else {
			b[5] = 'A'
		}
		return string(b)
	}

	kinds := []hostile{
		{name: "cross-site Sec-Fetch-Site", want: is(403), build: func(i int) *http.Request {
			r := form(valid(i))
			r.Header.Set("Sec-Fetch-Site", "cross-site")
			r.Header.Set("Origin", "https://evil.example")
			return r
		}},
		{name: "foreign Origin", want: is(403), build: func(i int) *http.Request {
			r := form(valid(i))
			r.Header.Set("Origin", "https://evil.example")
			return r
		}},
		{name: "honeypot filled", want: func(s int) bool { return s < 500 }, build: func(i int) *http.Request {
			return form(set(valid(i), "homepage", "http://spam.example/"+markups[i%len(markups)]))
		}},
		{name: "oversized body", want: is(413), mayDrop: true, build: func(i int) *http.Request {
			return form(set(valid(i), "comment", strings.Repeat("x", 64<<10+i)))
		}},
		{name: "invalid UTF-8 in name", want: is(400, 422), build: func(i int) *http.Request {
			return form(set(valid(i), "name", "Ada \xff\xfe"+markups[i%len(markups)]))
		}},
		{name: "invalid UTF-8 in email", want: is(400, 422), build: func(i int) *http.Request {
			return form(set(valid(i), "email", fmt.Sprintf("abuse-%d\xc3\x28@example.org", i)))
		}},
		{name: "NUL byte", want: is(400, 422), build: func(i int) *http.Request {
			return form(set(valid(i), "name", "Ada\x00Lovelace"))
		}},
		{name: "control characters", want: is(400, 422), build: func(i int) *http.Request {
			cc := []string{"\x1b[31mred", "bell\x07", "line\rbreak", "tab\there", "\x7fdel", "\u2028sep", "\u0085nel"}
			return form(set(valid(i), "name", "Ada "+cc[i%len(cc)]))
		}},
		{name: "absurd lengths", want: is(400, 413, 422), build: func(i int) *http.Request {
			v := valid(i)
			switch i % 3 {
			case 0:
				v.Set("name", strings.Repeat("A", 5000))
			case 1:
				v.Set("email", strings.Repeat("a", 3000)+"@example.org")
			default:
				v.Set("postcode", strings.Repeat("9", 2000))
			}
			return form(v)
		}},
		{name: "missing token", want: any4xx, build: func(i int) *http.Request {
			v := valid(i)
			v.Del("token")
			return form(v)
		}},
		{name: "forged token", want: any4xx, build: func(i int) *http.Request {
			return form(set(valid(i), "token", base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "forged-token-number-%05d", i))))
		}},
		{name: "tampered token", want: any4xx, build: func(i int) *http.Request {
			return form(set(valid(i), "token", tamper(pet.values.Get("token"))))
		}},
		{name: "token of another campaign", want: any4xx, build: func(i int) *http.Request {
			return form(set(valid(i), "token", let.values.Get("token")))
		}},
		{name: "token too fresh", want: any4xx, build: func(i int) *http.Request {
			return form(set(valid(i), "token", freshToken()))
		}},
		{name: "token expired", want: any4xx, build: func(i int) *http.Request {
			return form(set(valid(i), "token", mintToken(petitionRef, time.Now().Add(-25*time.Hour-time.Duration(i)*time.Second))))
		}},
		{name: "token from the future", want: any4xx, build: func(i int) *http.Request {
			return form(set(valid(i), "token", mintToken(petitionRef, time.Now().Add(time.Hour))))
		}},
		{name: "token with markup", want: any4xx, build: func(i int) *http.Request {
			return form(set(valid(i), "token", markups[i%len(markups)]))
		}},
		{name: "wrong method", want: is(405), build: func(i int) *http.Request {
			methods := []string{http.MethodGet, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodHead, "PROPFIND"}
			r, err := http.NewRequest(methods[i%len(methods)], signURL+"?"+valid(i).Encode(), strings.NewReader(valid(i).Encode()))
			if err != nil {
				t.Fatal(err)
			}
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}},
		{name: "wrong content type", want: any4xx, build: func(i int) *http.Request {
			v := valid(i)
			switch i % 4 {
			case 0:
				return post(signURL, strings.NewReader(v.Encode()), "text/plain")
			case 1:
				return post(signURL, strings.NewReader(`{"name":"Ada","email":"ada@example.org","token":"`+v.Get("token")+`"}`), "application/json")
			case 2:
				return post(signURL, strings.NewReader(v.Encode()), "")
			default:
				return post(signURL, strings.NewReader("--x\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nAda\r\n--x--\r\n"), "multipart/form-data; boundary=x")
			}
		}},
		{name: "unknown campaign", want: is(404, 405), build: func(i int) *http.Request {
			targets := []string{"/bay-runners/no-such-campaign/sign", "/no-such-org/light-the-path/sign", "/bay-runners/sign", "/bay-runners/light-the-path/sign/extra", "/%3Cscript%3E/x/sign"}
			return post(base+targets[i%len(targets)], strings.NewReader(valid(i).Encode()), "application/x-www-form-urlencoded")
		}},
		// An id the campaign does not have is not hostile on this campaign:
		// it has one signable action, which takes the form (an id renamed
		// while the signer had the page open; internal/web
		// TestSignRenamedActionID, which also keeps unknown ids refused on a
		// campaign with several). An action that cannot be signed is refused.
		{name: "unsignable action", want: any4xx, build: func(i int) *http.Request {
			return form(set(valid(i), "action", "share"))
		}},
		{name: "consent missing", want: is(422), build: func(i int) *http.Request {
			v := valid(i)
			v.Del("consent")
			return form(v)
		}},
		{name: "invalid email", want: is(422), build: func(i int) *http.Request {
			bad := []string{"no-at-sign", "two@@example.org", "a@b", "<script>@example.org", "a b@example.org", "@example.org"}
			return form(set(valid(i), "email", bad[i%len(bad)]))
		}},
		{name: "bad percent-encoding", want: is(400), build: func(i int) *http.Request {
			return raw(valid(i).Encode() + "&name=%zz%" + fmt.Sprint(i))
		}},
		{name: "closed campaign", want: is(410), build: func(i int) *http.Request {
			return post(base+"/"+closedRef+"/sign", strings.NewReader(valid(i).Encode()), "application/x-www-form-urlencoded")
		}},
		{name: "huge header", want: is(431), mayDrop: true, build: func(i int) *http.Request {
			r := form(valid(i))
			r.Header.Set("X-Padding", strings.Repeat("p", 40<<10))
			return r
		}},
		{name: "many fields", want: any4xx, build: func(i int) *http.Request {
			v := valid(i)
			v.Del("token")
			for k := range 1500 {
				v.Set(fmt.Sprintf("f%d", k), "x")
			}
			return form(v)
		}},
	}

	const total = 1000
	type outcome struct {
		kind   string
		status int
		err    error
	}
	results := make([]outcome, total)
	jobs := make(chan int)
	var wg sync.WaitGroup
	client := &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				k := kinds[i%len(kinds)]
				res, err := client.Do(k.build(i))
				results[i] = outcome{kind: k.name, err: err}
				if err == nil {
					_, _ = io.Copy(io.Discard, res.Body)
					res.Body.Close()
					results[i].status = res.StatusCode
				}
			}
		}()
	}
	for i := range total {
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	fiveHundreds, wrong := 0, map[string]int{}
	for i, o := range results {
		k := kinds[i%len(kinds)]
		switch {
		case o.err != nil && k.mayDrop:
		case o.err != nil:
			t.Errorf("request %d (%s): %v", i, o.kind, o.err)
		case o.status >= 500:
			fiveHundreds++
			if fiveHundreds <= 5 {
				t.Errorf("request %d (%s): got status %d, want no 5xx", i, o.kind, o.status)
			}
		case !k.want(o.status):
			wrong[fmt.Sprintf("%s → %d", o.kind, o.status)]++
		}
	}
	if fiveHundreds > 0 {
		t.Errorf("%d of %d hostile requests got a 5xx, want 0", fiveHundreds, total)
	}
	for k, n := range wrong {
		t.Errorf("%s: %d requests got this status, which is not the refusal this kind should get", k, n)
	}

	clientHangups(t, base, logs, pet)

	// Nothing stored, counted straight from the store.
	if n := storedCount(t, db); n != 0 {
		t.Errorf("after %d hostile requests the store holds %d signatures, want 0", total, n)
	}

	// The server still serves.
	if doc, _ := getPage(t, base+"/"+petitionRef); doc.Find(`form[action$="/sign"], form[action*="/sign?lang="]`).Length() == 0 {
		t.Errorf("after the hostile requests the petition page has no signing form")
	}
	if res, body := fetch(t, base+"/healthz"); res.StatusCode != 200 {
		t.Errorf("/healthz after the hostile requests: got %d %q, want 200", res.StatusCode, body)
	}
	if res, body := fetch(t, base+"/readyz"); res.StatusCode != 200 || body != "ready\n" {
		t.Errorf("/readyz after the hostile requests: got %d %q, want 200 ready", res.StatusCode, body)
	}

	// Markup typed by signers shows as text wherever it appears. Mallory's
	// token is minted by the test, 10 s old: its acceptance shows that the
	// expired and future tokens above were refused for their age alone.
	const evilName = `<b>Bold</b> <script>alert("pwned")</script> Mallory`
	wantSigned(t, base, pet, pet.with(map[string]string{
		"name": evilName, "email": "mallory@example.org", "consent": "yes", "public": "yes",
		"token": mintToken(petitionRef, time.Now().Add(-10*time.Second)),
	}), petitionRef, "signed")
	wantSigned(t, base, let, let.with(map[string]string{
		"name": "Eve", "email": "eve@example.org", "organisation": `<i>Evil</i> Org <img src=x onerror=alert(1)>`,
		"role": `<u>Chair</u>`, "consent": "yes", "public": "yes",
	}), letterRef, "pending")
	out, errs, code := runCLI(t, "signatures", "pending", "--campaign", letterRef, "--db", db)
	if code != 0 {
		t.Fatalf("signatures pending: exit %d\n%s", code, errs)
	}
	if _, errs, code := runCLI(t, "signatures", "approve", pendingID(t, out, "Evil"), "--db", db, "--no-webhooks"); code != 0 {
		t.Fatalf("signatures approve: exit %d\n%s", code, errs)
	}
	eventually(t, "the petition page does not show the public signer Mallory", func() bool {
		_, body := getPage(t, base+"/"+petitionRef)
		return strings.Contains(body, "Mallory")
	})
	eventually(t, "the letter page does not list the approved organisation", func() bool {
		_, body := getPage(t, base+"/"+letterRef)
		return strings.Contains(body, "Evil")
	})
	for _, c := range []struct{ ref, text, tag string }{
		{petitionRef, `<b>Bold</b> <script>alert("pwned")</script> Mallory`, "b"},
		{letterRef, `<i>Evil</i> Org <img src=x onerror=alert(1)>`, "i"},
	} {
		doc, body := getPage(t, base+"/"+c.ref)
		if !strings.Contains(squash(doc.Text()), c.text) {
			t.Errorf("/%s: the signer's text %q is not shown as typed (escaped)", c.ref, c.text)
		}
		if strings.Contains(body, `<script>alert("pwned")`) || strings.Contains(body, `<img src=x`) {
			t.Errorf("/%s: markup a signer typed appears unescaped in the HTML", c.ref)
		}
		doc.Find(c.tag).Each(func(_ int, s *goquery.Selection) {
			if strings.Contains(s.Text(), "Bold") || strings.Contains(s.Text(), "Evil") {
				t.Errorf("/%s: a signer's <%s> became an element", c.ref, c.tag)
			}
		})
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("the server logged errors during the hostile requests:\n%s", logs.String())
	}
	for _, secret := range []string{"abuse-0@example.org", "alert(1)"} {
		if strings.Contains(logs.String(), secret) {
			t.Errorf("the server log contains what a signer typed (%q); nothing typed may be logged", secret)
		}
	}
}

// TestSigningRateLimit checks that --rate-limit refuses a client's extra
// signing posts with 429 and a plain page, while pages still load.
func TestSigningRateLimit(t *testing.T) {
	base, _ := startSigningServe(t, signingCampaigns, sqliteDB(t), "--rate-limit", "3")
	f := loadForm(t, base, petitionRef)
	statuses := map[int]int{}
	for i := range 8 {
		res, body := postForm(t, base, f.action, f.with(map[string]string{"name": "R", "email": fmt.Sprintf("r%d@example.org", i), "consent": "yes"}))
		statuses[res.StatusCode]++
		if res.StatusCode == http.StatusTooManyRequests && !strings.Contains(strings.ToLower(body), "wait") {
			t.Errorf("429 page does not tell the signer to wait:\n%s", body)
		}
	}
	if statuses[http.StatusTooManyRequests] < 5 {
		t.Errorf("8 posts with --rate-limit 3: got statuses %v, want at least 5 answered 429", statuses)
	}
	if doc, _ := getPage(t, base+"/"+petitionRef); doc.Find("h1").Length() == 0 {
		t.Errorf("the campaign page no longer loads while the client is rate limited")
	}
}

// storedCount opens the store (beside the running server, as the CLI
// does) and counts every signature of every test campaign.
func storedCount(t *testing.T, db string) int {
	t.Helper()
	ctx := context.Background()
	st := openForTest(t, db)
	n := 0
	for _, ref := range []string{petitionRef, letterRef, closedRef, pastDateRef, "bay-runners/no-such-campaign"} {
		org, slug, _ := strings.Cut(ref, "/")
		if err := st.Signatures(ctx, org, slug, "", func(*signing.Signature) error { n++; return nil }); err != nil {
			t.Fatalf("reading %s: %v", ref, err)
		}
	}
	// Counts covers every campaign key, including any a request made up.
	counts, err := st.Counts(ctx)
	if err != nil {
		t.Fatalf("counts: %v", err)
	}
	for _, c := range counts {
		if c.Signatures+c.Pending > 0 && !strings.HasPrefix(c.Org+"/"+c.Campaign, "bay-runners/") {
			t.Errorf("the store counts %d signatures on %s/%s, a campaign that does not exist", c.Signatures+c.Pending, c.Org, c.Campaign)
		}
	}
	return n
}

// clientHangups sends, over raw TCP, requests whose client hangs up: bodies
// cut short (Content-Length larger than what is sent, then the connection
// closed or half-closed), bodies sent slowly and cut off, and requests whose
// answer is never read (the connection closed, with a reset, while the
// server answers). None may get a 5xx, in an answer or in the request log,
// and none may log an ERROR: a hang-up is not a server fault.
func clientHangups(t *testing.T, base string, logs *lockedBuffer, pet signForm) {
	t.Helper()
	addr := strings.TrimPrefix(base, "http://")
	good := pet.with(map[string]string{"name": "Hang Up", "email": "hangup@example.org", "consent": "yes"}).Encode()
	bad := pet.with(map[string]string{"name": "Hang Up", "email": "not-an-email", "consent": "yes"}).Encode()
	head := func(method, path, id string, length int) string {
		return fmt.Sprintf("%s %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\nX-Request-Id: %s\r\n\r\n",
			method, path, addr, length, id)
	}
	signPath := "/" + petitionRef + "/sign"
	type hangup struct {
		name string
		// send writes the request and hangs up; it returns true when it
		// half-closed the connection and the answer can still be read.
		send func(c *net.TCPConn, id string) bool
	}
	kinds := []hangup{
		{"truncated body, half-closed", func(c *net.TCPConn, id string) bool {
			_, _ = io.WriteString(c, head("POST", signPath, id, len(good)+100)+good)
			_ = c.CloseWrite()
			return true
		}},
		{"truncated body, closed", func(c *net.TCPConn, id string) bool {
			_, _ = io.WriteString(c, head("POST", signPath, id, len(good))+good[:len(good)/2])
			return false
		}},
		{"truncated body on a closed campaign, half-closed", func(c *net.TCPConn, id string) bool {
			_, _ = io.WriteString(c, head("POST", "/"+closedRef+"/sign", id, len(good)+100)+good)
			_ = c.CloseWrite()
			return true
		}},
		{"headers only, then closed", func(c *net.TCPConn, id string) bool {
			_, _ = io.WriteString(c, head("POST", signPath, id, len(good)))
			return false
		}},
		{"slow body cut off", func(c *net.TCPConn, id string) bool {
			_, _ = io.WriteString(c, head("POST", signPath, id, len(good)))
			for i := 0; i < 4; i++ {
				_, _ = io.WriteString(c, good[i*len(good)/8:(i+1)*len(good)/8])
				time.Sleep(10 * time.Millisecond) // a slow client's pace
			}
			return false
		}},
		{"answer to a re-shown form not read", func(c *net.TCPConn, id string) bool {
			_, _ = io.WriteString(c, head("POST", signPath, id, len(bad))+bad)
			_ = c.SetLinger(0) // close with a reset, as a killed tab does
			return false
		}},
		{"page not read", func(c *net.TCPConn, id string) bool {
			_, _ = io.WriteString(c, head("GET", "/"+petitionRef, id, 0))
			_ = c.SetLinger(0)
			return false
		}},
	}
	const rounds = 6
	var ids []string
	for round := range rounds {
		for k, h := range kinds {
			id := fmt.Sprintf("hangup-%d-%d", k, round)
			ids = append(ids, id)
			conn, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatalf("%s: %v", h.name, err)
			}
			c := conn.(*net.TCPConn)
			if h.send(c, id) {
				_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
				reply, _ := io.ReadAll(c)
				status := 0
				if f := strings.Fields(string(reply)); len(f) > 1 {
					status, _ = strconv.Atoi(f[1])
				}
				if status < 400 || status >= 500 {
					t.Errorf("%s: got status %d, want a 4xx\n%.300s", h.name, status, reply)
				}
			}
			c.Close()
		}
	}
	// Every hang-up is logged once the server has finished with it.
	line := regexp.MustCompile(`status=(\d+) .*request_id=(hangup-\d+-\d+)`)
	seen := map[string]int{}
	waitFor(t, func() string {
		return fmt.Sprintf("the request log has %d of the %d hang-ups:\n%s", len(seen), len(ids), logs.String())
	}, func() bool {
		for _, m := range line.FindAllStringSubmatch(logs.String(), -1) {
			seen[m[2]], _ = strconv.Atoi(m[1])
		}
		return len(seen) == len(ids)
	})
	for id, status := range seen {
		var k, round int
		fmt.Sscanf(id, "hangup-%d-%d", &k, &round)
		if status >= 500 {
			t.Errorf("%s (%s): the server answered %d, want no 5xx for a client that hung up", kinds[k].name, id, status)
		}
	}
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, "level=ERROR") {
			t.Errorf("a client hanging up logged an ERROR: %s", l)
		}
	}
}
