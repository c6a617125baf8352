package storage

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// healthyShapes writes bbolt files of the shapes a kiosk (or a later one)
// leaves: the check must pass every one, or a healthy file would be moved
// aside at every start.
func healthyShapes(t *testing.T) map[string]string {
	t.Helper()
	dir := t.TempDir()
	shapes := map[string]string{"schema 1": copyV1(t)}
	fresh := filepath.Join(dir, "fresh.db")
	s, err := Open(fresh)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	shapes["fresh"] = fresh

	for _, synced := range []bool{false, true} {
		path := filepath.Join(dir, fmt.Sprintf("big-synced-%v.db", synced))
		s, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		// A synced free list, as bbolt's defaults (and older kiosks) write it.
		db, err := bolt.Open(path, 0o600, &bolt.Options{NoFreelistSync: !synced, Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		fill(t, db)
		db.Close()
		shapes[fmt.Sprintf("10,000 entries, big values, nested buckets, freed pages (freelist synced: %v)", synced)] = path
	}
	return shapes
}

// fill writes 10,000 journal entries in three levels of pages, audit events
// of which half are deleted again (freed pages), values over several pages,
// nested and inline buckets.
func fill(t *testing.T, db *bolt.DB) {
	t.Helper()
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	err := db.Update(func(tx *bolt.Tx) error {
		j := tx.Bucket(bucketJournal)
		j.FillPercent = appendFill
		for i := range 10_000 {
			id := uuid.Must(uuid.NewV7())
			v, err := encodeEntry(Entry{Kind: TxCheckout, Patron: "20790000000010", Item: fmt.Sprint(30790000000000 + i),
				Title: "Boek", At: at, State: []TxState{TxPending, TxSent, TxDone}[i%3], Updated: at})
			if err != nil {
				return err
			}
			if err := j.Put(id[:], v); err != nil {
				return err
			}
		}
		a := tx.Bucket(bucketAudit)
		for i := range 2000 {
			id := uuid.Must(uuid.NewV7())
			if err := a.Put(id[:], fmt.Appendf(nil, `{"at":"2026-11-27T10:00:00Z","kind":"session_start","card":"%04d"}`, i)); err != nil {
				return err
			}
		}
		seats := tx.Bucket(bucketSeats)
		for i := range 300 {
			b := at.Add(time.Duration(i%8) * time.Hour)
			v := encodeSeat([]SeatBooking{{ID: fmt.Sprint("b", i), Card: fmt.Sprint(20790000000000 + i), Start: b, End: b.Add(time.Hour), At: at}}, uint64(i+1))
			if err := seats.Put(fmt.Appendf(nil, "S%03d", i), v); err != nil {
				return err
			}
		}
		big, err := tx.CreateBucketIfNotExists([]byte("rooms"))
		if err != nil {
			return err
		}
		if err := big.Put([]byte("plan"), bytes.Repeat([]byte("x"), 50_000)); err != nil {
			return err
		}
		for _, name := range []string{"floor 1", "floor 2"} {
			sub, err := big.CreateBucketIfNotExists([]byte(name))
			if err != nil {
				return err
			}
			for i := range 500 {
				if err := sub.Put(fmt.Appendf(nil, "seat %03d", i), []byte("free")); err != nil {
					return err
				}
			}
			inline, err := sub.CreateBucketIfNotExists([]byte("closed"))
			if err != nil {
				return err
			}
			if err := inline.Put([]byte("seat 007"), []byte("broken chair")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketAudit).Cursor()
		i := 0
		for k, _ := c.First(); k != nil; k, _ = c.Next() {
			if i++; i%2 == 0 {
				if err := c.Delete(); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func scanPath(t *testing.T, path string, salvage bool) *fileScan {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return scanFile(f, fi.Size(), salvage)
}

// dump returns every bucket, key and value of a file, read by bbolt.
func dump(t *testing.T, path string) map[string]string {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string]string{}
	var walk func(prefix string, b *bolt.Bucket) error
	walk = func(prefix string, b *bolt.Bucket) error {
		return b.ForEach(func(k, v []byte) error {
			if v == nil {
				out[prefix+string(k)+"/"] = ""
				return walk(prefix+string(k)+"/", b.Bucket(k))
			}
			out[prefix+string(k)] = string(v)
			return nil
		})
	}
	err = db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return fmt.Errorf("bbolt check: %w", err)
		}
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			out[string(name)+"/"] = ""
			return walk(string(name)+"/", b)
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCheckPassesHealthyFiles(t *testing.T) {
	for name, path := range healthyShapes(t) {
		t.Run(name, func(t *testing.T) {
			want := dump(t, path) // bbolt's own check passes too
			if sc := scanPath(t, path, false); len(sc.problems) > 0 || sc.metaBad {
				t.Fatalf("a healthy file has problems: %q", sc.problems)
			}
			// Salvaged whole, a healthy file comes out the same.
			sc := scanPath(t, path, true)
			if len(sc.recovered) > 0 {
				t.Errorf("%d entries recovered from unreached pages of a healthy file", len(sc.recovered))
			}
			fresh := filepath.Join(t.TempDir(), "fresh.db")
			if err := sc.write(fresh, &Damage{Kind: DamageReadOnly}); err != nil {
				t.Fatal(err)
			}
			got := dump(t, fresh)
			for k, v := range want {
				switch {
				case strings.HasPrefix(k, "journal/") && len(k) == len("journal/")+16 && v[0] == formatJSON:
					// migrated on the way: compare decoded
					a, _ := decodeV1([]byte(v))
					b, _ := decodeValue([]byte(got[k]))
					a.ID, b.ID = "x", "x"
					if !sameEntry(a, b) {
						t.Errorf("%x: %+v, want %+v", k, b, a)
					}
				case k == "meta/schema_version":
				case got[k] != v:
					t.Errorf("%q: salvaged %d bytes, want %d", k, len(got[k]), len(v))
				}
				delete(got, k)
			}
			for k := range got {
				if !strings.HasPrefix(k, "damage/") {
					t.Errorf("salvage added %q", k)
				}
			}
		})
	}
}

// The meta pages are read as bbolt writes them: magic, version, page size,
// and the FNV-64a checksum over the rest.
func TestReadMetasAsBboltWritesThem(t *testing.T) {
	path := closedStore(t)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m0, m1 := readMetas(bytes.NewReader(data), int64(len(data)))
	if m0.err != nil || m1.err != nil || m0.pageSize != uint32(os.Getpagesize()) || m0.txid == m1.txid {
		t.Fatalf("meta pages: %+v %+v", m0, m1)
	}
	newest := m0
	if m1.txid > m0.txid {
		newest = m1
	}
	// bbolt's own idea of the root and high water mark.
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(func(tx *bolt.Tx) error {
		if uint64(tx.ID()) != newest.txid || uint64(tx.Size()) != newest.pgid*uint64(newest.pageSize) {
			t.Errorf("newest meta: txid %d, %d pages; bbolt: txid %d, %d bytes", newest.txid, newest.pgid, tx.ID(), tx.Size())
		}
		return nil
	})
	for _, off := range []int{pageHeaderSize + 13, int(m0.pageSize) + pageHeaderSize + 50} { // page size, txid
		bad := bytes.Clone(data)
		bad[off] ^= 0x40
		b0, b1 := readMetas(bytes.NewReader(bad), int64(len(bad)))
		if (b0.err == nil) == (off < int(m0.pageSize)) || (b1.err == nil) == (off > int(m0.pageSize)) {
			t.Errorf("byte %d changed: meta errors %v, %v", off, b0.err, b1.err)
		}
	}
}

// Fuzzing the walk over a real small file, bytes changed anywhere: it
// reports problems, never panics.
func FuzzScanFile(f *testing.F) {
	dir := f.TempDir()
	path := filepath.Join(dir, "kiosk.db")
	// 1 KiB pages keep the input small enough for the fuzzer; bbolt keeps a file's page size.
	db, err := bolt.Open(path, 0o600, &bolt.Options{PageSize: 1024})
	if err != nil {
		f.Fatal(err)
	}
	db.Close()
	s, err := Open(path)
	if err != nil {
		f.Fatal(err)
	}
	for i := range 20 {
		if _, err := s.Begin(Entry{Kind: TxCheckout, Patron: "20790000000010", Item: fmt.Sprint(i), Title: strings.Repeat("t", i*7)}); err != nil {
			f.Fatal(err)
		}
		if err := s.RecordAudit(time.Now(), "session_start", "0010"); err != nil {
			f.Fatal(err)
		}
	}
	s.Close()
	data, err := os.ReadFile(path)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data, uint32(0), []byte{0xff})
	f.Add(data, uint32(1024*2+16), []byte{0x10, 0, 0, 0})
	f.Add(data, uint32(1024*3+10), []byte{0xff, 0xff})
	f.Add(data[:len(data)/2], uint32(0), []byte{})
	f.Fuzz(func(t *testing.T, file []byte, at uint32, patch []byte) {
		if len(file) > 0 {
			file = bytes.Clone(file)
			copy(file[int(at)%len(file):], patch)
		}
		for _, salvage := range []bool{false, true} {
			sc := scanFile(bytes.NewReader(file), int64(len(file)), salvage)
			if sc.panics > 0 {
				t.Fatalf("the walk panicked: %q", sc.problems)
			}
			if !salvage || len(sc.problems) == 0 {
				continue
			}
			// What is salvaged makes a file the kiosk reads whole.
			fresh := filepath.Join(t.TempDir(), "fresh.db")
			if err := sc.write(fresh, &Damage{Kind: DamageCorrupt, Buckets: sc.counts()}); err != nil {
				t.Fatalf("salvage not written: %v", err)
			}
			s, d, err := OpenOrSalvage(fresh)
			if err != nil || d != nil {
				t.Fatalf("the salvaged file: %+v, %v", d, err)
			}
			defer s.Close()
			if _, err := s.Unfinished(); err != nil {
				t.Error(err)
			}
			if _, err := s.Damages(); err != nil {
				t.Error(err)
			}
		}
	})
}

func TestDamagedMetaChecksum(t *testing.T) {
	path := closedStore(t)
	data, _ := os.ReadFile(path)
	binary.LittleEndian.PutUint64(data[pageHeaderSize+56:], 1)
	sc := scanFile(bytes.NewReader(data), int64(len(data)), false)
	if !sc.metaBad || len(sc.problems) != 1 || !strings.Contains(sc.problems[0], "checksum") {
		t.Errorf("problems = %q", sc.problems)
	}
}

func closedStore(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kiosk.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	mustBegin(t, s, Entry{Kind: TxCheckout, Item: "1"})
	s.Close()
	return path
}

// The check reads every page in use at each start: its cost beside bbolt's
// own open of the same file (which, with NoFreelistSync, walks the pages too),
// for a journal of 100,000 entries (years of one kiosk).
func BenchmarkOpenChecked(b *testing.B) {
	path := filepath.Join(b.TempDir(), "kiosk.db")
	s, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	err = s.db.Update(func(tx *bolt.Tx) error {
		j := tx.Bucket(bucketJournal)
		j.FillPercent = appendFill
		for i := range 100_000 {
			id := uuid.Must(uuid.NewV7())
			v, err := encodeEntry(Entry{Kind: TxCheckout, Item: fmt.Sprint(30790000000000 + i), Title: "Boek", At: at, State: TxDone, Attempts: 1, Updated: at})
			if err != nil {
				return err
			}
			if err := j.Put(id[:], v); err != nil {
				return err
			}
		}
		return nil
	})
	s.Close()
	if err != nil {
		b.Fatal(err)
	}
	fi, _ := os.Stat(path)
	b.Logf("file: %d MB", fi.Size()>>20)
	b.Run("bbolt", func(b *testing.B) {
		for b.Loop() {
			db, err := bolt.Open(path, 0o600, boltOptions(nil))
			if err != nil {
				b.Fatal(err)
			}
			db.Close()
		}
	})
	b.Run("OpenOrSalvage", func(b *testing.B) {
		for b.Loop() {
			s, d, err := OpenOrSalvage(path)
			if err != nil || d != nil {
				b.Fatal(d, err)
			}
			s.Close()
		}
	})
}

// Of two copies of an entry found on unreached pages, the one written later
// wins: states only move forward, attempts only grow, the card goes last.
func TestNewerCopyOfAnEntry(t *testing.T) {
	at := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	pending := Entry{State: TxPending, Patron: "1", Updated: at}
	sent := Entry{State: TxSent, Patron: "1", Attempts: 1, Updated: at}
	resent := Entry{State: TxSent, Patron: "1", Attempts: 2, Updated: at}
	done := Entry{State: TxDone, Patron: "1", Attempts: 2, Updated: at.Add(time.Second)}
	scrubbed := Entry{State: TxDone, Attempts: 2, Updated: at.Add(time.Second)}
	order := []Entry{pending, sent, resent, done, scrubbed}
	for i := range order {
		for j := range order {
			if got := newer(order[i], order[j]); got != (i > j) {
				t.Errorf("newer(%d, %d) = %v", i, j, got)
			}
		}
	}
}
