package pagecache

// The gzip trailer of a spliced page is the CRC-32 of the plain page, which
// is not kept. A CRC-32 is linear over GF(2): the CRC-32 of A followed by B
// is crc(A) moved past len(B) bytes, XOR crc(B) (as zlib's crc32_combine).
// Moving past n bytes is a 32×32 bit matrix, computed once per piece, so a
// trailer costs a few matrix products instead of a pass over the page.

// crcShift is the operator that moves a CRC-32 (IEEE) past n zero bytes:
// column k is the image of bit k.
type crcShift [32]uint32

// apply returns m applied to crc.
func (m *crcShift) apply(crc uint32) uint32 {
	var sum uint32
	for i := 0; crc != 0; i, crc = i+1, crc>>1 {
		if crc&1 != 0 {
			sum ^= m[i]
		}
	}
	return sum
}

// then returns the operator that applies a, then m.
func (m *crcShift) then(a *crcShift) crcShift {
	var c crcShift
	for k := range c {
		c[k] = m.apply(a[k])
	}
	return c
}

// shiftBy returns the operator moving a CRC-32 past n bytes.
func shiftBy(n int) crcShift {
	// One zero bit: the reflected polynomial for bit 0, a shift for the rest.
	var bit crcShift
	bit[0] = 0xedb88320
	for k := 1; k < 32; k++ {
		bit[k] = 1 << (k - 1)
	}
	base := bit.then(&bit)  // 2 bits
	base = base.then(&base) // 4 bits
	base = base.then(&base) // one byte
	var res crcShift
	for k := range res {
		res[k] = 1 << k
	}
	for ; n > 0; n >>= 1 {
		if n&1 != 0 {
			res = base.then(&res)
		}
		base = base.then(&base)
	}
	return res
}
