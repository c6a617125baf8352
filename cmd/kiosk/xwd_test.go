package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"os/exec"
)

// screenshot grabs the whole X screen with xwd and decodes it.
func screenshot(display string) (image.Image, error) {
	cmd := exec.Command("xwd", "-root", "-silent", "-display", display)
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("xwd: %w", err)
	}
	return decodeXWD(out)
}

// decodeXWD reads the 24/32-bit TrueColor XWD files that xwd writes of an
// Xvfb screen.
func decodeXWD(b []byte) (image.Image, error) {
	if len(b) < 100 {
		return nil, fmt.Errorf("xwd: %d bytes is too short", len(b))
	}
	h := make([]uint32, 25)
	if err := binary.Read(bytes.NewReader(b[:100]), binary.BigEndian, h); err != nil {
		return nil, err
	}
	headerSize, width, height := int(h[0]), int(h[4]), int(h[5])
	byteOrder, bpp, bytesPerLine := h[7], int(h[11]), int(h[12])
	rmask, gmask, bmask := h[14], h[15], h[16]
	ncolors := int(h[19])
	if bpp != 32 {
		return nil, fmt.Errorf("xwd: %d bits per pixel, want 32", bpp)
	}
	off := headerSize + 12*ncolors
	if off+bytesPerLine*height > len(b) {
		return nil, fmt.Errorf("xwd: image data truncated")
	}
	shift := func(m uint32) uint {
		s := uint(0)
		for m != 0 && m&1 == 0 {
			m >>= 1
			s++
		}
		return s
	}
	rs, gs, bs := shift(rmask), shift(gmask), shift(bmask)
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	for y := range height {
		row := b[off+y*bytesPerLine:]
		for x := range width {
			var p uint32
			if byteOrder == 0 {
				p = binary.LittleEndian.Uint32(row[4*x:])
			} else {
				p = binary.BigEndian.Uint32(row[4*x:])
			}
			img.Set(x, y, color.RGBA{uint8((p & rmask) >> rs), uint8((p & gmask) >> gs), uint8((p & bmask) >> bs), 0xff})
		}
	}
	return img, nil
}

// differingPixels counts the pixels in which two screenshots differ.
func differingPixels(a, b image.Image) int {
	n := 0
	r := a.Bounds().Intersect(b.Bounds())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				n++
			}
		}
	}
	return n
}
