package site

import (
	"bytes"
	"compress/flate"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/placard/placard/internal/i18n"
	"github.com/placard/placard/views"
)

// A signing campaign's page is rendered again whenever its figures change
// (the tally watcher) and its region variants on first demand, long after
// the build. The props those renderings start from are kept packed: JSON,
// deflated, about a fifth of their size in the heap (issue 12: props were
// 13 KB of each campaign's 73 KB). Region props are deflated with the
// main props' JSON as the dictionary, so a region costs what differs.
//
// Packing round-trips every exported field (nil and empty slices stay
// apart); Page.L, the page's Localizer, is not packed but set again to
// the campaign's on unpacking. TestSigningRecordsRenderSame checks that
// pages rendered from unpacked props are the pages rendered at build.

// signingRecord is what a signing campaign's re-rendering needs: its page
// props and those of its other share-message renderings.
type signingRecord struct {
	Main      views.CampaignPageProps
	Rotations []views.CampaignPageProps `json:",omitempty"`
}

// pack deflates v's JSON with dictionary dict (nil for none) and returns
// the packed bytes and, when plainToo, the JSON itself. Without it the
// JSON is encoded straight into the deflater, never copied out (issue 12:
// a copy of every record was 3% of what a build allocated).
func pack(v any, dict []byte, plainToo bool) (packed, plain []byte, err error) {
	if plainToo {
		if plain, err = json.Marshal(v); err != nil {
			return nil, nil, err
		}
	}
	var buf bytes.Buffer
	var w *flate.Writer
	if dict == nil {
		w = getPacker()
		defer putPacker(w)
		w.Reset(&buf)
	} else if w, err = flate.NewWriterDict(&buf, packLevel, dict); err != nil {
		return nil, nil, err
	}
	if plainToo {
		_, err = w.Write(plain)
	} else {
		err = json.NewEncoder(w).Encode(v) // the same JSON and a newline, which inflate's readers skip
	}
	if err != nil {
		return nil, nil, err
	}
	if err := w.Close(); err != nil {
		return nil, nil, err
	}
	return bytes.Clone(buf.Bytes()), plain, nil
}

// packLevel is the deflate level of packed props: the fastest, since
// every signing campaign is packed at each build. The examples' records
// are 14% larger than at the default level, whose packing took a fifth of
// a build's time.
const packLevel = flate.BestSpeed

// packers are deflaters without a dictionary, reused through a build.
// Not a sync.Pool: a build collects garbage every few milliseconds (its
// GOGC is low), and each collection emptied the pool, so packing made a
// new 1.2 MB deflater again and again (4% of what a start of 1,000
// campaigns allocated). Compile lets them go at its end (dropPackers).
var packers struct {
	mu   sync.Mutex
	free []*flate.Writer
}

// maxPackers is how many idle deflaters are kept: one per core packing.
const maxPackers = 8

// getPacker returns an idle deflater, or a new one.
func getPacker() *flate.Writer {
	packers.mu.Lock()
	if n := len(packers.free); n > 0 {
		w := packers.free[n-1]
		packers.free = packers.free[:n-1]
		packers.mu.Unlock()
		return w
	}
	packers.mu.Unlock()
	w, _ := flate.NewWriter(nil, packLevel)
	return w
}

// putPacker keeps w for the next getPacker.
func putPacker(w *flate.Writer) {
	packers.mu.Lock()
	if len(packers.free) < maxPackers {
		packers.free = append(packers.free, w)
	}
	packers.mu.Unlock()
}

// dropPackers lets the idle deflaters go, between builds.
func dropPackers() {
	packers.mu.Lock()
	packers.free = nil
	packers.mu.Unlock()
}

// inflate is the JSON that pack deflated with dict.
func inflate(packed, dict []byte) ([]byte, error) {
	r := flate.NewReaderDict(bytes.NewReader(packed), dict)
	defer r.Close()
	return io.ReadAll(r)
}

// packRecord packs lc's props, rotations and region variants, which it
// then no longer holds.
func (lc *SigningCampaign) packRecord(main views.CampaignPageProps, rotations []views.CampaignPageProps, regions map[string]views.CampaignPageProps) error {
	var rec signingRecord
	var err error
	if rec.Main, err = withoutL(main, lc.Loc); err != nil {
		return fmt.Errorf("packing the props of %s: %w", lc.Path, err)
	}
	for _, p := range rotations {
		if p, err = withoutL(p, lc.Loc); err != nil {
			return fmt.Errorf("packing the props of %s: %w", lc.Path, err)
		}
		rec.Rotations = append(rec.Rotations, p)
	}
	packed, plain, err := pack(rec, nil, len(regions) > 0)
	if err != nil {
		return fmt.Errorf("packing the props of %s: %w", lc.Path, err)
	}
	lc.record = packed
	if len(regions) == 0 {
		return nil
	}
	dict := dictOf(plain)
	lc.Regions = make(map[string][]byte, len(regions))
	for region, p := range regions {
		if p, err = withoutL(p, lc.Loc); err != nil {
			return fmt.Errorf("packing the props of %s for region %s: %w", lc.Path, region, err)
		}
		if lc.Regions[region], _, err = pack(p, dict, false); err != nil {
			return fmt.Errorf("packing the props of %s for region %s: %w", lc.Path, region, err)
		}
	}
	return nil
}

// dictOf is the part of plain a deflate dictionary uses: its last 32 KB.
func dictOf(plain []byte) []byte {
	const window = 32 << 10
	if len(plain) > window {
		return plain[len(plain)-window:]
	}
	return plain
}

