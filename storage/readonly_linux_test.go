package storage_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

// asUserEnv, set, makes TestReadOnlyAsAnotherUser the child that runs the
// cases as the kiosk's user, in the directory it names.
const asUserEnv = "STORAGE_TEST_CASES_DIR"

const nobody = 65534 // the kiosk's user when the tests run as root

// A read-only case: how the data directory and file are set up, and what
// the kiosk's user gets.
type readOnlyCase struct {
	name      string
	fileOwner string // "kiosk" or "root" (only when the tests run as root); "" for no file
	fileMode  os.FileMode
	damaged   bool
	dirMode   os.FileMode
	// What the kiosk gets: it works (with damage of this kind, or none), or
	// it stops with an error naming the path.
	works bool
	kind  string
	err   error
}

var readOnlyCases = []readOnlyCase{
	{name: "own file read-only", fileOwner: "kiosk", fileMode: 0o400, dirMode: 0o700, works: true},
	{name: "file of root, readable", fileOwner: "root", fileMode: 0o644, dirMode: 0o700, works: true, kind: storage.DamageReadOnly},
	{name: "file of root, unreadable", fileOwner: "root", fileMode: 0o600, dirMode: 0o700, err: os.ErrPermission},
	{name: "read-only directory, healthy file", fileOwner: "kiosk", fileMode: 0o600, dirMode: 0o500, works: true},
	{name: "read-only directory, own file read-only", fileOwner: "kiosk", fileMode: 0o400, dirMode: 0o500, works: true},
	{name: "read-only directory, damaged file", fileOwner: "kiosk", fileMode: 0o600, damaged: true, dirMode: 0o500, err: storage.ErrNotWritable},
	{name: "read-only directory, no file", dirMode: 0o500, err: storage.ErrNotWritable},
	{name: "read-only directory, file of root", fileOwner: "root", fileMode: 0o644, dirMode: 0o500, err: storage.ErrNotWritable},
}

func caseDir(root string, i int) string {
	return filepath.Join(root, "case", string(rune('a'+i)), "data")
}

// What the kiosk's own user (not root, who may write anything) gets from
// read-only files and directories. Run as root, the test sets the files up
// and runs the cases in a copy of itself as nobody.
func TestReadOnlyAsAnotherUser(t *testing.T) {
	if dir := os.Getenv(asUserEnv); dir != "" {
		runReadOnlyCases(t, dir)
		return
	}
	k := writeKioskFile(t)
	root := t.TempDir()
	asRoot := os.Geteuid() == 0
	uid, gid := os.Getuid(), os.Getgid()
	if asRoot {
		uid, gid = nobody, nobody
		// The copy of the test and the cases must be reachable for nobody.
		for _, d := range []string{root, filepath.Dir(root)} {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, c := range readOnlyCases {
		dir := caseDir(root, i)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if c.fileOwner == "root" && !asRoot {
			continue // no file of another user to be made
		}
		if c.fileOwner != "" {
			path := filepath.Join(dir, "kiosk.db")
			data, err := os.ReadFile(k.path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			if c.damaged {
				_, newest, pages := pagesOf(t, path)
				scribble(t, path, newest, os.Getpagesize(), 9)
				scribble(t, path, pick(t, pages, "journal root", func(p storage.PageInfo) bool { return p.Bucket == "journal" && p.Root }), os.Getpagesize(), 9)
			}
			if c.fileOwner == "kiosk" {
				if err := os.Chown(path, uid, gid); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.Chmod(path, c.fileMode); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, c.dirMode); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
	}
	if !asRoot {
		runReadOnlyCases(t, root)
		return
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(root, "storage.test")
	copyExecutable(t, self, bin)
	cmd := exec.Command(bin, "-test.run=^TestReadOnlyAsAnotherUser$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), asUserEnv+"="+root, kiosktest.DateEnv+"="+k.at.Format("2006-01-02T15:04"))
	cmd.Dir = root
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	t.Logf("as uid %d:\n%s", nobody, out)
	if err != nil {
		t.Fatalf("the cases failed as the kiosk's user: %v", err)
	}
}

func copyExecutable(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// runReadOnlyCases runs the cases set up under root, as the kiosk's user.
func runReadOnlyCases(t *testing.T, root string) {
	if os.Geteuid() == 0 {
		t.Fatal("the cases must run as the kiosk's user, not root")
	}
	at := kiosktest.Start(t)
	for i, c := range readOnlyCases {
		t.Run(c.name, func(t *testing.T) {
			dir := caseDir(root, i)
			path := filepath.Join(dir, "kiosk.db")
			if _, err := os.Stat(path); c.fileOwner != "" && err != nil {
				t.Skip("no file of another user here: the tests do not run as root")
			}
			before, _ := os.ReadFile(path)
			if !c.works {
				st, _, err := storage.OpenOrSalvage(path)
				if err == nil {
					st.Close()
					t.Fatal("the kiosk started")
				}
				if !errors.Is(err, c.err) || !strings.Contains(err.Error(), path) {
					t.Errorf("error %q, want %v naming %s", err, c.err, path)
				}
				after, _ := os.ReadFile(path)
				if !bytes.Equal(before, after) {
					t.Error("the file changed")
				}
				t.Logf("| %s | stops: %v |", c.name, err)
				return
			}
			k := kioskFile{path: path, at: at}
			_, k.items = kiosktest.BigLibrary(t, pendingLoans, func() time.Time { return at })
			out := startAndReplay(t, k, path)
			switch {
			case c.kind == "" && out.damage != nil:
				t.Errorf("damage %+v, want none", out.damage)
			case c.kind != "" && (out.damage == nil || out.damage.Kind != c.kind):
				t.Errorf("damage %+v, want %s", out.damage, c.kind)
			}
			if out.lent != pendingLoans {
				t.Errorf("%d of %d pending loans reached the library", out.lent, pendingLoans)
			}
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
				t.Errorf("database mode %v, %v; want 0600", fi.Mode().Perm(), err)
			}
			t.Logf("| %s | %s |", c.name, out)
		})
	}
}
