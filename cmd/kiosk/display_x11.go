//go:build linux && !wayland

package main

// #cgo LDFLAGS: -lX11
// #include <stdlib.h>
// #include <X11/Xlib.h>
import "C"

import (
	"fmt"
	"os"
)

// openDisplay opens the X display GLFW will use (this build is for X11)
// and closes it again, to say why it cannot be opened.
func openDisplay() error {
	if os.Getenv("DISPLAY") == "" {
		return fmt.Errorf("DISPLAY is not set, and this kiosk is built for X11 (WAYLAND_DISPLAY=%s); start it with DISPLAY=:0, or build it with -tags wayland", os.Getenv("WAYLAND_DISPLAY"))
	}
	d := C.XOpenDisplay(nil)
	if d == nil {
		return fmt.Errorf("cannot open the X display %q; is the X server running, and may this user use it?", os.Getenv("DISPLAY"))
	}
	C.XCloseDisplay(d)
	return nil
}
