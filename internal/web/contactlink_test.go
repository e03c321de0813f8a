package web

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/placard/placard/internal/mail"
)

// arabicMessage is maxMessage characters of Arabic-looking text: letters
// drawn pseudo-randomly (less repetitive than a real letter, so it
// compresses worse) with a space every sixth character.
func arabicMessage() string {
	letters := []rune("ابتثجحخدذرزسشصضطظعغفقكلمنهوي")
	var b strings.Builder
	x := uint32(1)
	for i := range maxMessage {
		x = x*1664525 + 1013904223
		if i%6 == 5 {
			b.WriteRune(' ')
			continue
		}
		b.WriteRune(letters[(x>>16)%uint32(len(letters))])
	}
	return b.String()
}

// TestContactLinkFitsAURL: the confirmation link carries the supporter's
// message sealed, and a full-length message in Arabic or Hebrew (two bytes
// a letter) made a link of over 14,000 characters. RFC 9110 asks servers
// to take 8,000; nginx's default buffers refuse a longer request line
// (414), so behind the usual proxy the link could never be opened and the
// message was lost after the supporter had been told to check their
// inbox. The link now carries the message compressed and fits in 8,000
// characters for any message of the length allowed; one that still
// would not (an incompressible run of emoji) is refused on the form,
// before anything is sent, saying to write less.
func TestContactLinkFitsAURL(t *testing.T) {
	e := newWriteEnv(t, openSQLite(t), 5)
	v := writeValues(t, e, "moss", "أحمد", "ahmad@example.org")
	v.Set("message", arabicMessage())
	e.clock.add(time.Minute)
	wantStatus(t, e.post(t, writePage+"/write", v, nil), 303)
	var link string
	for _, m := range outboxMails(t, e.st) {
		if m.Template == mail.TemplateContactConfirm {
			link = m.Link
		}
	}
	if len(link) > maxLink {
		t.Fatalf("the confirmation link of a %d-character Arabic message is %d bytes long, over %d", maxMessage, len(link), maxLink)
	}
	// It opens, and confirming it queues the whole message for the target.
	d := doc(t, get(t, e.s, "GET", strings.TrimPrefix(link, "https://act.example.org"), nil))
	if got := d.Find("form input[name=c]").AttrOr("value", ""); got == "" {
		t.Fatal("the confirmation page holds no sealed message")
	}
	cv := map[string][]string{"c": {d.Find("form input[name=c]").AttrOr("value", "")}}
	e.clock.add(time.Minute)
	res := e.post(t, writePage+"/confirm", cv, nil)
	wantStatus(t, res, 303)
	var sent string
	for _, m := range outboxMails(t, e.st) {
		if m.Template == mail.TemplateContactTarget {
			sent = m.Body
		}
	}
	if sent != arabicMessage() {
		t.Errorf("the message queued for the target is %d characters, want the %d written", len([]rune(sent)), maxMessage)
	}

	// 5,000 emoji of the whole range do not compress: refused on the
	// form, nothing queued, the form token not spent.
	before := len(outboxMails(t, e.st))
	var b strings.Builder
	x := uint32(7)
	for range maxMessage {
		x = x*1664525 + 1013904223
		b.WriteRune(rune(0x1F300 + (x>>16)%0x300))
	}
	v = writeValues(t, e, "moss", "Bo", "bo@example.org")
	v.Set("message", b.String())
	e.clock.add(time.Minute)
	res = e.post(t, writePage+"/write", v, nil)
	wantStatus(t, res, 400)
	if !strings.Contains(body(t, res), "5,000") {
		t.Error("the refusal does not say how long a message may be")
	}
	if n := len(outboxMails(t, e.st)); n != before {
		t.Errorf("the outbox grew from %d to %d for a refused message", before, n)
	}
	v.Set("message", "Please keep the library open.")
	e.clock.add(time.Minute)
	wantStatus(t, e.post(t, writePage+"/write", v, nil), 303)

	// A link sealed before the upgrade (its JSON uncompressed) still opens.
	old, _ := json.Marshal(sealed{Path: writePage, Target: "moss", Name: "Cy", Email: "cy@example.org", Subject: "s", Message: "m",
		Expires: e.clock.now().Add(time.Hour).Unix()})
	if got, ok := e.s.unseal(e.s.sealer.Seal(old), e.clock.now()); !ok || got.Email != "cy@example.org" || got.Message != "m" {
		t.Errorf("a link sealed uncompressed: %+v, %v", got, ok)
	}
}

