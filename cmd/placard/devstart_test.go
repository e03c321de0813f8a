package main

import (
	"bufio"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeDevStartsBroken: under --dev a file with a mistake at start no
// longer stops the preview: it starts, its overlay (the first event of
// /_dev/events) lists the problem, and the first good save loads the
// files.
func TestServeDevStartsBroken(t *testing.T) {
	dir := copyTestdata(t)
	file := filepath.Join(dir, "quiet-league", "listen-in.yaml")
	plant(t, file, "title: Listen in", "titel: Listen in")
	base, _ := startServeLogs(t, dir, "--dev")

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/_dev/events", nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(res.Body)
	var event, data string
	for sc.Scan() && (event == "" || data == "") {
		if v, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
			event = v
		} else if v, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			data = v
		}
	}
	res.Body.Close()
	if event != "problems" || !strings.Contains(data, "titel") {
		t.Fatalf("first dev event = %q %q, want the problem with titel", event, data)
	}

	plant(t, file, "titel: Listen in", "title: Listen in")
	later := time.Now().Add(2 * time.Second)
	if err := os.Chtimes(file, later, later); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, body := fetch(t, base+"/quiet-league/listen-in")
		if res.StatusCode == 200 && strings.Contains(body, "Listen in") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the fixed file was not loaded within 20s: %d", res.StatusCode)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
