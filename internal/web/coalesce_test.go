package web

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

// countingListener counts the writes to its connections.
type countingListener struct {
	net.Listener
	writes *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return countingConn{c, l.writes}, nil
}

type countingConn struct {
	net.Conn
	writes *atomic.Int64
}

func (c countingConn) Write(p []byte) (int, error) {
	c.writes.Add(1)
	return c.Conn.Write(p)
}

// wireServer serves h over loopback as serve does (coalescing when asked),
// counting the writes to its connections.
func wireServer(t *testing.T, h http.Handler, coalesce bool) (addr string, writes *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	writes = new(atomic.Int64)
	var served net.Listener = countingListener{ln, writes}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	if coalesce {
		served = CoalescingListener(served)
		hs.ConnContext = ConnContext
	}
	go func() { _ = hs.Serve(served) }()
	t.Cleanup(func() { hs.Close() })
	return ln.Addr().String(), writes
}

// rawExchange sends one request on c and returns the raw response.
func rawExchange(t *testing.T, c net.Conn, br *bufio.Reader, req string, head bool) []byte {
	t.Helper()
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	n, chunked := 0, false
	for {
		line, err := br.ReadBytes('\n')
		if err != nil {
			t.Fatalf("reading %q: %v", req, err)
		}
		out.Write(line)
		if len(line) <= 2 {
			break
		}
		if v, ok := bytes.CutPrefix(line, []byte("Content-Length: ")); ok {
			n, _ = strconv.Atoi(string(bytes.TrimSpace(v)))
		}
		if bytes.HasPrefix(line, []byte("Transfer-Encoding: chunked")) {
			chunked = true
		}
	}
	if head {
		return out.Bytes()
	}
	if chunked {
		t.Fatalf("%q: answered chunked", req)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(br, body); err != nil {
		t.Fatal(err)
	}
	out.Write(body)
	return out.Bytes()
}

var dateLine = regexp.MustCompile(`(?m)^Date: .*\r\n`)

// TestOneWritePerPage: over a real connection, a cached page (plain or
// with a signing form) leaves the server in one write, where net/http
// alone needs two for a page larger than its 4 KB buffer; and every
// response, on the read path or not, is byte for byte what it is without
// coalescing (but for its Date).
func TestOneWritePerPage(t *testing.T) {
	s := newSignEnv(t, openSQLite(t), nil).s
	plain, _ := wireServer(t, s, false)
	joined, writes := wireServer(t, s, true)
	conn := func(addr string) (net.Conn, *bufio.Reader) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c, bufio.NewReader(c)
	}
	pc, pbr := conn(plain)
	jc, jbr := conn(joined)
	get := func(method, target, extra string) string {
		return fmt.Sprintf("%s %s HTTP/1.1\r\nHost: act.example.org\r\nAccept-Encoding: gzip\r\n%s\r\n", method, target, extra)
	}
	page := rawExchange(t, jc, jbr, get("GET", libraryPage, ""), false)
	etag := regexp.MustCompile(`(?m)^Etag: (.*)\r$`).FindSubmatch(page)
	if etag == nil {
		t.Fatalf("no ETag in %q", page[:200])
	}
	for _, tc := range []struct {
		req       string
		head, one bool // one: must leave in one write
	}{
		{get("GET", libraryPage, ""), false, true},
		{get("GET", "/riverside", ""), false, true},
		{get("HEAD", libraryPage, ""), true, true},
		{get("GET", libraryPage, "If-None-Match: "+string(etag[1])+"\r\n"), true, true},
		{"GET " + libraryPage + " HTTP/1.1\r\nHost: act.example.org\r\n\r\n", false, false}, // inflated for a client without gzip
		{get("GET", libraryPage+"?src=qr", ""), false, false},
		{get("GET", "/riverside/nowhere", ""), false, false},
		{get("GET", libraryPage+"/", ""), false, false},
		{get("GET", "/healthz", ""), false, true},
	} {
		before := writes.Load()
		got := rawExchange(t, jc, jbr, tc.req, tc.head)
		n := writes.Load() - before
		want := rawExchange(t, pc, pbr, tc.req, tc.head)
		if !bytes.Equal(dateLine.ReplaceAll(got, nil), dateLine.ReplaceAll(want, nil)) {
			t.Errorf("%q: coalesced response differs:\n%q\nwant\n%q", tc.req, got[:min(len(got), 600)], want[:min(len(want), 600)])
		}
		if tc.one && n != 1 {
			t.Errorf("%q (%d bytes): %d writes, want 1", tc.req, len(got), n)
		}
		if !tc.one && n == 0 {
			t.Errorf("%q: nothing written", tc.req)
		}
	}
}
