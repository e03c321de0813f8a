package main

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"net/textproto"
	"os"
	"strings"
)

// pageHandler is bare's GET mode, the reference for bench/pages.sh: it
// answers every GET or HEAD with the body in bodyFile (the saved gzip
// response of a campaign page) and the headers in headerFile (curl -D's
// dump of the same response), set as pre-built values straight into the
// header map, in one Write. What placard does on top of this (routing,
// middleware, choosing the page and its encoding, revalidation) is what the
// ratio placard ÷ bare measures; net/http's own cost is in both.
func pageHandler(bodyFile, headerFile string) (http.Handler, error) {
	body, err := os.ReadFile(bodyFile)
	if err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(headerFile)
	if err != nil {
		return nil, err
	}
	tp := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw)))
	if _, err := tp.ReadLine(); err != nil { // the status line
		return nil, fmt.Errorf("%s: %v", headerFile, err)
	}
	hdr, err := tp.ReadMIMEHeader()
	if err != nil && len(hdr) == 0 {
		return nil, fmt.Errorf("%s: %v", headerFile, err)
	}
	// net/http writes its own Date; the length is the body's.
	delete(hdr, "Date")
	hdr["Content-Length"] = []string{fmt.Sprint(len(body))}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		for k, v := range hdr {
			h[k] = v
		}
		if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			http.Error(w, "bare serves the gzip copy only", http.StatusNotAcceptable)
			return
		}
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodGet {
			_, _ = w.Write(body)
		}
	}), nil
}
