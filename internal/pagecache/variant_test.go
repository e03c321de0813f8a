package pagecache

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestVariantIn: a rendering is read only from an entity tag of exactly
// a variant's shape, below the number of renderings; anything else a
// client may send names none.
func TestVariantIn(t *testing.T) {
	const hash = "0123456789abcdef01234567"
	for _, c := range []struct {
		inm  string
		want int
		ok   bool
	}{
		{`"` + hash + `-v0"`, 0, true},
		{`"` + hash + `-v3"`, 3, true},
		{`W/"` + hash + `-v2-gz"`, 2, true},
		{` "x", W/"` + hash + `-v1" ,"` + hash + `-v2"`, 1, true},
		{`"` + hash + `-v9", "` + hash + `-v2"`, 2, true}, // the first below n
		{`"` + hash + `-v4"`, 0, false},                   // n is 4
		{`"` + hash + `"`, 0, false},
		{`"` + hash + `-gz"`, 0, false},
		{`"` + hash + `-v"`, 0, false},
		{`"` + hash + `-v01"`, 0, false},
		{`"` + hash + `-v-1"`, 0, false},
		{`"` + hash + `-v99999999999999999999"`, 0, false},
		{`"` + strings.ToUpper(hash) + `-v1"`, 0, false},
		{`"` + hash[1:] + `-v1"`, 0, false},
		{hash + `-v1`, 0, false},
		{`"` + hash + `-v1`, 0, false},
		{`*`, 0, false},
		{``, 0, false},
		{`""`, 0, false},
	} {
		got, ok := VariantIn([]string{c.inm}, 4)
		if got != c.want || ok != c.ok {
			t.Errorf("VariantIn(%q, 4) = %d, %v; want %d, %v", c.inm, got, ok, c.want, c.ok)
		}
	}
	inm := []string{`"x", W/"` + hash + `-v1-gz"`}
	if n := testing.AllocsPerRun(100, func() { VariantIn(inm, 4) }); n != 0 {
		t.Errorf("VariantIn allocates %v times, want 0", n)
	}
}

// TestVariantETags: a rendering's ETags name it and still match it, the
// same for the same bytes however the response is made (at once, lazily,
// reused, spliced), and Serve answers 304 to them.
func TestVariantETags(t *testing.T) {
	body := []byte(strings.Repeat("<p>the same page</p>", 40))
	plain := New(body, "text/html; charset=utf-8", hvNoCache, "")
	one := New(body, "text/html; charset=utf-8", hvNoCache, "")
	one.SetVariant(1)
	lazy := NewLazy(func() ([]byte, error) { return body, nil }, "text/html; charset=utf-8", hvNoCache, "")
	lazy.SetVariant(1)
	var filled Response
	filled.SetVariant(1)
	NewReuse(nil).NewInto(&filled, body, "text/html; charset=utf-8", hvNoCache, "")
	reuse := NewReuse(nil)
	_ = reuse.New(body, "text/html; charset=utf-8", hvNoCache, "") // the same bytes as no variant
	var reused Response
	reused.SetVariant(1)
	reuse.NewInto(&reused, body, "text/html; charset=utf-8", hvNoCache, "")

	hash := strings.Trim(plain.etag[0], `"`)
	want := `"` + hash + `-v1"`
	for name, c := range map[string]*Response{"New": one, "NewLazy": lazy.must(), "NewInto": &filled, "reused": &reused} {
		if c.etag[0] != want || c.etagGz[0] != `"`+hash+`-v1-gz"` {
			t.Errorf("%s: ETags %s %s, want %s and its -gz", name, c.etag[0], c.etagGz[0], want)
		}
		if !c.Matches([]string{want}) || c.Matches([]string{plain.etag[0]}) {
			t.Errorf("%s: matching its own tag or the plain page's went wrong", name)
		}
		if v, ok := VariantIn(c.etagGz, 4); !ok || v != 1 {
			t.Errorf("%s: VariantIn of its gzip tag = %d, %v", name, v, ok)
		}
	}
	sp := NewSplicedVariant(body, Slots{Token: "TTTT", Attribution: "AAAA", BlankAttribution: []byte("----")}, "o/c", "", 2)
	if v, ok := VariantIn(sp.etag, 4); !ok || v != 2 || sp.etag[0] != `W/"`+hash+`-v2"` {
		t.Errorf("spliced rendering 2: ETag %s (%d, %v)", sp.etag[0], v, ok)
	}
	if !sp.Matches([]string{`"` + hash + `-v2-gz"`}, time.Now()) {
		t.Error("spliced rendering 2 does not match its gzip tag")
	}
}

// TestVariantsIn: every rendering of a variant's shape is given in the
// order listed, other shapes and renderings past n skipped, until yield
// stops or MaxVariantsLooked were given; without allocating.
func TestVariantsIn(t *testing.T) {
	const h = "0123456789abcdef01234567"
	all := func(values []string, n int) []int {
		var got []int
		VariantsIn(values, n, func(v int) bool { got = append(got, v); return true })
		return got
	}
	inm := []string{`"garbage", "` + h + `-v2", W/"` + h + `-v9-gz"`, `"` + h + `-v0-gz", *, "` + h + `-v1"`}
	if got, want := all(inm, 4), []int{2, 0, 1}; !slices.Equal(got, want) {
		t.Errorf("VariantsIn: got %v, want %v", got, want)
	}
	if got := all([]string{strings.Repeat(`"`+h+`-v1", `, 20) + `"` + h + `-v2"`}, 4); len(got) != MaxVariantsLooked || slices.Contains(got, 2) {
		t.Errorf("VariantsIn of 21 tags: got %v, want the first %d only", got, MaxVariantsLooked)
	}
	var first []int
	VariantsIn(inm, 4, func(v int) bool { first = append(first, v); return false })
	if !slices.Equal(first, []int{2}) {
		t.Errorf("VariantsIn stopped at once: got %v, want [2]", first)
	}
	seen := 0
	if n := testing.AllocsPerRun(100, func() { VariantsIn(inm, 4, func(int) bool { seen++; return true }) }); n != 0 {
		t.Errorf("VariantsIn: %.0f allocations, want 0", n)
	}
}
