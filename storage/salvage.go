package storage

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// fileScan is one read of a database file, done before bbolt opens it: what
// is wrong with it and, for a salvage, everything in it that can be read.
type fileScan struct {
	size     int64
	used     *meta // the meta page bbolt would use; nil when both are damaged
	metaBad  bool  // one meta page or both failed their check
	pageSize int
	problems []string
	lost     map[string]int // pages that could not be read, by top-level bucket ("" for the root)
	schema   int            // the schema in the meta bucket; 0 when not found
	panics   int            // panics recovered in the walk: a bug, never the file's fault

	// The check: journal entries the kiosk could not read.
	unreadable int

	// The salvage, filled only by a salvaging read.
	salvaging bool
	buckets   map[string][]string // every bucket found, by its path joined
	records   []record            // keys and values of every bucket but the journal
	journal   map[uuid.UUID]Entry // journal entries reached from the meta page
	recovered map[uuid.UUID]Entry // journal entries found only on pages no bucket reaches
	dropped   map[string]int      // records read but not valid, by top-level bucket
}

type record struct {
	path []string
	k, v []byte
}

// scanFile reads the whole of a bbolt file. Without salvage it only checks
// what bbolt and the kiosk rely on; with salvage it collects everything
// readable, and when the tree of the journal is broken, or the last commit
// may be gone with a meta page, looks for journal entries on every page
// that no bucket reaches.
func scanFile(r io.ReaderAt, size int64, salvage bool) *fileScan {
	s := &fileScan{size: size, lost: map[string]int{}, salvaging: salvage}
	if salvage {
		s.buckets, s.journal, s.recovered, s.dropped = map[string][]string{}, map[uuid.UUID]Entry{}, map[uuid.UUID]Entry{}, map[string]int{}
	}
	if size == 0 {
		s.problems = append(s.problems, "the file is empty")
		return s
	}
	m0, m1 := readMetas(r, size)
	for _, m := range []*meta{&m0, &m1} {
		if m.err != nil {
			s.metaBad = true
			s.problems = append(s.problems, m.err.Error())
			continue
		}
		if s.used == nil || m.txid > s.used.txid {
			s.used = m
		}
	}
	if s.used != nil {
		s.pageSize = int(s.used.pageSize)
	} else {
		s.pageSize = guessPageSize(r, size)
	}
	f := &pageFile{r: r, size: size, pageSize: s.pageSize}
	w := &walker{f: f, seen: map[uint64]bool{0: true, 1: true}, lost: s.lost, visit: s.visit}
	if s.used != nil {
		w.hwm = s.used.pgid
		if uint64(size) < s.used.pgid*uint64(s.pageSize) {
			w.problem("the file ends at page %d, its meta page says %d pages are in use: it was cut short", f.pages(), s.used.pgid)
		}
		w.walk(nil, s.used.root, nil, nil)
		w.freelist(s.used.freelist)
	}
	s.problems = append(s.problems, w.problems...)
	s.panics += w.panics
	if s.unreadable > 0 && s.schema <= SchemaVersion { // a newer kiosk's entries are for it to read
		s.problems = append(s.problems, fmt.Sprintf("%d journal entries cannot be read", s.unreadable))
	}
	if salvage && (s.metaBad || s.lost[""] > 0 || s.lost[string(bucketJournal)] > 0) {
		s.scanUnreached(f, w.seen)
	}
	return s
}

// guessPageSize finds the page size of a file whose meta pages are both
// damaged: the size at which the most pages say they are where they are.
func guessPageSize(r io.ReaderAt, size int64) int {
	best, bestN := 4096, 0
	hdr := make([]byte, pageHeaderSize)
	for _, ps := range []int{4096, 1024, 2048, 8192, 16384, 32768, 65536} {
		n := 0
		for id := int64(2); id < 256 && (id+1)*int64(ps) <= size; id++ {
			if _, err := r.ReadAt(hdr, id*int64(ps)); err != nil {
				break
			}
			if p := page(hdr); p.id() == uint64(id) && (p.flags() == leafFlag || p.flags() == branchFlag) {
				n++
			}
		}
		if n > bestN {
			best, bestN = ps, n
		}
	}
	return best
}

// flat are the kiosk's own buckets: keys and values only, never a bucket
// inside (the journal's readers would stop at one).
var flat = map[string]bool{
	string(bucketMeta): true, string(bucketAudit): true, string(bucketJournal): true,
	string(bucketPatrons): true, string(bucketDamage): true, string(bucketSeats): true, string(bucketUsage): true,
}

