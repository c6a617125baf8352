package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
)

// checkDisplay says in one line why the kiosk cannot open its window, or
// returns a func to call once the window is up. Without it, GLFW panics with
// a stack trace when Fyne makes the window.
func checkDisplay() (release func(), err error) {
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return nil, errors.New("no display: DISPLAY and WAYLAND_DISPLAY are not set; start the kiosk in its graphical session, or with DISPLAY=:0")
	}
	release, err = openDisplay()
	if err != nil {
		return nil, fmt.Errorf("no display: %w", err)
	}
	return release, nil
}

// secureDataDir closes an existing data directory to other users, as
// storage makes a new one (0700): it holds the journal with card numbers.
// A directory that is not the kiosk's own (another user's, or one that
// holds other things, like data_dir = "/var/lib") is left as it is and
// reported.
func secureDataDir(dir string, log *slog.Logger) {
	fi, err := os.Stat(dir)
	if err != nil || !fi.IsDir() {
		return // storage makes it, or says what is wrong
	}
	perm := fi.Mode().Perm()
	if perm&0o077 == 0 {
		return
	}
	mode := fmt.Sprintf("%04o", perm)
	if !ownDataDir(dir, fi) {
		log.Warn("data directory is open to other users; it is not the kiosk's own, so it is left as it is: give the kiosk a directory of its own (kiosk.data_dir)",
			"dir", dir, "mode", mode)
		return
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		log.Warn("data directory is open to other users and could not be closed", "dir", dir, "mode", mode, "err", err)
		return
	}
	log.Warn("data directory was open to other users: now 0700", "dir", dir, "was", mode)
}

// ownDataDir reports whether dir is the kiosk's: this user's, not a shared
// (sticky) directory like /tmp, and empty or holding the kiosk's database.
func ownDataDir(dir string, fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok || int(st.Uid) != os.Geteuid() || fi.Mode()&os.ModeSticky != 0 {
		return false
	}
	if _, err := os.Lstat(filepath.Join(dir, "kiosk.db")); err == nil {
		return true
	}
	d, err := os.Open(dir)
	if err != nil {
		return false
	}
	defer d.Close()
	_, err = d.Readdirnames(1)
	return errors.Is(err, io.EOF)
}
