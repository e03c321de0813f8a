package formtoken

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// maximalLetter is the JSON a contact confirmation link seals for the
// longest letter allowed (5,000 characters) in Arabic-looking text: letters
// drawn pseudo-randomly (it compresses worse than a real letter) with a
// space every sixth character, two bytes a letter. English is the other
// case: one byte a letter, words from a small list.
func maximalLetter(arabic, cjk bool) []byte {
	letters := []rune("ابتثجحخدذرزسشصضطظعغفقكلمنهوي")
	if cjk {
		letters = []rune("的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明")
	}
	words := strings.Fields("the council must act now on the river we ask you to vote for clean water and safe streets for our children")
	var b strings.Builder
	x := uint32(1)
	for len([]rune(b.String())) < max(5000*bool2int(!cjk), 3000) {
		x = x*1664525 + 1013904223
		switch {
		case arabic && !cjk && len([]rune(b.String()))%6 == 5:
			b.WriteRune(' ')
		case arabic:
			b.WriteRune(letters[(x>>16)%uint32(len(letters))])
		default:
			w := words[(x>>16)%uint32(len(words))]
			if len([]rune(b.String()))+len(w)+1 > 5000 {
				return letterJSON(b.String())
			}
			b.WriteString(w + " ")
		}
	}
	return letterJSON(b.String())
}

func letterJSON(m string) []byte {
	plain, _ := json.Marshal(map[string]any{"p": "/o/c/contact/write-to-council", "t": "moss", "n": "أحمد الخطيب",
		"e": "ahmad.alkhatib@example.org", "s": "About the river", "m": m, "c": true, "x": 1796083200})
	return plain
}

// BenchmarkPackLevels measures DEFLATE at each level on a maximal letter:
// the CPU a contact POST spends sealing it, and the sealed link's length
// (base64 of the mark, the compressed JSON, nonce and tag), which must stay
// under 8,000 characters with the rest of the address. packLevel was
// chosen from these figures (bench/README.md, "Contact letters").
func BenchmarkPackLevels(b *testing.B) {
	for _, name := range []string{"arabic", "english", "chinese3000"} {
		plain := maximalLetter(name != "english", name == "chinese3000")
		for _, level := range []int{flate.HuffmanOnly, flate.BestSpeed, 2, 3, 4, 5, 6, 7, 8, flate.BestCompression} {
			b.Run(fmt.Sprintf("%s/level=%d", name, level), func(b *testing.B) {
				var buf bytes.Buffer
				w, _ := flate.NewWriter(&buf, level)
				for b.Loop() {
					buf.Reset()
					w.Reset(&buf) // a writer kept between letters, as packers pools them
					w.Write(plain)
					w.Close()
				}
				b.ReportMetric(float64(base64.RawURLEncoding.EncodedLen(1+buf.Len()+12+16)), "sealed-chars")
				b.ReportMetric(float64(len(plain)), "json-bytes")
			})
		}
	}
}

func bool2int(b bool) int {
	if b {
		return 1
	}
	return 0
}

// BenchmarkSealPacked is the whole of what a contact POST spends sealing a
// maximal letter: compressing, encrypting, encoding.
func BenchmarkSealPacked(b *testing.B) {
	s := NewSealer([]byte("0123456789abcdef0123456789abcdef"), "contact")
	for _, name := range []string{"arabic", "english"} {
		plain := maximalLetter(name == "arabic", false)
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s.SealPacked(plain)
			}
		})
	}
}
