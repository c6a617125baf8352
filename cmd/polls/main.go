// Command polls writes the results of the kiosk's quick polls, from a
// kiosk's database while that kiosk is stopped (the kiosk holds its
// database):
//
//	polls -data-dir /var/lib/bibliotheek-kiosk csv [-by hour|weekday|service|lang|poll]
//	polls -data-dir /var/lib/bibliotheek-kiosk chart -out results.png [-by …]
//
// The CSV has two tables, a blank line between: the answers per group
// (faces 1 to 4, how many, the mean face, how many were filtered out as
// spam and left out of the rest), then per service how often a poll was
// shown, answered and skipped, and the response rate (answered / shown).
// The chart shows the faces per group as bars.
package main

import (
	"cmp"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk/config"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, out, errOut io.Writer) int {
	fs := flag.NewFlagSet("polls", flag.ContinueOnError)
	fs.SetOutput(errOut)
	dataDir := fs.String("data-dir", "", "the kiosk's data `directory` (default: as the kiosk's)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cmd := fs.Arg(0)
	if cmd != "csv" && cmd != "chart" {
		fmt.Fprintf(errOut, "polls: %q is not a command; use csv or chart\n", cmd)
		return 2
	}
	sub := flag.NewFlagSet("polls "+cmd, flag.ContinueOnError)
	sub.SetOutput(errOut)
	by := sub.String("by", "hour", "group the answers by `hour`, weekday, service, lang or poll")
	outFile := sub.String("out", "", "the chart's PNG `file` (chart only)")
	width := sub.Int("width", 800, "the chart's width in pixels")
	height := sub.Int("height", 500, "the chart's height in pixels")
	if err := sub.Parse(fs.Args()[1:]); err != nil {
		return 2
	}
	if groupKey(*by) == nil {
		fmt.Fprintf(errOut, "polls: -by %q: use hour, weekday, service, lang or poll\n", *by)
		return 2
	}
	if cmd == "chart" && *outFile == "" {
		fmt.Fprintln(errOut, "polls: chart needs -out FILE.png")
		return 2
	}
	dir := *dataDir
	if dir == "" {
		d, err := config.Default().DataDir()
		if err != nil {
			fmt.Fprintf(errOut, "polls: %v\n", err)
			return 1
		}
		dir = d
	}
	store, err := storage.Open(filepath.Join(dir, "kiosk.db"))
	if errors.Is(err, storage.ErrLocked) {
		fmt.Fprintln(errOut, "polls: the kiosk is running and holds its database: stop it first (systemctl stop kiosk), then try again")
		return 1
	}
	if err != nil {
		fmt.Fprintf(errOut, "polls: %v\n", err)
		return 1
	}
	defer store.Close()
	groups, err := aggregate(store, *by)
	if err != nil {
		fmt.Fprintf(errOut, "polls: %v\n", err)
		return 1
	}
	if cmd == "chart" {
		if err := chart(groups, *by, *outFile, *width, *height); err != nil {
			fmt.Fprintf(errOut, "polls: %v\n", err)
			return 1
		}
		return 0
	}
	counts, err := store.PollCounts()
	if err != nil {
		fmt.Fprintf(errOut, "polls: %v\n", err)
		return 1
	}
	if err := writeCSV(out, *by, groups, counts); err != nil {
		fmt.Fprintf(errOut, "polls: %v\n", err)
		return 1
	}
	return 0
}

// group is the answers of one value of -by.
type group struct {
	Label    string
	order    int // weekdays Monday first, hours by number; else by label
	Faces    [5]int
	Filtered int
}

func (g *group) answers() int { return g.Faces[1] + g.Faces[2] + g.Faces[3] + g.Faces[4] }

func (g *group) mean() float64 {
	n := g.answers()
	if n == 0 {
		return 0
	}
	return float64(g.Faces[1]+2*g.Faces[2]+3*g.Faces[3]+4*g.Faces[4]) / float64(n)
}

// groupKey returns the label and order of an answer for -by, nil for an unknown one.
func groupKey(by string) func(a *storage.PollAnswer) (string, int) {
	switch by {
	case "hour":
		return func(a *storage.PollAnswer) (string, int) { return fmt.Sprintf("%02d", a.Hour), a.Hour }
	case "weekday":
		return func(a *storage.PollAnswer) (string, int) { return a.Weekday.String(), (int(a.Weekday) + 6) % 7 }
	case "service":
		return func(a *storage.PollAnswer) (string, int) { return a.Service, 0 }
	case "lang":
		return func(a *storage.PollAnswer) (string, int) { return a.Lang, 0 }
	case "poll":
		return func(a *storage.PollAnswer) (string, int) { return a.Poll, 0 }
	}
	return nil
}

// aggregate reads every answer once and counts them per group, in order.
func aggregate(store *storage.Store, by string) ([]*group, error) {
	key := groupKey(by)
	byLabel := map[string]*group{}
	err := store.PollAnswers(func(_ string, a storage.PollAnswer) error {
		label, order := key(&a)
		g := byLabel[label]
		if g == nil {
			g = &group{Label: label, order: order}
			byLabel[label] = g
		}
		switch {
		case a.Filtered:
			g.Filtered++
		case a.Face >= 1 && a.Face <= 4:
			g.Faces[a.Face]++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]*group, 0, len(byLabel))
	for _, g := range byLabel {
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b *group) int { return cmp.Or(cmp.Compare(a.order, b.order), cmp.Compare(a.Label, b.Label)) })
	return out, nil
}

func writeCSV(w io.Writer, by string, groups []*group, counts []storage.PollCount) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{by, "face1", "face2", "face3", "face4", "answers", "mean", "filtered"})
	for _, g := range groups {
		mean := ""
		if g.answers() > 0 {
			mean = strconv.FormatFloat(g.mean(), 'f', 2, 64)
		}
		cw.Write([]string{g.Label, strconv.Itoa(g.Faces[1]), strconv.Itoa(g.Faces[2]), strconv.Itoa(g.Faces[3]), strconv.Itoa(g.Faces[4]),
			strconv.Itoa(g.answers()), mean, strconv.Itoa(g.Filtered)})
	}
	cw.Flush()
	if _, err := io.WriteString(w, "\n"); err != nil {
		return err
	}
	type events struct{ shown, answered, skipped uint64 }
	per := map[string]*events{}
	for _, c := range counts {
		e := per[c.Service]
		if e == nil {
			e = &events{}
			per[c.Service] = e
		}
		switch c.Event {
		case "shown":
			e.shown += c.N
		case "answered":
			e.answered += c.N
		case "skipped":
			e.skipped += c.N
		}
	}
	cw.Write([]string{"service", "shown", "answered", "skipped", "response_rate"})
	for _, svc := range slices.Sorted(func(yield func(string) bool) {
		for k := range per {
			if !yield(k) {
				return
			}
		}
	}) {
		e := per[svc]
		rate := ""
		if e.shown > 0 {
			rate = strconv.FormatFloat(float64(e.answered)/float64(e.shown), 'f', 3, 64)
		}
		cw.Write([]string{svc, strconv.FormatUint(e.shown, 10), strconv.FormatUint(e.answered, 10), strconv.FormatUint(e.skipped, 10), rate})
	}
	cw.Flush()
	return cw.Error()
}

