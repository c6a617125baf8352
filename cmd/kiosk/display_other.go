//go:build !linux

package main

// openDisplay leaves it to GLFW where there is no X11 or Wayland to check.
func openDisplay() (release func(), err error) { return func() {}, nil }