// TestContactNameNoAddress: the supporter's name becomes the From name of
// their message to the decision-maker, sent from the organisation's
// address. A name written as an address ("Town Clerk
// <clerk@council.example>") passed, and the office saw the message as
// from that address. It is refused on the form, asking for a name,
// before anything is sent.
func TestContactNameNoAddress(t *testing.T) {
	e := newWriteEnv(t, openSQLite(t), 5)
	for _, name := range []string{"Town Clerk <clerk@council.example>", "clerk@council.example", "Clerk \uff20 Council"} {
		v := writeValues(t, e, "moss", name, "ada@example.org")
		e.clock.add(time.Minute)
		res := e.post(t, writePage+"/write", v, nil)
		wantStatus(t, res, 400)
		if !strings.Contains(body(t, res), "Write your name without @") {
			t.Errorf("name %q: the refusal does not ask for a name without an address's marks", name)
		}
	}
	if n := len(outboxMails(t, e.st)); n != 0 {
		t.Errorf("the outbox holds %d messages after names refused", n)
	}
	if loc := e.writeAndConfirm(t, "moss", "Ada O'Brien-Lovelace", "ada@example.org", false); loc != writePage+"?sent=moss" {
		t.Errorf("a plain name: Location %q", loc)
	}
}

// chineseMessage is n characters of Chinese-looking text: common
// characters drawn pseudo-randomly, the commoner more often, with a comma
// every twelfth character and a full stop every fortieth.
func chineseMessage(n int) string {
	cs := []rune("的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坐集编宝谈府拉黑且随格尽剑讲布杀微怕母调局根曾准团段终乐切级克精哪官示冷域")
	var b strings.Builder
	x := uint32(1)
	for i := range n {
		x = x*1664525 + 1013904223
		switch {
		case i%40 == 39:
			b.WriteString("。")
		case i%12 == 11:
			b.WriteString("，")
		default:
			u := float64(x>>8) / float64(1<<24)
			b.WriteRune(cs[int(u*u*float64(len(cs)))])
		}
	}
	return b.String()
}

// TestContactLongLetterToldPlainly: a letter in Chinese (three bytes a
// character, and little that repeats) of well under the 5,000 characters
// allowed still makes a link too long to open (maxLink), and was refused
// with "Write a message of up to 5,000 characters." — which the supporter,
// at 4,000 characters, could not act on. The refusal now says the message
// is too long to send from the page and to shorten it.
func TestContactLongLetterToldPlainly(t *testing.T) {
	e := newWriteEnv(t, openSQLite(t), 5)
	v := writeValues(t, e, "moss", "李明", "li@example.org")
	v.Set("message", chineseMessage(4000))
	e.clock.add(time.Minute)
	res := e.post(t, writePage+"/write", v, nil)
	wantStatus(t, res, 400)
	if b := body(t, res); !strings.Contains(b, "too long to send from this page") {
		t.Errorf("a 4,000-character Chinese letter refused without saying it is too long to send: %s", errorsIn(b))
	}
	if n := len(outboxMails(t, e.st)); n != 0 {
		t.Errorf("the outbox holds %d messages after a refused letter", n)
	}
}

// errorsIn is the form's error list in page b, for a failure message.
func errorsIn(b string) string {
	d, err := goquery.NewDocumentFromReader(strings.NewReader(b))
	if err != nil {
		return b
	}
	return strings.TrimSpace(d.Find(".form-errors, [role=alert]").Text())
}

// TestContactNameMarksToldPlainly: a name with one of an address's marks
// ("Sam <3", "Ali @ home") is refused (TestContactNameNoAddress), but
// the refusal said "Write your name." to someone who had: it now says
// which characters a name cannot hold.
func TestContactNameMarksToldPlainly(t *testing.T) {
	e := newWriteEnv(t, openSQLite(t), 5)
	for _, name := range []string{"Sam <3", "Ali @ home"} {
		v := writeValues(t, e, "moss", name, "sam@example.org")
		e.clock.add(time.Minute)
		res := e.post(t, writePage+"/write", v, nil)
		wantStatus(t, res, 400)
		if b := body(t, res); !strings.Contains(b, "without @, &lt; or &gt;") && !strings.Contains(b, "without @, < or >") {
			t.Errorf("name %q refused without saying which characters: %s", name, errorsIn(b))
		}
	}
	// A name left empty is still asked for.
	v := writeValues(t, e, "moss", "", "sam@example.org")
	e.clock.add(time.Minute)
	res := e.post(t, writePage+"/write", v, nil)
	wantStatus(t, res, 400)
	if !strings.Contains(body(t, res), "Write your name.") {
		t.Error("an empty name is not asked for")
	}
}
