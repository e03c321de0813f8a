package editing

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"go.yaml.in/yaml/v4"
)

func TestSetKeyKeepsEverythingElse(t *testing.T) {
	for _, c := range []struct {
		name, in, key, value, want string
	}{
		{"plain with comment", "title: A\nstatus: draft   # not yet\nsummary: B\n", "status", "published",
			"title: A\nstatus: published   # not yet\nsummary: B\n"},
		{"double quoted", "status: \"draft\" # q\n", "status", "closed", "status: \"closed\" # q\n"},
		{"single quoted", "status: 'draft'\n", "status", "closed", "status: 'closed'\n"},
		{"empty value", "title: A\nstatus:\nsummary: B\n", "status", "closed", "title: A\nstatus: closed\nsummary: B\n"},
		{"empty value with comment", "status: # later\n", "status", "closed", "status: closed # later\n"},
		{"added after status", "title: A\nstatus: published\nsummary: B\n", "close_at", "2027-01-31",
			"title: A\nstatus: published\nclose_at: 2027-01-31\nsummary: B\n"},
		{"added at the end", "title: A\nsummary: B", "status", "closed", "title: A\nsummary: B\nstatus: closed\n"},
		{"date replaced", "close_at: 2026-01-01 # old\n", "close_at", "2027-02-03T04:05:06Z", "close_at: 2027-02-03T04:05:06Z # old\n"},
		{"unicode before", "title: Ünïcödé — ok\nstatus: draft\n", "status", "closed", "title: Ünïcödé — ok\nstatus: closed\n"},
		{"nested status untouched", "actions:\n  - kind: petition\n    status: x\nstatus: draft\n", "status", "closed",
			"actions:\n  - kind: petition\n    status: x\nstatus: closed\n"},
		{"crlf", "title: A\r\nstatus: draft\r\n", "status", "closed", "title: A\r\nstatus: closed\r\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := SetKey(c.in, c.key, c.value)
			if err != nil || got != c.want {
				t.Errorf("SetKey = %q, %v\nwant %q", got, err, c.want)
			}
		})
	}
}

func TestSetKeyRefusesWhatOnlyAHandCanChange(t *testing.T) {
	for _, in := range []string{
		"{title: A, status: draft}\n",
		"status: &s draft\n",
		"status: !!str draft\n",
		"status: |\n  draft\n",
		"status: [draft]\n",
		"- a\n- b\n",
		"title: [\n",
	} {
		if got, err := SetKey(in, "status", "closed"); !errors.Is(err, ErrHandEdit) {
			t.Errorf("SetKey(%q) = %q, %v, want ErrHandEdit", in, got, err)
		}
	}
	for _, v := range []string{"", "a: b", "x\ny", "#c", "-x", "'q'"} {
		if _, err := SetKey("status: draft\n", "status", v); err == nil {
			t.Errorf("value %q accepted", v)
		}
	}
}

func TestPublishAndCloseText(t *testing.T) {
	in := "status: draft\n"
	got, err := Publish(in, time.Date(2027, 1, 2, 8, 0, 0, 0, time.UTC))
	if want := "status: published\npublish_at: 2027-01-02T08:00:00Z\n"; err != nil || got != want {
		t.Errorf("Publish = %q, %v", got, err)
	}
	got, err = Close(got, time.Time{})
	if want := "status: closed\npublish_at: 2027-01-02T08:00:00Z\n"; err != nil || got != want {
		t.Errorf("Close = %q, %v", got, err)
	}
}

func TestDiff(t *testing.T) {
	a := "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n"
	b := "1\n2\nthree\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n"
	want := "--- a\n+++ b\n@@ -1,6 +1,6 @@\n 1\n 2\n-3\n+three\n 4\n 5\n 6\n@@ -10,3 +10,4 @@\n 10\n 11\n 12\n+13\n"
	if got := Diff("a", a, "b", b); got != want {
		t.Errorf("Diff:\n%s\nwant:\n%s", got, want)
	}
	if Diff("a", a, "b", a) != "" {
		t.Error("equal texts differ")
	}
	if got := Diff("a", "", "b", "x\n"); got != "--- a\n+++ b\n@@ -0,0 +1 @@\n+x\n" {
		t.Errorf("from empty: %q", got)
	}
}

// FuzzSetKey: whatever the file, SetKey either refuses or returns a text
// whose top-level key now reads value, with every other top-level setting
// as it was.
func FuzzSetKey(f *testing.F) {
	for _, s := range []string{"title: A\nstatus: draft # x\n", "status: 'a''b'\n", "status: \"a\\\"b\" # c\n", "a: 1\n", "", "status:\n", "- x\n", "k: |\n  x\nstatus: y\n", "status: x\r\n", "\ufeffstatus: x\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out, err := SetKey(in, "status", "closed")
		if err != nil {
			return
		}
		before, errB := topMapping(in)
		after, errA := topMapping(out)
		if errB != nil || errA != nil {
			t.Fatalf("SetKey(%q) = %q, which does not parse: %v", in, out, errA)
		}
		values := func(n *yaml.Node) map[string]string {
			m := map[string]string{}
			for i := 0; i+1 < len(n.Content); i += 2 {
				m[n.Content[i].Value] = fmt.Sprint(n.Content[i+1].Kind, n.Content[i+1].Value, len(n.Content[i+1].Content))
			}
			return m
		}
		b, a := values(before), values(after)
		if got := a["status"]; got != fmt.Sprint(yaml.ScalarNode, "closed", 0) {
			t.Fatalf("SetKey(%q) = %q: status reads %s", in, out, got)
		}
		delete(a, "status")
		delete(b, "status")
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatalf("SetKey(%q) = %q changed other settings:\n%v\n%v", in, out, b, a)
		}
	})
}
