package targets

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

const table = `code,to,district
10115,,Mitte
10115,,Tiergarten
EH1*,,Old Town
EH12*,,West End
20000,20999,Harbour
21000,21499,Harbour
21000,21499,North Shore
`

func TestFind(t *testing.T) {
	l, probs := ParseLookup([]byte(table))
	if len(probs) > 0 {
		t.Fatalf("problems: %v", probs)
	}
	for _, tc := range []struct {
		name, in string
		want     []string
		err      error
	}{
		{"exact", "10115", []string{"Mitte", "Tiergarten"}, nil},
		{"exact, spaces and case", " 101 15 ", []string{"Mitte", "Tiergarten"}, nil},
		{"prefix", "eh1 1yz", []string{"Old Town"}, nil},
		{"longest prefix wins", "EH12 5AB", []string{"West End"}, nil},
		{"range", "20500", []string{"Harbour"}, nil},
		{"range start", "20000", []string{"Harbour"}, nil},
		{"range end", "20999", []string{"Harbour"}, nil},
		{"range, several districts", "21200", []string{"Harbour", "North Shore"}, nil},
		{"range needs the same length", "205", nil, ErrUnknownCode},
		{"range needs digits where its bounds have them", "205A0", nil, ErrUnknownCode},
		{"unknown code", "99999", nil, ErrUnknownCode},
		{"empty", "  ", nil, ErrNoCode},
		{"markup", "<script>", nil, ErrBadCode},
		{"too long", strings.Repeat("1", 13), nil, ErrBadCode},
		{"huge", strings.Repeat("1", 10000), nil, ErrBadCode},
		{"unicode", "１０１１５", nil, ErrBadCode},
		{"query syntax", "10115&x=1", nil, ErrBadCode},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := l.Find(tc.in)
			if !errors.Is(err, tc.err) || !slices.Equal(got, tc.want) {
				t.Errorf("Find(%q) = %q, %v; want %q, %v", tc.in, got, err, tc.want, tc.err)
			}
		})
	}
}

// problemCase is a source with one mistake: the first problem parsing it
// reports is at line:col (0:0 for the whole file) and says want.
type problemCase struct {
	name, src string
	line, col int
	want      string
}

// wantFirstProblems runs each case through parse as a subtest named for
// it and wants its first problem at its place, saying its words.
func wantFirstProblems(t *testing.T, parse func(src []byte) []Problem, cases []problemCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			probs := parse([]byte(tc.src))
			if len(probs) == 0 {
				t.Fatal("no problem reported")
			}
			p := probs[0]
			if p.Line != tc.line || p.Col != tc.col || !strings.Contains(p.Message, tc.want) {
				t.Errorf("got %d:%d: %s; want %d:%d: …%s…", p.Line, p.Col, p.Message, tc.line, tc.col, tc.want)
			}
		})
	}
}

func TestParseLookupProblems(t *testing.T) {
	wantFirstProblems(t, func(src []byte) []Problem { _, probs := ParseLookup(src); return probs }, []problemCase{
		{"empty", "", 1, 1, "empty"},
		{"no district column", "code,area\n1,a\n", 1, 2, `no column "area"`},
		{"bad code", "code,district\n1<2,A\n", 2, 1, `"1<2" is not a code`},
		{"range lengths", "code,to,district\n100,1000,A\n", 2, 2, "as many characters"},
		{"range backwards", "code,to,district\n200,100,A\n", 2, 2, "ends (100) before it starts (200)"},
		{"prefix with to", "code,to,district\n20*,30,A\n", 2, 2, "prefix"},
		{"missing district", "code,district\n100,\n", 2, 2, "no district"},
		{"short row", "code,district\n100\n", 2, 1, "1 cells"},
		{"bad quote", "code,district\n\"100,A\n", 2, 8, "cannot be read"},
	})
}

