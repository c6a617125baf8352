package main

import (
	"errors"
	"fmt"
	"os"
)

// checkDisplay says in one line why the kiosk cannot open its window, or
// returns nil. Without it, GLFW panics with a stack trace when Fyne makes
// the window.
func checkDisplay() error {
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return errors.New("no display: DISPLAY and WAYLAND_DISPLAY are not set; start the kiosk in its graphical session, or with DISPLAY=:0")
	}
	if err := openDisplay(); err != nil {
		return fmt.Errorf("no display: %w", err)
	}
	return nil
}