// unpack returns the props packRecord packed, and the record's JSON (the
// dictionary of the region variants').
func (lc *SigningCampaign) unpack() (signingRecord, []byte, error) {
	var rec signingRecord
	plain, err := inflate(lc.record, nil)
	if err != nil {
		return rec, nil, fmt.Errorf("unpacking the props of %s: %w", lc.Path, err)
	}
	if err := json.Unmarshal(plain, &rec); err != nil {
		return rec, nil, fmt.Errorf("unpacking the props of %s: %w", lc.Path, err)
	}
	rec.Main.Page.L = lc.Loc
	for i := range rec.Rotations {
		rec.Rotations[i].Page.L = lc.Loc
	}
	return rec, plain, nil
}

// unpackMain returns the page's own props of lc's record, without
// decoding the other share-message renderings'.
func (lc *SigningCampaign) unpackMain() (views.CampaignPageProps, error) {
	var rec struct{ Main views.CampaignPageProps }
	plain, err := inflate(lc.record, nil)
	if err != nil {
		return rec.Main, fmt.Errorf("unpacking the props of %s: %w", lc.Path, err)
	}
	if err := json.Unmarshal(plain, &rec); err != nil {
		return rec.Main, fmt.Errorf("unpacking the props of %s: %w", lc.Path, err)
	}
	rec.Main.Page.L = lc.Loc
	return rec.Main, nil
}

// regionProps returns the props of lc's variant for region (lower-cased);
// ok is false when lc has no such region.
func (lc *SigningCampaign) regionProps(region string) (p views.CampaignPageProps, ok bool, err error) {
	packed, ok := lc.Regions[region]
	if !ok {
		return p, false, nil
	}
	main, err := inflate(lc.record, nil)
	if err != nil {
		return p, true, fmt.Errorf("unpacking the props of %s: %w", lc.Path, err)
	}
	plain, err := inflate(packed, dictOf(main))
	if err != nil {
		return p, true, fmt.Errorf("unpacking the props of %s for region %s: %w", lc.Path, region, err)
	}
	if err := json.Unmarshal(plain, &p); err != nil {
		return p, true, fmt.Errorf("unpacking the props of %s for region %s: %w", lc.Path, region, err)
	}
	p.Page.L = lc.Loc
	return p, true, nil
}

// withoutL is p without its Localizer, which is not packed: unpacking sets
// loc, the campaign's, again, so p's must be that one.
func withoutL(p views.CampaignPageProps, loc *i18n.Localizer) (views.CampaignPageProps, error) {
	if p.Page.L != nil && p.Page.L != loc {
		return p, errors.New("a page's localizer is not its campaign's")
	}
	p.Page.L = nil
	return p, nil
}

// packThanks packs lc's thank-you props, which it then no longer holds
// (a campaign's two weighed as much as its page's packed props).
func (lc *SigningCampaign) packThanks() error {
	rec := make(map[string]views.ThanksPageProps, len(lc.thanks))
	for o, tp := range lc.thanks {
		if tp.Page.L != nil && tp.Page.L != lc.Loc {
			return fmt.Errorf("packing the thank-you props of %s: a page's localizer is not its campaign's", lc.Path)
		}
		tp.Page.L = nil
		rec[o] = tp
	}
	packed, _, err := pack(rec, nil, false)
	if err != nil {
		return fmt.Errorf("packing the thank-you props of %s: %w", lc.Path, err)
	}
	lc.thanksRecord, lc.thanks = packed, nil
	return nil
}

// ThanksProps returns the props of lc's thank-you page for outcome, for
// a new signer's personal thank-you page; ok is false when there is no
// such outcome. Every signer's browser asks for that page after signing,
// and unpacking the props cost more than rendering it (BenchmarkPersonalThanks),
// so they are kept once unpacked: only a campaign someone has signed
// since the build (a claim is needed to reach the page) holds them again.
func (lc *SigningCampaign) ThanksProps(outcome string) (tp views.ThanksPageProps, ok bool, err error) {
	if lc.thanks != nil { // the build, before packing
		tp, ok = lc.thanks[outcome]
		return tp, ok, nil
	}
	rec := lc.thanksKept.Load()
	if rec == nil {
		m, err := lc.unpackThanks()
		if err != nil {
			return tp, false, err
		}
		rec = &m
		lc.thanksKept.Store(rec)
	}
	tp, ok = (*rec)[outcome]
	if ok {
		tp.Page.L = lc.Loc
	}
	return tp, ok, nil
}

// thanksPageProps returns the props of lc's thank-you page for outcome,
// for its rendering on first request: unpacked and not kept, since anyone
// may ask for any campaign's thank-you page once.
func (lc *SigningCampaign) thanksPageProps(outcome string) (tp views.ThanksPageProps, ok bool, err error) {
	if lc.thanks != nil {
		tp, ok = lc.thanks[outcome]
		return tp, ok, nil
	}
	if rec := lc.thanksKept.Load(); rec != nil {
		tp, ok = (*rec)[outcome]
	} else {
		rec, err := lc.unpackThanks()
		if err != nil {
			return tp, false, err
		}
		tp, ok = rec[outcome]
	}
	if ok {
		tp.Page.L = lc.Loc
	}
	return tp, ok, nil
}

// unpackThanks unpacks lc's thank-you props by outcome, without their
// localizer.
func (lc *SigningCampaign) unpackThanks() (map[string]views.ThanksPageProps, error) {
	plain, err := inflate(lc.thanksRecord, nil)
	if err != nil {
		return nil, fmt.Errorf("unpacking the thank-you props of %s: %w", lc.Path, err)
	}
	var rec map[string]views.ThanksPageProps
	if err := json.Unmarshal(plain, &rec); err != nil {
		return nil, fmt.Errorf("unpacking the thank-you props of %s: %w", lc.Path, err)
	}
	return rec, nil
}
