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

// openDisplay opens the X display GLFW will use (this build is for X11),
// to say why it cannot be opened. The connection stays open until release:
// an X server whose last client hangs up resets, and for a moment refuses
// new ones, such as Fyne's own a moment later.
func openDisplay() (release func(), err error) {
	if os.Getenv("DISPLAY") == "" {
		return nil, fmt.Errorf("DISPLAY is not set, and this kiosk is built for X11 (WAYLAND_DISPLAY=%s); start it with DISPLAY=:0, or build it with -tags wayland", os.Getenv("WAYLAND_DISPLAY"))
	}
	d := C.XOpenDisplay(nil)
	if d == nil {
		return nil, fmt.Errorf("cannot open the X display %q; is the X server running, and may this user use it?", os.Getenv("DISPLAY"))
	}
	return func() { C.XCloseDisplay(d) }, nil
}