// chart draws the faces per group as bars, four to a group, into a PNG of
// width by height pixels.
func chart(groups []*group, by, path string, width, height int) error {
	if width <= 0 || height <= 0 {
		return fmt.Errorf("chart size %dx%d", width, height)
	}
	p := plot.New()
	p.Title.Text = "Quick polls by " + by
	p.Y.Label.Text = "answers"
	names := []string{"1 heel slecht", "2 slecht", "3 goed", "4 heel goed"}
	colours := []color.Color{
		color.RGBA{0xc0, 0x39, 0x2b, 0xff}, color.RGBA{0xe6, 0x7e, 0x22, 0xff},
		color.RGBA{0x7d, 0xb9, 0x4a, 0xff}, color.RGBA{0x27, 0x8e, 0x3f, 0xff},
	}
	bw := vg.Points(float64(width) / float64(max(len(groups), 1)*6))
	for f := 1; f <= 4; f++ {
		vals := make(plotter.Values, len(groups))
		for i, g := range groups {
			vals[i] = float64(g.Faces[f])
		}
		if len(vals) == 0 {
			vals = plotter.Values{0}
		}
		bars, err := plotter.NewBarChart(vals, bw)
		if err != nil {
			return err
		}
		bars.Color = colours[f-1]
		bars.LineStyle.Width = 0
		bars.Offset = bw*vg.Length(f-1) - 1.5*bw
		p.Add(bars)
		p.Legend.Add(names[f-1], bars)
	}
	p.Legend.Top = true
	labels := make([]string, len(groups))
	for i, g := range groups {
		labels[i] = g.Label
	}
	if len(labels) > 0 {
		p.NominalX(labels...)
	}
	// At 72 dpi a point is a pixel: the PNG is width by height.
	c := vgimg.NewWith(vgimg.UseWH(vg.Points(float64(width)), vg.Points(float64(height))), vgimg.UseDPI(72))
	p.Draw(draw.New(c))
	wt := vgimg.PngCanvas{Canvas: c}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := wt.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
