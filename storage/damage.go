package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"
)

// A database file that bbolt cannot trust (a page overwritten, a meta page
// with a wrong checksum, a file cut short) made bbolt panic at open, or
// silently drop the last commit. OpenOrSalvage checks the file before bbolt
// opens it; when it is damaged, it keeps the file under another name for IT,
// copies every record it can read into a fresh file at the same path, and
// records there what it did, for staff. The kiosk starts either way.
//
// What a library's IT would want, case by case:
//   - damaged pages or meta page, a file cut short, a zero-length file, a
//     directory (or other non-file) at the path: salvaged into a fresh file,
//     the old one moved aside as kiosk.db.damaged-20261203T105000;
//   - a file the kiosk's user may read but not write: if the user owns it,
//     it is made 0600 again (DESIGN.md decision 6) and used; if not (left by
//     root, say), it is copied whole into a fresh file the kiosk owns and
//     moved aside as kiosk.db.readonly-…: the kiosk runs on its own copy,
//     and the original, never written, cannot be replayed a second time;
//   - a directory the kiosk may not write: a healthy file in it is used as
//     it is (bbolt writes no other file); a damaged, read-only or missing one
//     cannot be replaced there, and the error (ErrNotWritable) names the
//     path and what to do. Salvaging into some other place instead would
//     leave the damaged file to be salvaged, and its loans replayed, again.

// ErrNotWritable means the database cannot be created, repaired or written
// where it is: its directory or file system does not allow it.
var ErrNotWritable = errors.New("the database cannot be written where it is")

// Kinds of damage.
const (
	DamageCorrupt  = "corrupt"   // pages or meta pages that do not check out, a file cut short
	DamageEmpty    = "empty"     // a zero-length file
	DamageNotAFile = "not-file"  // a directory, or anything but a file, at the path
	DamageReadOnly = "read-only" // a file the kiosk may read but not write: copied
)

// Damage is what OpenOrSalvage found wrong with the database file and what
// it did about it. It is logged, and kept in the fresh file for staff.
type Damage struct {
	At      time.Time `json:"at"`
	Kind    string    `json:"kind"`
	Path    string    `json:"path"`
	MovedTo string    `json:"moved_to"` // the file as it was, kept for IT
	// Problems are what the check found, the first few.
	Problems []string `json:"problems"`
	// LastCommitMayBeLost: a meta page was damaged. bbolt falls back to the
	// other, which may be a commit older; entries of the newest commit are
	// looked for on the pages it wrote (BucketCount.Recovered).
	LastCommitMayBeLost bool `json:"last_commit_may_be_lost,omitempty"`
	// Buckets counts what became of the records, by bucket ("root": the
	// pages that hold the buckets themselves).
	Buckets map[string]BucketCount `json:"buckets"`
	// Unfinished is how many salvaged journal entries wait for the library
	// system: the replay sends them (those in doubt after a lookup).
	Unfinished int `json:"unfinished"`
}

// BucketCount is what became of one bucket's records in a salvage.
type BucketCount struct {
	Salvaged  int `json:"salvaged"`             // copied into the fresh file
	Dropped   int `json:"dropped,omitempty"`    // read, but not a valid record
	LostPages int `json:"lost_pages,omitempty"` // could not be read: what they held is lost
	// Recovered, of Salvaged, were found only on pages no bucket reached any
	// more; an unfinished one is marked sent, in doubt, so that the replay
	// asks the library system whether it was done before sending it.
	Recovered int `json:"recovered,omitempty"`
}

var bucketDamage = []byte("damage")

// OpenOrSalvage opens the database at path as Open does and reports the
// damage it found and salvaged, nil for a healthy file. A file held by
// another process gives ErrLocked, one that cannot be replaced where it is
// ErrNotWritable.
func OpenOrSalvage(path string) (*Store, *Damage, error) {
	return openOrSalvage(path, time.Now)
}

// OpenOrSalvageAt is OpenOrSalvage on the kiosk's clock: the damage's time,
// and the name of the copy moved aside, which retention reads its age from.
func OpenOrSalvageAt(path string, now func() time.Time) (*Store, *Damage, error) {
	return openOrSalvage(path, now)
}