func TestParseCSV(t *testing.T) {
	src := "\uFEFFid,name,role,party,region,phone,email,languages,hours\n" +
		"moss,Senator Ada Moss,State Senator,Green,North Shore,+1 555 0110; +1 555 0199,ada@leg.example,en;fr,Mon–Fri 9–5\n" +
		",Rep. Bo Lind,State Representative,,Harbour,+1 555 0111,,,\n"
	ts, probs := ParseCSV([]byte(src))
	if len(probs) > 0 {
		t.Fatalf("problems: %v", probs)
	}
	if len(ts) != 2 {
		t.Fatalf("got %d targets, want 2", len(ts))
	}
	a, b := ts[0], ts[1]
	if a.ID != "moss" || a.Title != "State Senator" || a.District != "North Shore" || !slices.Equal(a.Phones, []string{"+1 555 0110", "+1 555 0199"}) || !slices.Equal(a.Languages, []string{"en", "fr"}) || a.Line != 2 {
		t.Errorf("first target = %+v", a)
	}
	if b.ID != "rep-bo-lind" || b.Line != 3 {
		t.Errorf("second target's id = %q line %d, want rep-bo-lind on line 3", b.ID, b.Line)
	}
	if !(Filter{Title: "senator"}).Match(a) || (Filter{Title: "senator"}).Match(b) || !(Filter{District: "harbour"}).Match(b) {
		t.Error("filters match the wrong targets")
	}
}

func TestParseCSVProblems(t *testing.T) {
	wantFirstProblems(t, func(src []byte) []Problem { _, probs := ParseCSV(src); return probs }, []problemCase{
		{"unknown column", "name,phnoe\nA,+1 555 0100\n", 1, 2, `did you mean "phone"?`},
		{"no name column", "id,phone\na,+1 555 0100\n", 1, 1, "no 'name' column"},
		{"missing name", "id,name,phone\na,,+1 555 0100\n", 2, 2, "no name"},
		{"bad phone", "name,phone\nA,call me\n", 2, 2, `"call me" is not a phone number`},
		{"short phone", "name,phone\nA,+1 55\n", 2, 2, "3 digits"},
		{"bad email", "name,email\nA,a@b\n", 2, 2, "not an email address"},
		{"no way to reach", "name,title\nA,Senator\n", 2, 1, "neither a phone number nor an email"},
		{"duplicate id", "id,name,phone\nx,A,+1 555 0100\nx,B,+1 555 0101\n", 3, 1, `"x" is already used on line 2`},
		{"duplicate derived id", "name,phone\nAda Moss,+1 555 0100\nada moss,+1 555 0101\n", 3, 1, `"ada-moss" is already used on line 2`},
		{"bad id", "id,name,phone\nAda!,A,+1 555 0100\n", 2, 1, "write ada"},
		{"row too long", "name,phone\nA,+1 555 0100,extra\n", 2, 1, "3 cells"},
		{"photo outside", "name,phone,photo\nA,+1 555 0100,../../etc/passwd\n", 2, 3, "inside the organisation's folder"},
		{"bad language", "name,phone,languages\nA,+1 555 0100,english!\n", 2, 3, "not a language code"},
		{"not utf-8", "name,phone\n\xff,+1 555 0100\n", 0, 0, "UTF-8"},
	})
}

func TestParseYAML(t *testing.T) {
	src := `- id: moss
  name: Senator Ada Moss
  role: State Senator
  phone: ["+1 555 0110", "+1 555 0199"]
- name: Bo Lind
  phnoe: "+1 555 0111"
  email: bo@leg.example
- id: moss
  name: Cy
  email: cy@leg.example
`
	ts, probs := ParseYAML([]byte(src))
	if len(ts) != 3 || len(ts[0].Phones) != 2 || ts[0].Title != "State Senator" {
		t.Fatalf("targets = %+v", ts)
	}
	var got []string
	for _, p := range probs {
		got = append(got, p.Message)
	}
	if len(probs) != 2 || probs[0].Line != 6 || !strings.Contains(probs[0].Message, `did you mean "phone"`) || probs[1].Line != 8 || !strings.Contains(probs[1].Message, "already used on line 1") {
		t.Errorf("problems = %v", probs)
	}
	if _, probs := ParseYAML([]byte("a: b")); len(probs) != 1 || !strings.Contains(probs[0].Message, "must be a list") {
		t.Errorf("a mapping: %v", probs)
	}
	if _, probs := ParseYAML([]byte("- &a {name: x}\n- *a\n- [*a, *a]")); len(probs) == 0 {
		t.Errorf("aliases: no problem")
	}
}

func TestTelURL(t *testing.T) {
	if got := TelURL("+1 (555) 0110"); got != "tel:+15550110" {
		t.Errorf("TelURL = %q", got)
	}
}
