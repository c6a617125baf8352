package storage

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
)

// The bbolt file format, read in plain Go with every offset checked, so
// that a damaged file gives errors, never a panic or a fault: bbolt itself
// trusts the file and, with NoFreelistSync, walks every page at open in a
// goroutine of its own, where a panic cannot be recovered. The layout is
// that of go.etcd.io/bbolt/internal/common (bbolt 1.3 to 1.5, format 2),
// in the byte order of the machine that wrote it (little endian on every
// machine the kiosk runs on).

const (
	boltMagic   = 0xED0CDAED
	boltVersion = 2

	pageHeaderSize = 16 // id uint64, flags uint16, count uint16, overflow uint32
	elementSize    = 16 // branch: pos, ksize uint32, pgid uint64; leaf: flags, pos, ksize, vsize uint32
	bucketHeader   = 16 // root pgid uint64, sequence uint64; an inline bucket's page follows
	metaSize       = 64 // the meta struct; the checksum is its last 8 bytes

	branchFlag   = 0x01
	leafFlag     = 0x02
	metaFlag     = 0x04
	freelistFlag = 0x10
	bucketLeaf   = 0x01 // a leaf element that is a bucket

	noFreelist = ^uint64(0) // the meta's freelist when it is not written (NoFreelistSync)
)

var order = binary.LittleEndian

// meta is one of the two meta pages: bbolt uses the valid one with the
// higher transaction id.
type meta struct {
	page     uint64 // 0 or 1
	pageSize uint32
	root     uint64 // the root bucket's page
	freelist uint64
	pgid     uint64 // the high water mark: pages in use are below it
	txid     uint64
	err      error // why it is not valid, nil when it is
}

// parseMeta reads the meta struct of a page that starts at buf.
func parseMeta(buf []byte, page uint64) meta {
	m := meta{page: page}
	if len(buf) < pageHeaderSize+metaSize {
		m.err = fmt.Errorf("meta page %d: cut short", page)
		return m
	}
	b := buf[pageHeaderSize : pageHeaderSize+metaSize]
	m.pageSize = order.Uint32(b[8:])
	m.root = order.Uint64(b[16:])
	m.freelist = order.Uint64(b[32:])
	m.pgid = order.Uint64(b[40:])
	m.txid = order.Uint64(b[48:])
	h := fnv.New64a()
	h.Write(b[:56])
	switch {
	case order.Uint32(b[0:]) != boltMagic:
		m.err = fmt.Errorf("meta page %d: not a bbolt meta page (magic %#x)", page, order.Uint32(b[0:]))
	case order.Uint32(b[4:]) != boltVersion:
		m.err = fmt.Errorf("meta page %d: format version %d, want %d", page, order.Uint32(b[4:]), boltVersion)
	case order.Uint64(b[56:]) != h.Sum64():
		m.err = fmt.Errorf("meta page %d: checksum does not match", page)
	case m.pageSize < 512 || m.pageSize > 1<<24 || m.pageSize&(m.pageSize-1) != 0:
		m.err = fmt.Errorf("meta page %d: page size %d", page, m.pageSize)
	}
	return m
}

// readMetas reads both meta pages of a file of the given size: the first at
// offset 0, the second one page size further, the page size taken from the
// first or, when it is damaged, found as bbolt finds it (1 KiB to 16 MiB).
func readMetas(r io.ReaderAt, size int64) (m0, m1 meta) {
	buf := make([]byte, pageHeaderSize+metaSize)
	read := func(off int64, page uint64) meta {
		n, _ := r.ReadAt(buf, off)
		return parseMeta(buf[:n], page)
	}
	m0 = read(0, 0)
	if m0.err == nil {
		return m0, read(int64(m0.pageSize), 1)
	}
	m1 = meta{page: 1, err: fmt.Errorf("meta page 1: not found")}
	for ps := int64(1024); ps <= 1<<24 && ps < size; ps <<= 1 {
		if m := read(ps, 1); m.err == nil && int64(m.pageSize) == ps {
			return m0, m
		}
	}
	return m0, m1
}

// pageFile reads the pages of a bbolt file.
type pageFile struct {
	r        io.ReaderAt
	size     int64
	pageSize int
}

// pages is how many whole pages the file holds.
func (f *pageFile) pages() uint64 { return uint64(f.size) / uint64(f.pageSize) }

// page reads page id with its overflow pages and checks that it says it is
// page id: the first thing a random write breaks.
func (f *pageFile) page(id uint64) (page, error) {
	if id >= f.pages() {
		return nil, fmt.Errorf("page %d: beyond the end of the file (%d pages)", id, f.pages())
	}
	buf := make([]byte, f.pageSize)
	if _, err := f.r.ReadAt(buf, int64(id)*int64(f.pageSize)); err != nil {
		return nil, fmt.Errorf("page %d: %w", id, err)
	}
	p := page(buf)
	if p.id() != id {
		return nil, fmt.Errorf("page %d: identifies as page %d", id, p.id())
	}
	if ov := uint64(p.overflow()); ov > 0 {
		if ov >= f.pages()-id {
			return nil, fmt.Errorf("page %d: %d overflow pages run past the end of the file", id, ov)
		}
		buf = make([]byte, (1+ov)*uint64(f.pageSize))
		if _, err := f.r.ReadAt(buf, int64(id)*int64(f.pageSize)); err != nil {
			return nil, fmt.Errorf("page %d: %w", id, err)
		}
		p = page(buf)
	}
	return p, nil
}

