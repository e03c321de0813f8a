package main

import (
	"net/http"
	"net/http/httptest"
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
