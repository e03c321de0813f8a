// Command bare is the reference bench/sign.sh measures placard's signing
// against: a bare net/http server whose one handler parses the same signing
// form POST that bench/sign.lua sends and answers 303 to the thank-you page,
// as placard does, but stores nothing. What placard does on top of this
// (checks, the form token, the durable commit, the personal link) is what
// the ratio placard ÷ bare measures.
//
//	go run ./bench/bare -addr 127.0.0.1:0
//
// It prints one line, "bare: listening on http://HOST:PORT", once it accepts
// connections, and serves until it is killed.
//
// The handler accepts POST to any path ending in /sign. It reads the body
// with ParseForm (application/x-www-form-urlencoded, as a browser with
// JavaScript off sends it), requires the fields placard requires (action,
// name, email, consent and token, with the honeypot homepage empty) and
// answers 303 See Other with Location PATH-without-/sign + /thanks?outcome=signed
// and Cache-Control no-store, as placard does; anything else is 400, 404, 405
// or 422.
//
// With -durable DIR it is the durable floor (durable.go): the same handler,
// answering only once the signature's bytes are synced to disk.
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:0", "`host:port` to listen on; port 0 picks a free port")
	page := flag.String("page", "", "GET mode: serve this `file` (a saved gzip page) to every GET (page.go)")
	headers := flag.String("headers", "", "GET mode: the page's response headers, as curl -D saves them")
	durable := flag.String("durable", "", "durable floor: answer each signature only once its bytes are synced to a log in this `folder` (durable.go)")
	flag.Parse()
	var handler http.Handler = http.HandlerFunc(sign)
	if *durable != "" {
		d, err := openDurable(*durable)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bare:", err)
			os.Exit(1)
		}
		handler = signDurably(d)
	}
	if *page != "" {
		var err error
		if handler, err = pageHandler(*page, *headers); err != nil {
			fmt.Fprintln(os.Stderr, "bare:", err)
			os.Exit(1)
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bare:", err)
		os.Exit(1)
	}
	fmt.Printf("bare: listening on http://%s\n", ln.Addr())
	hs := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	if err := hs.Serve(ln); err != nil {
		fmt.Fprintln(os.Stderr, "bare:", err)
		os.Exit(1)
	}
}

// required are the form fields a signature needs.
var required = []string{"action", "name", "email", "consent", "token"}

// sign parses a signing form POST and answers 303 to the thank-you page.
func sign(w http.ResponseWriter, r *http.Request) { signKept(w, r, nil) }

// signDurably is sign answering only once the signature is in d.
func signDurably(d *durableLog) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { signKept(w, r, d) }
}

// signKept is sign; with d, the 303 waits until the signature's record
// (its fields, one line) is durable in d.
func signKept(w http.ResponseWriter, r *http.Request, d *durableLog) {
	page, ok := strings.CutSuffix(r.URL.Path, "/sign")
	if !ok {
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	for _, k := range required {
		if strings.TrimSpace(r.PostForm.Get(k)) == "" {
			http.Error(w, "missing "+k, http.StatusUnprocessableEntity)
			return
		}
	}
	if r.PostForm.Get("homepage") != "" {
		http.Error(w, "not signed", http.StatusUnprocessableEntity)
		return
	}
	if d != nil {
		f := r.PostForm
		rec := make([]byte, 0, 128)
		for _, k := range required {
			rec = append(rec, f.Get(k)...)
			rec = append(rec, '\t')
		}
		rec[len(rec)-1] = '\n'
		if err := d.keep(rec); err != nil {
			http.Error(w, "not kept", http.StatusServiceUnavailable)
			return
		}
	}
	h := w.Header()
	h.Set("Location", page+"/thanks?outcome=signed")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusSeeOther)
}
