package pty

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestOpenRawPassesEveryByte(t *testing.T) {
	p, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	slave, err := os.OpenFile(p.SlavePath, os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer slave.Close()

	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	if _, err := p.Write(all); err != nil {
		t.Fatal(err)
	}
	slave.SetReadDeadline(time.Now().Add(3 * time.Second))
	got := make([]byte, len(all))
	if _, err := io.ReadFull(slave, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, all) {
		t.Fatalf("slave read %q, want every byte unchanged", got)
	}
	// Raw: nothing is echoed back to the master.
	p.Master.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if n, err := p.Master.Read(make([]byte, 16)); n != 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("master read %d bytes (%v), want no echo", n, err)
	}
}

func TestLinkAndClose(t *testing.T) {
	link := filepath.Join(t.TempDir(), "scanner")
	p1, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	if err := p1.Link(link); err != nil {
		t.Fatal(err)
	}
	if target, _ := os.Readlink(link); target != p1.SlavePath {
		t.Fatalf("link -> %q, want %q", target, p1.SlavePath)
	}
	p2, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer p2.Close()
	if err := p2.Link(link); err != nil { // re-point over the existing link
		t.Fatal(err)
	}
	if err := p1.Close(); err != nil {
		t.Fatal(err)
	}
	if target, _ := os.Readlink(link); target != p2.SlavePath {
		t.Fatalf("closing the old pty touched the re-pointed link: -> %q", target)
	}
	if _, err := os.Stat(p1.SlavePath); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("slave of a closed pty: stat = %v, want not exist", err)
	}
	if err := p2.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(link); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("link after Close: %v, want removed", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(link))
	if len(entries) != 0 {
		t.Fatalf("left behind: %v", entries)
	}
}