func openOrSalvage(path string, now func() time.Time) (*Store, *Damage, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, nil, fmt.Errorf("storage: make data directory: %w", err)
	}
	var found *Damage // at most one salvage, then the fresh file is opened
	chmodded := false
	for {
		f, writable, err := openLocked(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			s, err := openBolt(path, nil)
			return s, found, err
		case errors.Is(err, errNotAFile) && found == nil:
			found = &Damage{Kind: DamageNotAFile, Problems: []string{err.Error()}}
			if err := replace(path, nil, &fileScan{salvaging: true}, found, now); err != nil {
				return nil, nil, err
			}
			continue
		case err != nil:
			return nil, found, err
		}
		fi, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, found, fmt.Errorf("storage: %s: %w", path, err)
		}
		sc := scanFile(f, fi.Size(), false)
		healthy := len(sc.problems) == 0
		switch {
		case healthy && writable:
			s, err := openBolt(path, f)
			return s, found, err
		case found != nil:
			f.Close()
			return nil, found, fmt.Errorf("storage: %s: cannot be used even after a salvage: %v", path, sc.problems)
		case healthy && !chmodded && os.Chmod(path, 0o600) == nil:
			// Read-only by mode alone, and the kiosk's own: as a restore from a backup leaves it.
			slog.Warn("database was read-only: made writable for the kiosk again", "path", path)
			chmodded = true
			f.Close()
			continue
		}
		d := &Damage{Kind: DamageCorrupt}
		switch {
		case fi.Size() == 0:
			d.Kind = DamageEmpty
		case healthy:
			d.Kind = DamageReadOnly
			d.Problems = []string{fmt.Sprintf("the file cannot be written by this user (uid %d): copied whole", os.Getuid())}
		}
		sc = scanFile(f, fi.Size(), true)
		if sc.schema > SchemaVersion {
			f.Close()
			return nil, nil, fmt.Errorf("storage: %s needs repair: %w (schema %d, this kiosk knows %d): it was left as it is",
				path, ErrNewerSchema, sc.schema, SchemaVersion)
		}
		err = replace(path, f, sc, d, now)
		f.Close()
		if err != nil {
			return nil, nil, err
		}
		found = d
	}
}

// boltOptions are the options every open uses; f, when set, is the file
// already open and locked, handed to bbolt.
func boltOptions(f *os.File) *bolt.Options {
	o := &bolt.Options{
		Timeout: time.Second,
		// One page less to write per journal commit; bbolt rebuilds the free
		// list by scanning the file on open and after a failed commit (etcd's
		// defaults too).
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
	}
	if f != nil {
		o.OpenFile = func(string, int, os.FileMode) (*os.File, error) { return f, nil }
	}
	return o
}

// openBolt opens a file the check passed (or creates a missing one) with
// bbolt, makes it private and brings it to this schema.
func openBolt(path string, f *os.File) (s *Store, err error) {
	defer func() {
		if r := recover(); r != nil { // the check should have found what bbolt trips on
			if f != nil {
				f.Close()
			}
			s, err = nil, fmt.Errorf("storage: open %s: bbolt: %v", path, r)
		}
	}()
	db, err := bolt.Open(path, 0o600, boltOptions(f))
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("storage: open %s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, notWritable(path, "cannot be created or opened", err)
	}
	// bbolt keeps the mode of a file that already exists: tighten it.
	if err := os.Chmod(path, 0o600); err != nil {
		db.Close()
		return nil, fmt.Errorf("storage: chmod %s: %w", path, err)
	}
	s = &Store{db: db, Now: time.Now}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, fmt.Errorf("storage: %s: %w", path, err)
	}
	return s, nil
}

var errNotAFile = errors.New("not a regular file")

// openLocked opens the file at path and locks it as bbolt does: exclusive,
// or shared when this user may only read it (then writable is false).
// The check reads it under that lock, so no running kiosk writes it meanwhile.
func openLocked(path string) (f *os.File, writable bool, err error) {
	for {
		fi, err := os.Stat(path)
		if err != nil {
			return nil, false, err
		}
		if !fi.Mode().IsRegular() {
			what := "something other than a file"
			if fi.IsDir() {
				what = "a directory"
			}
			return nil, false, fmt.Errorf("%s is in the database's place: %w", what, errNotAFile)
		}
		writable = true
		f, err = os.OpenFile(path, os.O_RDWR, 0)
		if permission(err) {
			writable = false
			f, err = os.OpenFile(path, os.O_RDONLY, 0)
		}
		if permission(err) {
			return nil, false, fmt.Errorf("storage: %s cannot be read by the kiosk's user (uid %d): %w; give it read and write access and start the kiosk again",
				path, os.Getuid(), errNo(err))
		}
		if err != nil {
			return nil, false, fmt.Errorf("storage: open %s: %w", path, errNo(err))
		}
		if err := lockFile(f, writable, time.Second); err != nil {
			f.Close()
			return nil, false, fmt.Errorf("storage: open %s: %w", path, err)
		}
		// Another kiosk may have salvaged the file while this one waited for it.
		if cur, err := os.Stat(path); err == nil && os.SameFile(fi, cur) {
			return f, writable, nil
		}
		f.Close()
	}
}

func permission(err error) bool {
	return errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS)
}

// notWritable explains an error with the file, and what to do about it when
// permissions or a read-only file system cause it.
func notWritable(path, what string, err error) error {
	if !permission(err) {
		return fmt.Errorf("storage: %s %s: %w", path, what, diskFull(errNo(err)))
	}
	fix := fmt.Sprintf("give the kiosk's user (uid %d) write access to %s and start the kiosk again", os.Getuid(), filepath.Dir(path))
	if errors.Is(err, syscall.EROFS) {
		fix = "the file system is read-only (often after disk errors): check the disk, then start the kiosk again"
	}
	return fmt.Errorf("storage: %s %s: %w: %w; %s", path, what, ErrNotWritable, errNo(err), fix)
}

