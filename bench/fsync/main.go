// Command fsync measures how many durable appends per second the disk under
// a folder accepts: it appends a small record to a file and calls fsync,
// over and over, for a fixed duration, as a database's commit does. The
// signing benchmark prints this beside the signatures/s it measured, so the
// figure "signatures per fsync" shows what group commit buys.
//
//	go run ./bench/fsync -dir /path/on/the/same/disk -d 3s
//
// It prints one line: "fsync/s N (M fsyncs in D, p50 X ms, p99 Y ms)".
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"
)

func main() {
	dir := flag.String("dir", os.TempDir(), "`folder` on the disk to measure (the database's folder)")
	dur := flag.Duration("d", 3*time.Second, "how long to measure")
	size := flag.Int("size", 4096, "bytes appended before each fsync (one page)")
	flag.Parse()
	if err := measure(*dir, *dur, *size); err != nil {
		fmt.Fprintln(os.Stderr, "fsync:", err)
		os.Exit(1)
	}
}

func measure(dir string, dur time.Duration, size int) error {
	f, err := os.CreateTemp(dir, "fsync-*.bin")
	if err != nil {
		return err
	}
	name := f.Name()
	defer os.Remove(name)
	defer f.Close()
	// Make the file's own creation durable first, so the loop measures
	// appends only, as a WAL commit is.
	if err := f.Sync(); err != nil {
		return err
	}
	if d, err := os.Open(filepath.Dir(name)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	buf := make([]byte, size)
	var lat []time.Duration
	start := time.Now()
	for time.Since(start) < dur {
		t := time.Now()
		if _, err := f.Write(buf); err != nil {
			return err
		}
		if err := f.Sync(); err != nil {
			return err
		}
		lat = append(lat, time.Since(t))
	}
	el := time.Since(start)
	slices.Sort(lat)
	q := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	fmt.Printf("fsync/s %.0f (%d fsyncs of %d B in %.1fs, p50 %.2f ms, p99 %.2f ms)\n",
		float64(len(lat))/el.Seconds(), len(lat), size, el.Seconds(), q(0.50), q(0.99))
	return nil
}
