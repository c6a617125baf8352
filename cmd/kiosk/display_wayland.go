//go:build linux && wayland

package main

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
)

// openDisplay connects to the Wayland compositor GLFW will use (this build
// is for Wayland) and hangs up again, to say why it cannot be reached.
func openDisplay() (release func(), err error) {
	name := os.Getenv("WAYLAND_DISPLAY")
	if name == "" {
		return nil, fmt.Errorf("WAYLAND_DISPLAY is not set, and this kiosk is built for Wayland")
	}
	if !filepath.IsAbs(name) {
		name = filepath.Join(os.Getenv("XDG_RUNTIME_DIR"), name)
	}
	c, err := net.Dial("unix", name)
	if err != nil {
		return nil, fmt.Errorf("cannot reach the Wayland compositor: %v", err)
	}
	c.Close()
	return func() {}, nil
}