// errNo is the error of a system call without the path, which the message
// names already.
func errNo(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return fmt.Errorf("%s: %w", le.Op, le.Err)
	}
	return err
}

// replace puts a fresh database with what sc salvaged at path, keeping the
// file (src, nil when none can be read) or directory that was there under
// another name. The fresh file is complete and synced before it takes the
// place of the old one, and the old one keeps its name until then: a crash
// on the way leaves one or the other, never neither.
func replace(path string, src *os.File, sc *fileScan, d *Damage, now func() time.Time) error {
	d.At = now().Round(0)
	d.Path = path
	if len(d.Problems) == 0 {
		d.Problems = sc.problems
	}
	if len(d.Problems) > maxProblems {
		d.Problems = d.Problems[:maxProblems]
	}
	d.LastCommitMayBeLost = sc.metaBad && d.Kind == DamageCorrupt
	d.Buckets = sc.counts()
	d.Unfinished = 0
	for _, e := range sc.salvaged() {
		if e.State.Unfinished() {
			d.Unfinished++
		}
	}
	suffix := damagedSuffix
	if d.Kind == DamageReadOnly {
		suffix = readOnlySuffix
	}
	d.MovedTo = asideName(path, suffix, d.At)

	tmp := path + ".salvage"
	os.Remove(tmp)
	what := "is damaged and cannot be replaced by what was salvaged of it"
	if d.Kind == DamageReadOnly {
		what = "is read-only for the kiosk and cannot be replaced by a copy"
	}
	if err := sc.write(tmp, d); err != nil {
		os.Remove(tmp)
		return notWritable(path, what+" (nothing was changed)", err)
	}
	var err error
	switch {
	case src == nil:
		err = os.Rename(path, d.MovedTo)
	default:
		if os.Link(path, d.MovedTo) != nil {
			err = copyFile(src, d.MovedTo)
		}
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return notWritable(path, what, err)
	}
	// Both renames are in place: a failed sync of the directory only leaves
	// them less durable, which the next start's check would find.
	_ = syncDir(filepath.Dir(path))
	return nil
}

// The names of copies moved aside: kiosk.db.damaged-20261203T105000.
const (
	damagedSuffix  = "damaged"
	readOnlySuffix = "readonly"
)

// asideName is a name beside path, for a file moved aside at a moment, that
// no file has yet.
func asideName(path, suffix string, at time.Time) string {
	base := fmt.Sprintf("%s.%s-%s", path, suffix, at.Format("20060102T150405"))
	name := base
	for i := 2; ; i++ {
		if _, err := os.Lstat(name); errors.Is(err, fs.ErrNotExist) {
			return name
		}
		name = fmt.Sprintf("%s-%d", base, i)
	}
}

// copyFile copies src whole to a new private file at dst, synced.
func copyFile(src *os.File, dst string) error {
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	fi, err := src.Stat()
	if err == nil {
		_, err = io.Copy(out, io.NewSectionReader(src, 0, fi.Size()))
	}
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst)
	}
	return err
}

// putDamage adds a damage record to the file, keyed by a UUIDv7.
func putDamage(tx *bolt.Tx, d *Damage) error {
	b, err := tx.CreateBucketIfNotExists(bucketDamage)
	if err != nil {
		return err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return err
	}
	v, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return b.Put(id[:], v)
}

// Damages returns the damage found and salvaged at earlier starts, oldest
// first, for staff.
func (s *Store) Damages() ([]Damage, error) {
	var out []Damage
	err := s.read(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketDamage)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var d Damage
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("damage record %x: %w", k, err)
			}
			out = append(out, d)
			return nil
		})
	})
	return out, err
}

// Log tells staff what was found and done, in one line: Error when records
// may be lost, Warn for a read-only file copied whole.
func (d *Damage) Log(l *slog.Logger) {
	level, msg := slog.LevelError, "database damaged: what could be read was salvaged into a fresh file, the damaged one kept for IT"
	if d.Kind == DamageReadOnly {
		level, msg = slog.LevelWarn, "database could not be written: the kiosk works on a copy, the original kept for IT"
	}
	attrs := []any{"path", d.Path, "moved_to", d.MovedTo, "kind", d.Kind, "unfinished", d.Unfinished}
	if d.LastCommitMayBeLost {
		attrs = append(attrs, "last_commit_may_be_lost", true)
	}
	for _, name := range slices.Sorted(maps.Keys(d.Buckets)) {
		c := d.Buckets[name]
		group := []any{"salvaged", c.Salvaged}
		for _, n := range []struct {
			key string
			n   int
		}{{"dropped", c.Dropped}, {"lost_pages", c.LostPages}, {"recovered", c.Recovered}} {
			if n.n > 0 {
				group = append(group, n.key, n.n)
			}
		}
		attrs = append(attrs, slog.Group(name, group...))
	}
	if len(d.Problems) > 0 {
		attrs = append(attrs, "problem", d.Problems[0], "problems", len(d.Problems))
	}
	l.Log(context.Background(), level, msg, attrs...)
}
