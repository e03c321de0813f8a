package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// form is the body bench/sign.lua sends, for one request.
const form = "action=petition&name=Bench+Signer&email=run-t1-1%40bench.example&consent=yes&token=abc&homepage="

func TestSign(t *testing.T) {
	for _, tc := range []struct {
		method, path, body string
		code               int
		location           string
	}{
		{"POST", "/org/camp/sign", form, http.StatusSeeOther, "/org/camp/thanks?outcome=signed"},
		{"POST", "/org/camp/sign", strings.Replace(form, "consent=yes", "consent=", 1), http.StatusUnprocessableEntity, ""},
		{"POST", "/org/camp/sign", form + "x", http.StatusUnprocessableEntity, ""},
		{"GET", "/org/camp/sign", "", http.StatusMethodNotAllowed, ""},
		{"POST", "/org/camp", form, http.StatusNotFound, ""},
	} {
		r := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		sign(w, r)
		if w.Code != tc.code || w.Header().Get("Location") != tc.location {
			t.Errorf("%s %s %q: %d Location %q, want %d %q", tc.method, tc.path, tc.body, w.Code, w.Header().Get("Location"), tc.code, tc.location)
		}
	}
}

// TestSignDurably: the durable floor answers as bare does, and a signature
// it answered is in its log.
func TestSignDurably(t *testing.T) {
	dir := t.TempDir()
	d, err := openDurable(dir)
	if err != nil {
		t.Fatal(err)
	}
	h := signDurably(d)
	for i, email := range []string{"a%40bench.example", "b%40bench.example"} {
		r := httptest.NewRequest("POST", "/org/camp/sign", strings.NewReader(strings.Replace(form, "run-t1-1%40bench.example", email, 1)))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		w := httptest.NewRecorder()
		h(w, r)
		if w.Code != http.StatusSeeOther {
			t.Fatalf("signature %d: %d, want 303", i, w.Code)
		}
	}
	r := httptest.NewRequest("POST", "/org/camp/sign", strings.NewReader(strings.Replace(form, "consent=yes", "consent=", 1)))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := httptest.NewRecorder()
	h(w, r)
	if w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("no consent: %d, want 422", w.Code)
	}
	b, err := os.ReadFile(filepath.Join(dir, "bare-durable.log"))
	if err != nil {
		t.Fatal(err)
	}
	want := "petition\tBench Signer\ta@bench.example\tyes\tabc\npetition\tBench Signer\tb@bench.example\tyes\tabc\n"
	if got := string(b[:len(want)]); got != want {
		t.Errorf("log starts %q, want %q", got, want)
	}
	if len(b) != ringSize {
		t.Errorf("log is %d bytes, want the %d-byte ring", len(b), ringSize)
	}
}
