package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// The durable floor (-durable DIR): the bare handler, except that it
// answers only once the signature's bytes are on disk. Signatures are
// gathered by one writer goroutine, as placard's group commit gathers them:
// the writer takes every record queued since its last write, writes them
// with one pwrite and makes them durable with one fdatasync, then releases
// their handlers. Nothing is indexed, deduplicated, counted or read back.
//
// It is the least any server can do that acknowledges a signature only once
// it is kept, so the ratio durable ÷ bare that bench/sign.sh prints is the
// most a durable signing server can reach on the machine measured, and
// placard ÷ durable says how much of what is left is placard's own.
//
// To measure the floor and not the file system's bookkeeping, the log is a
// ring over a file written in full (zeros) and synced before the first
// request: a record overwrites blocks that are already allocated and
// initialised, so an fdatasync flushes data only, never the file's size or
// extents (as SQLite's write-ahead log does once it is reused). A record is
// therefore not kept for ever — after ringSize bytes it is overwritten — which
// is fine for a reference that must cost what keeping costs, not keep.

// ringSize is the length of the durable ring: 64 MiB, about 40 s of records
// at 20,000 signatures/s.
const ringSize = 64 << 20

// durableLog is the group commit of the durable floor.
type durableLog struct {
	f     *os.File
	queue chan *pending
	off   int64
	buf   []byte
}

// pending is one handler waiting for its record to be durable.
type pending struct {
	rec  []byte
	done chan error
}

var pendings = sync.Pool{New: func() any { return &pending{done: make(chan error, 1)} }}

// openDurable creates the ring in dir, fills it with zeros and syncs it,
// then starts the writer.
func openDurable(dir string) (*durableLog, error) {
	f, err := os.OpenFile(filepath.Join(dir, "bare-durable.log"), os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return nil, err
	}
	zeros := make([]byte, 1<<20)
	for off := int64(0); off < ringSize; off += int64(len(zeros)) {
		if _, err := f.WriteAt(zeros, off); err != nil {
			f.Close()
			return nil, err
		}
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	d := &durableLog{f: f, queue: make(chan *pending, 2048)}
	go d.run()
	return d, nil
}

// keep queues rec and waits until it is durable.
func (d *durableLog) keep(rec []byte) error {
	p := pendings.Get().(*pending)
	p.rec = rec
	d.queue <- p
	err := <-p.done
	p.rec = nil
	pendings.Put(p)
	return err
}

// run is the single writer: block for one record, take whatever else is
// queued, write and sync them together, release their handlers, repeat.
func (d *durableLog) run() {
	batch := make([]*pending, 0, 512)
	for p := range d.queue {
		batch = append(batch[:0], p)
	fill:
		for len(batch) < cap(batch) {
			select {
			case p := <-d.queue:
				batch = append(batch, p)
			default:
				break fill
			}
		}
		err := d.write(batch)
		for _, p := range batch {
			p.done <- err
		}
	}
}

// write appends the batch's records at the ring's current place (wrapping
// to the start when they would pass its end) and syncs them.
func (d *durableLog) write(batch []*pending) error {
	d.buf = d.buf[:0]
	for _, p := range batch {
		d.buf = append(d.buf, p.rec...)
	}
	if int64(len(d.buf)) > ringSize {
		return fmt.Errorf("batch of %d bytes is larger than the ring", len(d.buf))
	}
	if d.off+int64(len(d.buf)) > ringSize {
		d.off = 0
	}
	if _, err := d.f.WriteAt(d.buf, d.off); err != nil {
		return err
	}
	d.off += int64(len(d.buf))
	return datasync(d.f)
}