// page is the bytes of a page (with its overflow), or of an inline bucket's
// page inside a value.
type page []byte

func (p page) id() uint64       { return order.Uint64(p[0:]) }
func (p page) flags() uint16    { return order.Uint16(p[8:]) }
func (p page) count() int       { return int(order.Uint16(p[10:])) }
func (p page) overflow() uint32 { return order.Uint32(p[12:]) }

// element is one key of a branch or leaf page: a branch's points to the
// child page, a leaf's holds a value or a bucket.
type element struct {
	key, value []byte
	child      uint64 // branch
	bucket     bool   // leaf: the value is a bucket header
}

// elements returns the elements of a branch or leaf page, each key and
// value checked to lie inside the page.
func (p page) elements() ([]element, error) {
	if len(p) < pageHeaderSize {
		return nil, fmt.Errorf("page cut short")
	}
	n := p.count()
	if pageHeaderSize+n*elementSize > len(p) {
		return nil, fmt.Errorf("%d elements do not fit in the page", n)
	}
	branch := p.flags() == branchFlag
	out := make([]element, n)
	for i := range n {
		at := pageHeaderSize + i*elementSize
		e := p[at : at+elementSize]
		var pos, ksize, vsize uint64
		if branch {
			pos, ksize = uint64(order.Uint32(e[0:])), uint64(order.Uint32(e[4:]))
			out[i].child = order.Uint64(e[8:])
		} else {
			out[i].bucket = order.Uint32(e[0:])&bucketLeaf != 0
			pos, ksize, vsize = uint64(order.Uint32(e[4:])), uint64(order.Uint32(e[8:])), uint64(order.Uint32(e[12:]))
		}
		start := uint64(at) + pos
		if start+ksize+vsize > uint64(len(p)) {
			return nil, fmt.Errorf("element %d lies outside the page", i)
		}
		out[i].key = p[start : start+ksize]
		out[i].value = p[start+ksize : start+ksize+vsize]
	}
	return out, nil
}

// inBucket reads a bucket header: its root page, or its inline page when
// the root is 0.
func inBucket(v []byte) (root uint64, inline page, err error) {
	if len(v) < bucketHeader {
		return 0, nil, fmt.Errorf("bucket header cut short")
	}
	root = order.Uint64(v)
	if root == 0 {
		inline = page(v[bucketHeader:])
		if len(inline) < pageHeaderSize || inline.flags() != leafFlag {
			return 0, nil, fmt.Errorf("inline bucket is not a leaf page")
		}
	}
	return root, inline, nil
}

// freelistIDs reads the page ids a freelist page lists.
func (p page) freelistIDs() ([]uint64, error) {
	if p.flags() != freelistFlag {
		return nil, fmt.Errorf("not a freelist page (flags %#x)", p.flags())
	}
	idx, n := 0, uint64(p.count())
	if n == 0xFFFF {
		if len(p) < pageHeaderSize+8 {
			return nil, fmt.Errorf("freelist cut short")
		}
		idx, n = 1, order.Uint64(p[pageHeaderSize:])
	}
	if n > uint64(len(p)-pageHeaderSize)/8-uint64(idx) {
		return nil, fmt.Errorf("freelist of %d ids does not fit its page", n)
	}
	ids := make([]uint64, n)
	for i := range ids {
		ids[i] = order.Uint64(p[pageHeaderSize+(idx+i)*8:])
	}
	return ids, nil
}

// walker walks the tree of buckets from a meta page, page by page. It
// checks what bbolt relies on when it opens the file (each page where it
// should be and of the right type, inside the high water mark, referenced
// once, keys in order, elements inside their page) and hands each key and
// value to visit. A page it cannot read is a problem, counted as lost for
// its bucket, and the walk goes on with the next.
type walker struct {
	f        *pageFile
	hwm      uint64
	seen     map[uint64]bool
	problems []string
	lost     map[string]int // pages that could not be read, by top-level bucket ("" for the root)
	panics   int            // panics recovered: a bug in the walk, never the file's fault
	visit    func(path []string, k, v []byte)
}

const maxProblems = 20

const inlineBucket = "an inline bucket"

func (w *walker) problem(format string, args ...any) {
	if len(w.problems) < maxProblems {
		w.problems = append(w.problems, fmt.Sprintf(format, args...))
	} else if len(w.problems) == maxProblems {
		w.problems = append(w.problems, "and more")
	}
}

func top(path []string) string {
	if len(path) == 0 {
		return ""
	}
	return path[0]
}

