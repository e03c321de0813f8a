package campaign

// Wording is which of network n's own messages rotation v shows, counted
// from 1, when n rotates through several (its own list, or Default's when
// it has none); 0 when n has one message or none, so there is nothing to
// tell apart. Share links carry it in their source tag (x-2), so the
// console can say which wording brought people.
func (m ShareMessages) Wording(n Network, v int) int {
	t := m.own(n)
	if len(t) == 0 {
		t = m.Default
	}
	if len(t) < 2 || v < 0 {
		return 0
	}
	return v%len(t) + 1
}
