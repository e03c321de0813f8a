package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

func TestPage(t *testing.T) {
	dir := t.TempDir()
	body, hdrs := filepath.Join(dir, "page.gz"), filepath.Join(dir, "page.headers")
	if err := os.WriteFile(body, []byte("GZIPPED"), 0o644); err != nil {
		t.Fatal(err)
	}
	dump := "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 99\r\nDate: Fri, 04 Dec 2026 19:12:03 GMT\r\nX-Frame-Options: DENY\r\n\r\n"
	if err := os.WriteFile(hdrs, []byte(dump), 0o644); err != nil {
		t.Fatal(err)
	}
	h, err := pageHandler(body, hdrs)
	if err != nil {
		t.Fatal(err)
	}
	r := httptest.NewRequest("GET", "/org/camp", nil)
	r.Header.Set("Accept-Encoding", "gzip")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 200 || w.Body.String() != "GZIPPED" || w.Header().Get("Content-Length") != "7" ||
		w.Header().Get("X-Frame-Options") != "DENY" || w.Header().Get("Date") != "" {
		t.Errorf("GET: %d %q %v", w.Code, w.Body, w.Header())
	}
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/org/camp", nil))
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: got %d", w.Code)
	}
}
