//go:build !race

package ui

import "testing"

// The golden pictures are not taken under the race detector, which makes
// Fyne's software painter twelve times slower; make test takes them in a
// run of their own.

// Golden pictures of every screen, from fixed data, in Dutch and English,
// standing and lying. To renew one, delete it: the test writes the new
// picture to testdata/failed/ for you to look at and move.
func TestScreensLookRight(t *testing.T) {
	for _, l := range Languages {
		t.Run(l, func(t *testing.T) {
			u, w := fixedUI(t, l)
			for _, o := range orientations {
				w.Resize(o.size)
				for _, g := range goldenViews(l) {
					u.Render(g.v)
					assertGolden(t, g.name+"_"+l+"_"+o.name+".png", w.Canvas().Capture())
				}
			}
		})
	}
}