// visit takes one key and value found by the walk; a nil key means the
// walk entered the bucket at path.
func (s *fileScan) visit(path []string, k, v []byte) {
	if len(path) == 1 && path[0] == string(bucketMeta) && bytes.Equal(k, keySchema) && len(v) == 8 {
		s.schema = int(binary.BigEndian.Uint64(v))
		return
	}
	if len(path) == 0 {
		return // bbolt keeps no values in its root bucket
	}
	name := path[0]
	if !s.salvaging {
		if name == string(bucketJournal) && (len(path) > 1 || k != nil && !entryReadable(k, v)) {
			s.unreadable++
		}
		return
	}
	switch {
	case len(path) > 1 && flat[name], slices.Contains(path, ""):
		if k != nil {
			s.dropped[name]++
		}
		return
	case k == nil:
		s.buckets[strings.Join(path, "\x00")] = slices.Clone(path)
		return
	case len(k) > bolt.MaxKeySize || len(v) > bolt.MaxValueSize:
		s.dropped[name]++
		return
	}
	ok := true
	switch {
	case len(path) > 1:
	case name == string(bucketJournal):
		var e Entry
		if e, ok = journalEntry(k, v, false); ok {
			s.journal[uuid.UUID(k)] = e
			return
		}
	case name == string(bucketAudit):
		var a AuditEvent
		ok = len(k) == 16 && json.Unmarshal(v, &a) == nil && a.Kind != ""
	case name == string(bucketPatrons):
		var p CachedPatron
		ok = json.Unmarshal(v, &p) == nil
	case name == string(bucketDamage):
		var d Damage
		ok = json.Unmarshal(v, &d) == nil
	case name == string(bucketSeats):
		_, err := decodeSeat(v)
		ok = err == nil
	}
	if !ok || len(k) == 0 {
		s.dropped[name]++
		return
	}
	s.records = append(s.records, record{path: slices.Clone(path), k: k, v: v})
}

// entryReadable reports whether the kiosk can read a journal entry: the
// checks of header and decodeValue; a schema 1 entry is the migration's to read.
func entryReadable(k, v []byte) bool {
	if len(k) != 16 || len(v) < headerSize {
		return false
	}
	if v[0] == formatJSON {
		_, ok1 := decodeCode(stateCodes, v[1])
		_, ok2 := decodeCode(kindCodes, v[2])
		return ok1 && ok2
	}
	_, err := decodeValue(v)
	return err == nil
}

// journalEntry decodes a journal entry of either format, for a salvage;
// found on a page no bucket reaches, its key must be a UUIDv7 too.
func journalEntry(k, v []byte, v7 bool) (Entry, bool) {
	if len(k) != 16 || len(v) == 0 {
		return Entry{}, false
	}
	id := uuid.UUID(k)
	if v7 && id.Version() != 7 {
		return Entry{}, false
	}
	var e Entry
	var err error
	switch v[0] {
	case formatBinary:
		e, err = decodeValue(v)
	case formatJSON:
		e, err = decodeV1(v)
	default:
		return Entry{}, false
	}
	if err != nil {
		return Entry{}, false
	}
	if _, err := encodeEntry(e); err != nil {
		return Entry{}, false
	}
	e.ID = id.String()
	return e, true
}

// scanUnreached looks at every page of the file that the walk did not reach
// for journal entries: the leaves under a damaged branch, the pages of a
// commit whose meta page is damaged, and older copies of pages that bbolt
// freed but has not written over yet. Only entries the walk did not find
// are taken, each in its newest copy.
func (s *fileScan) scanUnreached(f *pageFile, seen map[uint64]bool) {
	for id := uint64(2); id < f.pages(); id++ {
		if seen[id] {
			continue
		}
		func() {
			defer func() { // a page that breaks the reading is just not salvaged
				if recover() != nil {
					s.panics++
				}
			}()
			p, err := f.page(id)
			if err != nil || p.flags() != leafFlag {
				return
			}
			s.unreachedLeaf(p, false)
		}()
	}
}

// unreachedLeaf takes the journal entries of a leaf page no bucket reaches:
// all of them in an inline journal bucket, else those of a page where most
// values are journal entries, which no other bucket's are.
func (s *fileScan) unreachedLeaf(p page, journal bool) {
	els, err := p.elements()
	if err != nil {
		return
	}
	var found []Entry
	others := 0
	for _, e := range els {
		if e.bucket {
			// bbolt inlines only buckets without buckets in them: one level.
			if _, inline, err := inBucket(e.value); err == nil && inline != nil && !journal {
				s.unreachedLeaf(inline, string(e.key) == string(bucketJournal))
			}
			continue
		}
		if en, ok := journalEntry(e.key, e.value, true); ok {
			found = append(found, en)
		} else {
			others++
		}
	}
	if len(found) == 0 || (!journal && others > len(found)) {
		return
	}
	for _, e := range found {
		id := uuid.MustParse(e.ID)
		if _, ok := s.journal[id]; ok {
			continue
		}
		if old, ok := s.recovered[id]; !ok || newer(e, old) {
			s.recovered[id] = e
		}
	}
}

