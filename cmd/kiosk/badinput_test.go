package main

import (
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
			// A new data directory: an existing one open to others would be logged as closed.
			cmd := exec.Command(kioskBinary(t), "-data-dir", filepath.Join(t.TempDir(), "state"))
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
