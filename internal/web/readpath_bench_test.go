package web

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"syscall"
	"testing"
	"time"
)

// BenchmarkReadPathHTTP serves the cached campaign page over loopback TCP
// through a real net/http server, as wrk asks for it (keep-alive, a Host
// and Accept-Encoding: gzip), to placard's whole stack (placard) and to a
// bare handler that writes the very same bytes and headers (bare), like
// bench/bare's GET mode. The difference between the two is what placard
// adds to net/http on the read path. Besides time it reports allocations
// and CPU time (user + system, the whole process: server and client) per
// request, which a machine busy with other work changes much less than
// wall time.
func BenchmarkReadPathHTTP(b *testing.B) {
	s := newTestServer(b)
	path := "/riverside/save-the-library"
	probe := httptest.NewRequest("GET", path, nil)
	probe.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, probe)
	if rec.Code != 200 {
		b.Fatalf("got %d", rec.Code)
	}
	body := bytes.Clone(rec.Body.Bytes())
	hdr := maps.Clone(rec.Header())
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range hdr {
			h[k] = v
		}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
	})
	for _, tc := range []struct {
		name string
		h    http.Handler
	}{{"placard", s}, {"bare", bare}} {
		b.Run(tc.name, func(b *testing.B) { benchHTTP(b, tc.h, path, len(body), tc.name == "placard") })
	}
}

// benchHTTP runs GET path against h over 8 keep-alive connections,
// served as serve serves placard when asPlacard (coalesce.go).
func benchHTTP(b *testing.B, h http.Handler, path string, wantLen int, asPlacard bool) {
	addr, stop := serveLikePlacard(b, h, asPlacard)
	defer stop()
	req := []byte(fmt.Sprintf("GET %s HTTP/1.1\r\nHost: %s\r\nAccept-Encoding: gzip\r\n\r\n", path, addr))
	const conns = 8
	type client struct {
		c  net.Conn
		br *bufio.Reader
	}
	clients := make([]client, conns)
	for i := range clients {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		clients[i] = client{c, bufio.NewReaderSize(c, 64<<10)}
	}
	one := func(cl client) error {
		if _, err := cl.c.Write(req); err != nil {
			return err
		}
		n, err := readResponse(cl.br)
		if err == nil && n != wantLen {
			err = fmt.Errorf("Content-Length %d, want %d", n, wantLen)
		}
		return err
	}
	for _, cl := range clients {
		if err := one(cl); err != nil {
			b.Fatal(err)
		}
	}
	var ru0, ru1 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	b.ReportAllocs()
	b.ResetTimer()
	var wg sync.WaitGroup
	per := b.N / conns
	errs := make(chan error, conns)
	for i, cl := range clients {
		n := per
		if i == 0 {
			n += b.N % conns
		}
		wg.Go(func() {
			for range n {
				if err := one(cl); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	close(errs)
	if err := <-errs; err != nil && err != io.EOF {
		b.Fatal(err)
	}
	cpu := time.Duration(ru1.Utime.Nano()-ru0.Utime.Nano()) + time.Duration(ru1.Stime.Nano()-ru0.Stime.Nano())
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
}
