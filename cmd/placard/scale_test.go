package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"log/slog"

	"github.com/placard/placard/internal/campaign"
	"github.com/placard/placard/internal/store/sqlite"
	"github.com/placard/placard/internal/web"
)

// BenchmarkScaleReload measures a start and one reload (of the same files) of the campaigns folder
// named by PLACARD_SCALE_DIR (bench/scalegen writes one), as serve does
// them: the live heap once started, the heap's high-water mark during the
// reload, and the CPU seconds of each. PLACARD_SCALE_PROFILE, when set, is
// a folder to write the CPU profiles of the start and the reload to. It is
// skipped without PLACARD_SCALE_DIR: a measuring tool, not a check.
// PLACARD_SCALE_TOUCH=ORG/FILE.yaml changes that file in the folder before
// the reload (and puts it back after). PLACARD_SCALE_WARM reads every
// campaign page once before the reload and logs the heap then;
// PLACARD_SCALE_HEAPRATE samples the heap profiles every 4 KB.
func BenchmarkScaleReload(b *testing.B) {
	dir := os.Getenv("PLACARD_SCALE_DIR")
	if dir == "" {
		b.Fatal("PLACARD_SCALE_DIR names no campaigns folder (bench/scalegen writes one)")
	}
	t := b
	prof := os.Getenv("PLACARD_SCALE_PROFILE")
	if os.Getenv("PLACARD_SCALE_HEAPRATE") != "" {
		runtime.MemProfileRate = 4096 // heap profiles fine enough to tell a campaign's kilobytes apart
	}
	db, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "placard.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	measure := func(name string, f func()) {
		if prof != "" {
			out, err := os.Create(filepath.Join(prof, name+".cpu"))
			if err != nil {
				t.Fatal(err)
			}
			defer out.Close()
			if err := pprof.StartCPUProfile(out); err != nil {
				t.Fatal(err)
			}
			defer pprof.StopCPUProfile()
		}
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		gc0 := gcCPUSeconds()
		c0, t0 := cpuSeconds(), time.Now()
		f()
		wall, cpu := time.Since(t0).Seconds(), cpuSeconds()-c0
		runtime.ReadMemStats(&m1)
		t.Logf("%s: %.2f s, %.2f CPU s (collector %.2f), %.0f MB allocated, %d collections", name, wall, cpu,
			gcCPUSeconds()-gc0, float64(m1.TotalAlloc-m0.TotalAlloc)/1e6, m1.NumGC-m0.NumGC)
	}
	rl := &reloader{dir: dir, log: slog.New(slog.DiscardHandler)}
	measure("start", func() {
		// As serve's run does.
		rl.sums = sumFolders(dir)
		var loaded *campaign.Site
		web.Frugally(func() {
			var problems campaign.Problems
			loaded, problems = campaign.Load(dir)
			if problems.HasErrors() {
				t.Fatal(problems)
			}
		})
		rl.srv, err = web.New(web.Config{BaseURL: "https://act.example.org", Store: db}, loaded)
		if err != nil {
			t.Fatal(err)
		}
		rl.site.Store(loaded)
	})
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("live heap once started: %.1f MB (in use %.1f MB)", float64(ms.HeapAlloc)/1e6, float64(ms.HeapInuse)/1e6)
	if os.Getenv("PLACARD_SCALE_WARM") != "" {
		// Every campaign page read once, gzipped, as scale.sh's warm pass.
		measure("warm", func() {
			for _, o := range rl.site.Load().Orgs {
				for _, lang := range o.Langs() {
					for _, c := range o.In(lang).Campaigns {
						req := httptest.NewRequest(http.MethodGet, "/"+o.Slug+"/"+c.Slug, nil)
						req.Header.Set("Accept-Encoding", "gzip")
						rec := httptest.NewRecorder()
						rl.srv.ServeHTTP(rec, req)
						if rec.Code != http.StatusOK {
							t.Fatalf("%s: %d", req.URL.Path, rec.Code)
						}
					}
					break
				}
			}
		})
		runtime.ReadMemStats(&ms)
		t.Logf("heap after the warm pass: %.1f MB in use, %.1f MB held", float64(ms.HeapInuse)/1e6, float64(ms.HeapSys-ms.HeapReleased)/1e6)
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		t.Logf("live heap once warm: %.1f MB", float64(ms.HeapAlloc)/1e6)
		if prof != "" {
			writeHeapProfile(t, filepath.Join(prof, "warm.heap"))
		}
	}
	steady := ms.HeapAlloc
	if prof != "" {
		writeHeapProfile(t, filepath.Join(prof, "steady.heap"))
	}
	inUse := ms.HeapInuse
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if v := m.HeapSys - m.HeapReleased; v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	})
	if touch := os.Getenv("PLACARD_SCALE_TOUCH"); touch != "" {
		// One campaign file changed, as an organiser's edit does.
		f := filepath.Join(dir, touch)
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(f, append(slices.Clone(data), "\n# an edit\n"...), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.WriteFile(f, data, 0o644) })
	}
	measure("reload", func() {
		if !rl.reload("measure") {
			t.Fatal("the reload failed")
		}
	})
	close(stop)
	wg.Wait()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	if prof != "" {
		writeHeapProfile(t, filepath.Join(prof, "reloaded.heap"))
	}
	runtime.KeepAlive(rl)
	t.Logf("live heap %.1f MB (in use %.1f MB); reload peak heap %.1f MB = %.2f× in use; live after %.1f MB",
		float64(steady)/1e6, float64(inUse)/1e6, float64(peak.Load())/1e6, float64(peak.Load())/float64(inUse), float64(ms.HeapAlloc)/1e6)
}

// cpuSeconds is the user and system CPU time the process has used.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// gcCPUSeconds is the CPU time the garbage collector has used, as the
// runtime estimates it.
func gcCPUSeconds() float64 {
	s := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindFloat64 {
		return 0
	}
	return s[0].Value.Float64()
}

// writeHeapProfile writes the heap profile to name.
func writeHeapProfile(t testing.TB, name string) {
	out, err := os.Create(name)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if err := pprof.Lookup("heap").WriteTo(out, 0); err != nil {
		t.Fatal(err)
	}
}
