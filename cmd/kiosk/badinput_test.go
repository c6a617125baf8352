package main

import (
	"bytes"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A configuration holding the SIP2 password that every user may read stops
// the kiosk before it starts, with the command that fixes it.
func TestWorldReadablePasswordIsRefused(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	path := filepath.Join(t.TempDir(), "kiosk.toml")
	if err := os.WriteFile(path, []byte("[ils]\naddress = \"demo\"\npassword = \"geheim\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(kioskBinary(t), "-config", path, "-data-dir", t.TempDir())
	out, err := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); err == nil || code != 2 {
		t.Fatalf("exit code %d, want 2; output %s", code, out)
	}
	if want := "chmod 600 " + path; !strings.Contains(string(out), path+":3: ") || !strings.Contains(string(out), want) || strings.Contains(string(out), "geheim") {
		t.Errorf("output %q: want the file, line 3 and %q, not the password", out, want)
	}
}

// Without a display the kiosk says so in one line and exits, without a
// GLFW panic: no DISPLAY at all, or one no X server answers on.
func TestNoDisplayIsOneLine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DISPLAY=") && !strings.HasPrefix(kv, "WAYLAND_DISPLAY=") {
			env = append(env, kv)
		}
	}
	env = append(env, "LANGUAGE=nl") // else Fyne's own init may complain of a C locale
	for _, tc := range []struct{ name, display, want string }{
		{"unset", "", "no display: DISPLAY and WAYLAND_DISPLAY are not set"},
		{"bogus", ":987", `no display: cannot open the X display ":987"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// t.TempDir() is 0755: that it is closed to others is not logged without a display.
			cmd := exec.Command(kioskBinary(t), "-data-dir", t.TempDir())
			cmd.Env = env
			if tc.display != "" {
				cmd.Env = append(env, "DISPLAY="+tc.display)
			}
			out, err := cmd.CombinedOutput()
			if err == nil || cmd.ProcessState.ExitCode() != 1 {
				t.Errorf("exit code %d, want 1", cmd.ProcessState.ExitCode())
			}
			text := strings.TrimSuffix(string(out), "\n")
			if strings.Contains(text, "\n") || !strings.HasPrefix(text, "kiosk: "+tc.want) ||
				strings.Contains(text, "goroutine") || strings.Contains(text, "panic") {
				t.Errorf("output %q: want one line starting %q", out, "kiosk: "+tc.want)
			}
		})
	}
}

// An existing data directory that is the kiosk's own is closed to other
// users, and says so; one that is not is left as it is, and reported.
func TestSecureDataDir(t *testing.T) {
	mkdir := func(t *testing.T, mode os.FileMode, files ...string) string {
		dir := filepath.Join(t.TempDir(), "state")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if err := os.WriteFile(filepath.Join(dir, f), nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Chmod(dir, mode); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	for _, tc := range []struct {
		name  string
		mode  os.FileMode
		files []string
		want  os.FileMode // the mode after
		log   string      // "": no log line
	}{
		{"the kiosk's, open to all", 0o755, []string{"kiosk.db", "attention.csv"}, 0o700, `msg="data directory was open to other users: now 0700" dir=DIR was=0755`},
		{"empty, open to the group", 0o750, nil, 0o700, "now 0700"},
		{"closed already", 0o700, []string{"kiosk.db"}, 0o700, ""},
		{"holding other things", 0o755, []string{"passwd"}, 0o755, "it is not the kiosk's own, so it is left as it is"},
		{"shared", 0o777 | os.ModeSticky, []string{"kiosk.db"}, 0o777, "it is not the kiosk's own"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := mkdir(t, tc.mode, tc.files...)
			var buf bytes.Buffer
			secureDataDir(dir, slog.New(slog.NewTextHandler(&buf, nil)))
			fi, err := os.Stat(dir)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != tc.want {
				t.Errorf("mode %04o, want %04o", fi.Mode().Perm(), tc.want)
			}
			got := buf.String()
			if tc.log == "" && got != "" || tc.log != "" && (strings.Count(got, "\n") != 1 || !strings.Contains(got, strings.ReplaceAll(tc.log, "DIR", dir))) {
				t.Errorf("log %q, want one line with %q", got, tc.log)
			}
		})
	}
	var buf bytes.Buffer
	secureDataDir(filepath.Join(t.TempDir(), "missing"), slog.New(slog.NewTextHandler(&buf, nil)))
	if buf.Len() != 0 {
		t.Errorf("a missing directory: %q", buf.String())
	}
}
