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
	b, err := exchange(c, br, req, head)
	if err != nil {
		t.Fatalf("%q: %v", req, err)
	}
	return b
}

// exchange is rawExchange for any goroutine.
func exchange(c net.Conn, br *bufio.Reader, req string, head bool) ([]byte, error) {
	if _, err := io.WriteString(c, req); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	n, chunked := 0, false
	for {
		line, err := br.ReadBytes('\n')
		if err != nil {
			return nil, err
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
		return out.Bytes(), nil
	}
	if chunked {
		return nil, fmt.Errorf("answered chunked")
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(br, body); err != nil {
		return nil, err
	}
	out.Write(body)
	return out.Bytes(), nil
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
		{"GET " + libraryPage + " HTTP/1.0\r\nConnection: keep-alive\r\nAccept-Encoding: gzip\r\n\r\n", false, true},
		{get("GET", libraryPage, "Content-Length: 5\r\n") + "hello", false, true}, // a GET with a body
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

// TestCoalescedConcurrent: many keep-alive connections at once, each
// mixing read-path pages (gzip and not, HEAD) with other responses, all
// get whole, correct responses (run with -race).
func TestCoalescedConcurrent(t *testing.T) {
	s := newTestServer(t)
	addr, _ := wireServer(t, s, true)
	reqs := []struct {
		req  string
		head bool
		want int
	}{
		{"GET " + libraryPage + " HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n", false, 200},
		{"GET " + libraryPage + " HTTP/1.1\r\nHost: x\r\n\r\n", false, 200},
		{"HEAD /riverside HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n", true, 200},
		{"GET /riverside/nowhere HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n", false, 404},
		{"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", false, 200},
	}
	first := map[string][]byte{}
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	for _, r := range reqs {
		first[r.req] = dateLine.ReplaceAll(rawExchange(t, c, br, r.req, r.head), nil)
	}
	c.Close()
	done := make(chan struct{})
	for g := range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			br := bufio.NewReader(c)
			for i := range 40 {
				r := reqs[(g+i)%len(reqs)]
				got, err := exchange(c, br, r.req, r.head)
				if err != nil {
					t.Errorf("%q: %v", r.req, err)
					return
				}
				got = dateLine.ReplaceAll(got, nil)
				if !bytes.HasPrefix(got, []byte("HTTP/1.1 "+strconv.Itoa(r.want))) || !bytes.Equal(got, first[r.req]) {
					t.Errorf("%q: got %q…", r.req, got[:min(len(got), 120)])
					return
				}
			}
		}()
	}
	for range 8 {
		<-done
	}
}

// sinkConn is a connection that keeps what is written to it.
type sinkConn struct {
	net.Conn
	sent bytes.Buffer
}

func (c *sinkConn) Write(p []byte) (int, error) { return c.sent.Write(p) }

// TestHeldBounded: a response larger than maxHeld is not held whole — at
// no time does a connection hold more than 16 KB — and its bytes still
// leave in order. A slow reader keeps what is held until it has read it,
// so what one connection may hold is what a crowd of them multiplies.
func TestHeldBounded(t *testing.T) {
	sink := &sinkConn{}
	c := &coalescingConn{Conn: sink}
	c.hold()
	var want bytes.Buffer
	chunk := bytes.Repeat([]byte("x"), 4<<10)
	for i := range 12 {
		chunk[0] = byte('a' + i)
		if _, err := c.Write(chunk); err != nil {
			t.Fatal(err)
		}
		want.Write(chunk)
		if c.held != nil && len(*c.held) > 16<<10 {
			t.Fatalf("after %d KB written, the connection holds %d bytes: want at most 16 KB", (i+1)*4, len(*c.held))
		}
	}
	if err := c.release(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(sink.sent.Bytes(), want.Bytes()) {
		t.Fatalf("sent %d bytes, not the %d written in order", sink.sent.Len(), want.Len())
	}
}