// bucket walks a bucket: its root page, or its inline page.
func (w *walker) bucket(path []string, root uint64, inline page) {
	if inline != nil {
		w.leaf(path, inline, nil, nil, inlineBucket)
		return
	}
	w.walk(path, root, nil, nil)
}

// walk reads page id, which holds keys from lo (inclusive) to hi
// (exclusive, nil for no bound), and what hangs below it.
func (w *walker) walk(path []string, id uint64, lo, hi []byte) {
	defer func() {
		if r := recover(); r != nil {
			w.panics++
			w.lost[top(path)]++
			w.problem("page %d: %v", id, r)
		}
	}()
	switch {
	case id < 2 || id >= w.hwm:
		w.lost[top(path)]++
		w.problem("page %d: outside the pages in use (2 to %d)", id, w.hwm-1)
		return
	case w.seen[id]:
		w.lost[top(path)]++
		w.problem("page %d: referenced twice", id)
		return
	}
	p, err := w.f.page(id)
	if err == nil && id+uint64(p.overflow()) >= w.hwm {
		err = fmt.Errorf("page %d: overflow runs past the pages in use", id)
	}
	if err != nil {
		w.seen[id] = true
		w.lost[top(path)]++
		w.problem("%v", err)
		return
	}
	for i := uint64(0); i <= uint64(p.overflow()); i++ {
		w.seen[id+i] = true
	}
	where := fmt.Sprintf("page %d", id)
	switch p.flags() {
	case branchFlag:
		els, err := p.elements()
		if err == nil && len(els) == 0 {
			err = fmt.Errorf("empty branch")
		}
		if err != nil {
			w.lost[top(path)]++
			w.problem("%s: %v", where, err)
			return
		}
		for i, e := range els {
			next := hi
			if i+1 < len(els) {
				next = els[i+1].key
			}
			w.inOrder(where, i, e.key, lo, hi, els)
			w.walk(path, e.child, e.key, next)
		}
	case leafFlag:
		w.leaf(path, p, lo, hi, where)
	default:
		w.lost[top(path)]++
		w.problem("%s: not a branch or leaf page (flags %#x)", where, p.flags())
	}
}

// inOrder checks that key i of a page is above the one before it and inside
// the range its parent gives the page: bbolt refuses a file where it is not.
func (w *walker) inOrder(where string, i int, key, lo, hi []byte, els []element) {
	switch {
	case i > 0 && bytes.Compare(els[i-1].key, key) >= 0:
		w.problem("%s: key %d is not above the one before it", where, i)
	case i == 0 && lo != nil && bytes.Compare(key, lo) < 0:
		w.problem("%s: first key below its parent's", where)
	case hi != nil && bytes.Compare(key, hi) >= 0:
		w.problem("%s: key %d not below the next key of its parent", where, i)
	}
}

// leaf reads the keys and values of a leaf page, and walks the buckets in it.
func (w *walker) leaf(path []string, p page, lo, hi []byte, where string) {
	els, err := p.elements()
	if err != nil {
		w.lost[top(path)]++
		w.problem("%s: %v", where, err)
		return
	}
	inInline := where == inlineBucket
	for i, e := range els {
		w.inOrder(where, i, e.key, lo, hi, els)
		if !e.bucket {
			w.visit(path, e.key, e.value)
			continue
		}
		if inInline { // bbolt inlines only buckets without buckets in them
			w.lost[top(path)]++
			w.problem("%s: bucket %d inside an inline bucket", where, i)
			continue
		}
		sub := append(path[:len(path):len(path)], string(e.key))
		root, inline, err := inBucket(e.value)
		if err != nil {
			w.lost[top(sub)]++
			w.problem("%s: bucket %d: %v", where, i, err)
			continue
		}
		w.visit(sub, nil, nil)
		w.bucket(sub, root, inline)
	}
}

// freelist checks the freelist page a meta names, when the file has one: every
// id in it a page in use, none of them reachable from the buckets.
func (w *walker) freelist(id uint64) {
	if id == noFreelist {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			w.panics++
			w.problem("freelist page %d: %v", id, r)
		}
	}()
	if id < 2 || id >= w.hwm {
		w.problem("freelist page %d: outside the pages in use", id)
		return
	}
	p, err := w.f.page(id)
	var ids []uint64
	if err == nil {
		ids, err = p.freelistIDs()
	}
	if err != nil {
		w.problem("freelist: %v", err)
		return
	}
	for i := uint64(0); i <= uint64(p.overflow()); i++ {
		if w.seen[id+i] {
			w.problem("freelist page %d: also used by a bucket", id+i)
		}
		w.seen[id+i] = true
	}
	free := make(map[uint64]bool, len(ids))
	for _, f := range ids {
		switch {
		case f < 2 || f >= w.hwm:
			w.problem("freelist: page %d outside the pages in use", f)
			return
		case free[f] || w.seen[f]:
			w.problem("freelist: page %d listed twice or in use", f)
			return
		}
		free[f] = true
	}
}
