package acceptance

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// A phone the page weight is measured on: 390 CSS px wide (the width of
// common phones) at two device pixels per CSS pixel.
const (
	weightPhoneWidth, weightPhoneHeight = 390, 844
	weightPhoneDPR                      = 2
)

// maxPageWeight is what any example page may transfer in all on that
// phone (issue 12: ≤ 60 KB): the page, its stylesheet and scripts, and
// every picture once scrolled to the end, headers included.
const maxPageWeight = 60_000

// TestPageWeightOnAPhone loads every example page in Chromium as a 390 px
// phone at DPR 2 with the cache off, scrolls to the end so lazy pictures
// load too, and adds up what crossed the wire (the Resource Timing
// transferSize of the page and of every file it loaded): each page must
// come to at most maxPageWeight. It measures bytes, not time.
func TestPageWeightOnAPhone(t *testing.T) {
	b := startBrowser(t)
	s := startSite(t)
	heaviest, heaviestPage := 0, ""
	for _, p := range s.Pages {
		if p.Status != http.StatusOK {
			continue
		}
		t.Run(p.Name, func(t *testing.T) {
			total, files, err := phoneWeight(b.Context(), s.URL+p.Path)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s: %d bytes: %s", p.Path, total, strings.Join(files, ", "))
			if total > maxPageWeight {
				t.Errorf("%s transfers %d bytes on a %d px phone at DPR %d, want at most %d: %s",
					p.Path, total, weightPhoneWidth, weightPhoneDPR, maxPageWeight, strings.Join(files, ", "))
			}
			if total > heaviest {
				heaviest, heaviestPage = total, p.Path
			}
		})
	}
	t.Logf("heaviest: %s, %d bytes", heaviestPage, heaviest)
}

// phoneWeight loads addr as the phone, scrolled to the end, and returns
// the bytes transferred and, per file, its name and size, largest first.
func phoneWeight(parent context.Context, addr string) (int, []string, error) {
	ctx, cancel := context.WithTimeout(parent, 60*time.Second)
	defer cancel()
	err := chromedp.Do(ctx,
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			if _, err := cdp.Call(ctx, tg, network.Enable, network.EnableParams{}); err != nil {
				return err
			}
			_, err := cdp.Call(ctx, tg, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
			return err
		}),
		chromedp.EmulateViewport(weightPhoneWidth, weightPhoneHeight, chromedp.EmulateScale(weightPhoneDPR), chromedp.EmulateMobile),
		chromedp.Navigate(addr),
	)
	if err != nil {
		return 0, nil, fmt.Errorf("loading %s: %w", addr, err)
	}
	// Scroll to the end so lazy pictures are asked for, then wait until
	// every picture has arrived (polled, with the context's deadline).
	const settle = `(() => { window.scrollTo(0, document.body.scrollHeight);
		return document.readyState === 'complete' && Array.from(document.images).every(i => i.complete); })()`
	for {
		done, err := chromedp.Run(ctx, chromedp.Evaluate[bool](settle))
		if err != nil {
			return 0, nil, fmt.Errorf("waiting for %s: %w", addr, err)
		}
		if done {
			break
		}
		select {
		case <-ctx.Done():
			return 0, nil, fmt.Errorf("%s: pictures still loading: %w", addr, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
	const expr = `JSON.stringify([...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')]
		.map(e => ({name: e.name, size: e.transferSize})))`
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		return 0, nil, err
	}
	var entries []struct {
		Name string
		Size int
	}
	if err := json.Unmarshal([]byte(raw), &entries); err != nil {
		return 0, nil, err
	}
	slices.SortFunc(entries, func(a, b struct {
		Name string
		Size int
	}) int {
		return b.Size - a.Size
	})
	total := 0
	var files []string
	for _, e := range entries {
		total += e.Size
		name := e.Name
		if i := strings.LastIndex(name, "/"); i >= 0 && strings.Contains(name, "/static/") {
			name = name[i+1:]
		}
		files = append(files, fmt.Sprintf("%s %d", name, e.Size))
	}
	return total, files, nil
}
