package mail

import (
	"net"

	"golang.org/x/sys/unix"
)

// peerHungUp reports whether the other end of c has closed or reset the
// connection: its TCP state is no longer ESTABLISHED (a FIN makes it
// CLOSE_WAIT, a reset CLOSE). A write to such a connection still
// succeeds once — the kernel takes the bytes, the peer discards them —
// so without this check a relay that hung up in the middle of a
// message's body would read as one that took the whole message and did
// not answer (TestMaybeSentExact).
func peerHungUp(c net.Conn) bool {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return false
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return false
	}
	hung := false
	_ = rc.Control(func(fd uintptr) {
		info, err := unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
		hung = err == nil && info.State != tcpEstablished
	})
	return hung
}

// tcpEstablished is Linux's TCP_ESTABLISHED (include/net/tcp_states.h).
const tcpEstablished = 1
