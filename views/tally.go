package views

// barValue is the progress bar's value: Bar when the view model set it,
// else Count.
func barValue(t *Tally) int {
	if t.Bar > 0 {
		return t.Bar
	}
	return t.Count
}
