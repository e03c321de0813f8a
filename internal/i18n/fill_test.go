package i18n

import (
	"math/rand"
	"regexp"
	"strings"
	"testing"
)

// TestFillAsReplacer: fill gives exactly what a strings.Replacer of the
// pairs gives — for every catalogue message with its own placeholders,
// some repeated, some missing, some named twice, and for random strings
// of braces.
func TestFillAsReplacer(t *testing.T) {
	check := func(msg string, args []string) {
		t.Helper()
		if got, want := fill(msg, args), replacerFill(msg, args); got != want {
			t.Fatalf("fill(%q, %q) = %q, want %q", msg, args, got, want)
		}
	}
	placeholder := regexp.MustCompile(`\{([^{}]*)\}`)
	n := 0
	for _, messages := range catalogue {
		for _, msg := range messages {
			var names []string
			for _, m := range placeholder.FindAllStringSubmatch(msg, -1) {
				names = append(names, m[1])
			}
			if len(names) == 0 {
				continue
			}
			n++
			var all, firstMissing, twice []string
			for i, name := range names {
				all = append(all, name, "<"+name+">")
				if i > 0 {
					firstMissing = append(firstMissing, name, "{"+name+"}")
				}
				twice = append(twice, name, "1st", name, "2nd")
			}
			check(msg, all)
			check(msg, firstMissing)
			check(msg, twice)
			check(msg, append([]string{"unused", "x"}, all...))
			check(msg+" {"+names[0]+"}{"+names[0]+"} {missing} {"+names[0], all)
			check(msg, all[:len(all)-1]) // an odd pair left out
		}
	}
	if n < 50 {
		t.Fatalf("only %d catalogue messages have placeholders", n)
	}
	for _, c := range []struct {
		msg  string
		args []string
	}{
		{"{{a}}", []string{"a", "A"}},
		{"{a}{b}{a}", []string{"a", "{b}", "b", "B"}},
		{"{}", []string{"", "empty"}},
		{"{ a}", []string{"a", "A"}},
		{"no braces", []string{"a", "A"}},
		{"{a", []string{"a", "A"}},
		{"a}", []string{"a", "A"}},
		{"{a}", []string{"a"}},
		{"{a}", nil},
		{"{a}{b}", []string{"a}{b", "X", "a", "A"}},
		{"{ש}{名}", []string{"ש", "shin", "名", "na"}},
	} {
		check(c.msg, c.args)
	}
	r := rand.New(rand.NewSource(1))
	const alphabet = "{}ab"
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for j := r.Intn(12); j > 0; j-- {
			b.WriteByte(alphabet[r.Intn(len(alphabet))])
		}
		var args []string
		for j := r.Intn(4); j > 0; j-- {
			names := []string{"", "a", "b", "ab", "ba"}
			args = append(args, names[r.Intn(len(names))], []string{"", "X", "{a}"}[r.Intn(3)])
		}
		check(b.String(), args)
	}
}

// BenchmarkFill is a message with two placeholders filled.
func BenchmarkFill(b *testing.B) {
	args := []string{"count", "1,234", "name", "Clean Air Now"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		fill("{count} people have signed {name}'s letter.", args)
	}
}