// newer reports whether copy a of an entry was written after copy b. An
// entry only moves forward (pending, sent, an outcome; attempts up; the
// card scrubbed last), and its Updated only grows.
func newer(a, b Entry) bool {
	rank := func(st TxState) int {
		switch st {
		case TxPending:
			return 0
		case TxSent:
			return 1
		}
		return 2
	}
	switch {
	case rank(a.State) != rank(b.State):
		return rank(a.State) > rank(b.State)
	case a.Attempts != b.Attempts:
		return a.Attempts > b.Attempts
	case !a.Updated.Equal(b.Updated):
		return a.Updated.After(b.Updated)
	}
	return a.Patron == "" && b.Patron != ""
}

// salvaged is the journal the fresh file gets: what the walk found as it
// was, and each entry found only on unreached pages with its newest copy;
// of those, one still unfinished becomes sent, in doubt: a later copy that
// is lost may have sent it, so the replay asks the ILS before sending.
func (s *fileScan) salvaged() map[uuid.UUID]Entry {
	out := maps.Clone(s.journal)
	for id, e := range s.recovered {
		if e.State == TxPending {
			e.State = TxSent
		}
		out[id] = e
	}
	return out
}

// counts are the records salvaged, dropped and lost, by bucket.
func (s *fileScan) counts() map[string]BucketCount {
	out := map[string]BucketCount{}
	add := func(name string, f func(*BucketCount)) {
		if name == "" {
			name = "root"
		}
		c := out[name]
		f(&c)
		out[name] = c
	}
	for _, r := range s.records {
		add(r.path[0], func(c *BucketCount) { c.Salvaged++ })
	}
	for _, path := range s.buckets {
		add(path[0], func(*BucketCount) {})
	}
	add(string(bucketJournal), func(c *BucketCount) {
		c.Salvaged += len(s.journal) + len(s.recovered)
		c.Recovered = len(s.recovered)
	})
	for name, n := range s.dropped {
		add(name, func(c *BucketCount) { c.Dropped += n })
	}
	for name, n := range s.lost {
		add(name, func(c *BucketCount) { c.LostPages += n })
	}
	delete(out, string(bucketDamage)) // earlier records: carried over, not news
	if out[string(bucketMeta)] == (BucketCount{}) {
		delete(out, string(bucketMeta)) // the schema, written anew
	}
	return out
}

// write creates a fresh database at path with everything salvaged and the
// damage record d, in one durable commit.
func (s *fileScan) write(path string, d *Damage) error {
	db, err := bolt.Open(path, 0o600, boltOptions(nil))
	if err != nil {
		return err
	}
	err = db.Update(func(tx *bolt.Tx) error {
		bucket := func(path []string) (*bolt.Bucket, error) {
			b, err := tx.CreateBucketIfNotExists([]byte(path[0]))
			for _, name := range path[1:] {
				if err != nil {
					break
				}
				b, err = b.CreateBucketIfNotExists([]byte(name))
			}
			return b, err
		}
		// What bbolt refuses of what a damaged file holds (a key both a bucket
		// and a value, a name too long) is dropped; a tx does no I/O before
		// the commit, so an error here is always such a refusal.
		drop := func(name string) {
			if c, ok := d.Buckets[name]; ok {
				c.Salvaged--
				c.Dropped++
				d.Buckets[name] = c
			}
		}
		for _, key := range slices.Sorted(maps.Keys(s.buckets)) {
			bucket(s.buckets[key]) // a failure drops the records below
		}
		for _, r := range s.records {
			b, err := bucket(r.path)
			if err == nil {
				err = b.Put(r.k, r.v)
			}
			if err != nil {
				drop(r.path[0])
			}
		}
		journal, err := tx.CreateBucketIfNotExists(bucketJournal)
		if err != nil {
			return err
		}
		journal.FillPercent = appendFill
		entries := s.salvaged()
		for _, id := range slices.SortedFunc(maps.Keys(entries), func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }) {
			v, err := encodeEntry(entries[id])
			if err != nil {
				return err
			}
			if err := journal.Put(id[:], v); err != nil {
				return err
			}
		}
		meta, err := tx.CreateBucketIfNotExists(bucketMeta)
		if err != nil {
			return err
		}
		// Every salvaged entry is written in today's format.
		if err := meta.Put(keySchema, binary.BigEndian.AppendUint64(nil, SchemaVersion)); err != nil {
			return err
		}
		return putDamage(tx, d)
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return err
}
