package browsertest

import "testing"

// TestSameOrigin pins which requests count as the page's own: only the exact
// scheme, host and port, plus data: and about:blank, which never leave it.
func TestSameOrigin(t *testing.T) {
	const origin = "http://127.0.0.1:8080"
	for raw, want := range map[string]bool{
		"http://127.0.0.1:8080/static/app.js": true,
		"data:image/gif;base64,R0lGOD":        true,
		"about:blank":                         true,
		"http://127.0.0.1:8081/pixel.gif":     false,
		"https://127.0.0.1:8080/":             false,
		"http://localhost:8080/":              false,
		"https://fonts.example/a.woff2":       false,
		"http://%zz":                          false,
	} {
		if got := SameOrigin(origin, raw); got != want {
			t.Errorf("SameOrigin(%q, %q): got %v, want %v", origin, raw, got, want)
		}
	}
}
