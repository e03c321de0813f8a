//go:build !linux

package mail

import "net"

// peerHungUp cannot tell here whether the relay hung up before a write
// (hungup_linux.go): a write to a relay that hung up mid-body then goes
// out, and its failure reads as MaybeSent — the cautious side (the
// pace turn is kept).
func peerHungUp(net.Conn) bool { return false }
