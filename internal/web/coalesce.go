package web

import (
	"context"
	"io"
	"net"
	"net/http"
	"sync"
)

// One write per page. net/http buffers a connection's output in 4 KB: a
// cached campaign page (its headers ≈ 0.9 KB and a gzip body of 6 KB)
// leaves in two write system calls, and each is a trip through the kernel's
// TCP stack and, on loopback or to a reverse proxy, a wake-up of the reader
// for each half. On the read path, nearly all of the server's time is
// those two trips (a profile under wrk: 40% in write, half of it the
// second one). nginx sends a page in one.
//
// CoalescingListener wraps the listener's connections so that the read
// path can hold a response's writes and send them in one write once the
// page is complete: readPathHandler turns holding on, serves the page,
// flushes net/http's buffers into the held bytes and sends them. Nothing
// else ever holds, so every other response is written as before.

// CoalescingListener returns ln with connections the read path can send
// a page through in one write. Serve it with ConnContext set to
// ConnContext, so that handlers find their connection.
func CoalescingListener(ln net.Listener) net.Listener {
	return coalescingListener{ln}
}

type coalescingListener struct{ net.Listener }

func (l coalescingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &coalescingConn{Conn: c}, nil
}

// connKey is the context key under which ConnContext keeps a connection.
type connKey struct{}

// ConnContext is http.Server.ConnContext for a CoalescingListener: it
// keeps each connection in its requests' context for the read path.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if cc, ok := c.(*coalescingConn); ok {
		return context.WithValue(ctx, connKey{}, cc)
	}
	return ctx
}

// coalescingConn is a connection whose writes can be held and sent as one.
// net/http writes to an HTTP/1 connection only from the goroutine serving
// its current request, so holding needs no lock.
type coalescingConn struct {
	net.Conn
	held *[]byte // non-nil while holding
}

// maxHeld bounds what one response may hold; past it the bytes are sent
// as they come. A held response stays in memory until the client has
// taken it (up to the write timeout), so a crowd of slow readers holds
// maxHeld each: 16 KB covers every gzipped page with its headers (6–10 KB)
// and keeps that at what one pooled buffer already takes, where 64 KB let
// a large plain page hold four times more per connection.
const maxHeld = 16 << 10

// heldBufs are the buffers of responses being held, shared by every
// connection: a connection holds one only while it writes a page.
var heldBufs = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// Write sends p, or adds it to the held bytes.
func (c *coalescingConn) Write(p []byte) (int, error) {
	if c.held == nil {
		return c.Conn.Write(p)
	}
	if len(*c.held)+len(p) > maxHeld {
		if err := c.release(); err != nil {
			return 0, err
		}
		return c.Conn.Write(p)
	}
	*c.held = append(*c.held, p...)
	return len(p), nil
}

// hold starts holding writes.
func (c *coalescingConn) hold() {
	if c.held == nil {
		c.held = heldBufs.Get().(*[]byte)
	}
}

// release stops holding and sends the held bytes in one write.
func (c *coalescingConn) release() error {
	b := c.held
	if b == nil {
		return nil
	}
	c.held = nil
	var err error
	if len(*b) > 0 {
		_, err = c.Conn.Write(*b)
	}
	*b = (*b)[:0]
	heldBufs.Put(b)
	return err
}

// CloseWrite half-closes the connection as net/http does before closing
// one it answered with an error (a *net.TCPConn's CloseWrite).
func (c *coalescingConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// ReadFrom keeps the TCP connection's own ReadFrom (sendfile, splice),
// which net/http uses when it copies a file to a response.
func (c *coalescingConn) ReadFrom(r io.Reader) (int64, error) {
	if err := c.release(); err != nil {
		return 0, err
	}
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(c.Conn, r)
}

// serveCoalesced serves r with page, sending the response in one write
// when r came through a CoalescingListener. The page's buffered bytes are
// flushed inside the handler only when it set Content-Length (every
// cached page does): a response without one is left for net/http to
// finish, as it would have, so its framing never changes.
func serveCoalesced(page http.Handler, w http.ResponseWriter, r *http.Request) {
	c, _ := r.Context().Value(connKey{}).(*coalescingConn)
	if c == nil || r.ProtoMajor != 1 {
		page.ServeHTTP(w, r)
		return
	}
	c.hold()
	defer func() { _ = c.release() }()
	page.ServeHTTP(w, r)
	if f, ok := w.(http.Flusher); ok && w.Header()["Content-Length"] != nil {
		f.Flush()
	}
}
