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
