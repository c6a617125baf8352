package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
)

type studyCore interface {
	ChooseClassSize(n int)
	JoinClass(i int)
	BookLater()
	ChooseDay(day time.Time)
	ChooseStart(start time.Time)
	ChooseZone(zone string, quiet bool, want ...kiosk.Feature)
	ChooseSeat(number string)
	ChooseUntil(end time.Time)
	PrintSlip()
	CheckInPlace()
	ExtendPlace(end time.Time)
	LeavePlace()
	Back()
}

// zoneName is a zone's name in language l, Dutch where it has none.
func zoneName(names map[string]string, l string) string {
	if n := names[l]; n != "" {
		return n
	}
	return names[kiosk.DefaultLanguage]
}

func clockTime(t time.Time) string { return t.Format("15:04") }

// studyCardScreen asks for the card to take a study place.
type studyCardScreen struct {
	noHint
	root        *fyne.Container
	title, text *widget.Label
}

func newStudyCard() *studyCardScreen {
	s := &studyCardScreen{title: heading(""), text: body("")}
	s.root = container.New(column{900}, container.NewVBox(layout.NewSpacer(), s.title, newScannerPicture(), s.text, layout.NewSpacer()))
	return s
}

func (s *studyCardScreen) object() fyne.CanvasObject { return s.root }
func (s *studyCardScreen) Visible() bool             { return s.root.Visible() }
func (s *studyCardScreen) clear(*texts)              {}

func (s *studyCardScreen) render(t *texts, v kiosk.View) {
	t.label(s.title, lang.L("study.title"))
	t.label(s.text, lang.L("study.scan_card"))
}

// choices is a grid of buttons gap apart, rebuilt when their texts change.
type choices struct {
	box  *fyne.Container
	keys []string
}

func newChoices(columns int, size fyne.Size) *choices {
	return &choices{box: container.New(&grid{columns: columns, cell: size})}
}

// set shows one button per (text, tap); disabled ones are greyed and say
// why in their text.
func (c *choices) set(t *texts, texts []string, enabled []bool, taps []func()) {
	key := fmt.Sprint(texts, enabled)
	if len(c.keys) == 1 && c.keys[0] == key {
		return
	}
	c.keys = []string{key}
	objs := make([]fyne.CanvasObject, len(texts))
	for i, text := range texts {
		// Never disabled: a greyed text cannot be read. A choice that is
		// not free says so on its face, and a tap on it says why.
		b := widget.NewButton(text, taps[i])
		if enabled[i] {
			b.Importance = widget.HighImportance
		}
		objs[i] = outlined(b)
	}
	c.box.Objects = objs
	c.box.Refresh()
	t.dirty = true
}

// grid lays out cells of one size, columns a row, gap apart, centred.
type grid struct {
	columns int
	cell    fyne.Size
	// laidOut is how many columns fitted when last laid out: standing,
	// fewer fit, and the grid needs more rows.
	laidOut int
}

func (g *grid) cols(width float32) int {
	n := g.columns
	for n > 1 && float32(n)*g.cell.Width+float32(n-1)*gap > width {
		n--
	}
	return n
}

func (g *grid) MinSize(objects []fyne.CanvasObject) fyne.Size {
	cols := g.columns
	if g.laidOut > 0 {
		cols = g.laidOut
	}
	rows := (len(objects) + cols - 1) / max(cols, 1)
	return fyne.NewSize(g.cell.Width, float32(rows)*g.cell.Height+float32(max(rows-1, 0))*gap)
}

func (g *grid) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	n := g.cols(size.Width)
	g.laidOut = n
	width := float32(n)*g.cell.Width + float32(n-1)*gap
	x0 := (size.Width - width) / 2
	for i, o := range objects {
		o.Move(fyne.NewPos(x0+float32(i%n)*(g.cell.Width+gap), float32(i/n)*(g.cell.Height+gap)))
		o.Resize(g.cell)
	}
}

// studyZonesScreen is the patron's own place, or the zones to choose from.
type studyZonesScreen struct {
	noHint
	root           *fyne.Container
	title, mine    *widget.Label
	checkIn, leave *widget.Button
	checkInBox     fyne.CanvasObject
	mineBox        *fyne.Container
	extendTitle    *widget.Label
	extend         *choices
	zones, quick   *choices
	classes        *choices
	classTitle     *widget.Label
	later          *widget.Button
	zonesBox       *fyne.Container
	core           studyCore
}

func newStudyZones(core studyCore) *studyZonesScreen {
	s := &studyZonesScreen{title: heading(""), mine: body(""), extendTitle: body(""), core: core,
		extend: newChoices(4, fyne.NewSize(150, 72)), zones: newChoices(3, fyne.NewSize(340, 96)), quick: newChoices(3, fyne.NewSize(340, 80))}
	s.checkIn = bigButton(theme.ConfirmIcon(), func() { core.CheckInPlace() })
	s.leave = widget.NewButtonWithIcon("", theme.LogoutIcon(), func() { core.LeavePlace() })
	s.checkInBox = container.New(fixedHeight{80}, container.New(fixedWidth{300}, s.checkIn))
	s.mineBox = container.NewVBox(s.mine, container.NewCenter(row(s.checkInBox,
		container.New(fixedHeight{80}, container.New(fixedWidth{300}, outlined(s.leave))))),
		s.extendTitle, s.extend.box)
	s.later = widget.NewButtonWithIcon("", theme.HistoryIcon(), func() { core.BookLater() })
	s.classes = newChoices(2, fyne.NewSize(420, 88))
	s.classTitle = body("")
	s.zonesBox = container.NewVBox(s.classTitle, s.classes.box, s.zones.box, s.quick.box, container.NewCenter(container.New(fixedHeight{72}, outlined(s.later))))
	s.root = container.NewVBox(s.title, s.mineBox, s.zonesBox)
	return s
}

func (s *studyZonesScreen) object() fyne.CanvasObject { return s.root }
func (s *studyZonesScreen) Visible() bool             { return s.root.Visible() }
func (s *studyZonesScreen) clear(*texts)              {}

func (s *studyZonesScreen) render(t *texts, v kiosk.View) {
	st, l := v.Study, v.Chrome.Lang
	if len(st.Mine) > 0 {
		m := st.Mine[0]
		t.label(s.title, lang.L("study.mine_title"))
		key := "study.mine_booked"
		if m.CheckedIn {
			key = "study.mine_here"
		}
		t.label(s.mine, lang.L(key, map[string]any{"Seat": m.Seat, "From": clockTime(m.Start), "Until": clockTime(m.End)}))
		t.button(s.checkIn, lang.L("study.check_in"))
		t.button(s.leave, lang.L("study.leave"))
		t.show(s.checkInBox, !m.CheckedIn)
		t.label(s.extendTitle, lang.L("study.extend"))
		t.show(s.extendTitle, len(st.Extend) > 0)
		var texts []string
		var on []bool
		var taps []func()
		for _, e := range st.Extend {
			end := e
			texts, on, taps = append(texts, clockTime(e)), append(on, true), append(taps, func() { s.core.ExtendPlace(end) })
		}
		s.extend.set(t, texts, on, taps)
		t.show(s.mineBox, true)
		t.show(s.zonesBox, false)
		return
	}
	t.show(s.mineBox, false)
	t.show(s.zonesBox, true)
	switch {
	case st.Teacher:
		t.label(s.title, lang.L("study.class_choose"))
	case st.Later:
		t.label(s.title, lang.L("study.choose_for", map[string]any{"Day": dayNameFrom(st.Start, st.Now), "From": clockTime(st.Start)}))
	default:
		t.label(s.title, lang.L("study.choose"))
	}
	var ctexts []string
	var con []bool
	var ctaps []func()
	for i, b := range st.Blocks {
		i := i
		data := map[string]any{"From": clockTime(b.Start), "Until": clockTime(b.End), "Count": b.Open, "Seats": b.Seats}
		if st.Teacher {
			ctexts = append(ctexts, lang.L("study.class_mine", data))
			ctaps = append(ctaps, func() { s.core.CheckInPlace() })
		} else {
			ctexts = append(ctexts, lang.N("study.class_join", b.Open, data))
			ctaps = append(ctaps, func() { s.core.JoinClass(i) })
		}
		con = append(con, true)
	}
	s.classes.set(t, ctexts, con, ctaps)
	classKey := "study.classes"
	if st.Teacher {
		classKey = "study.classes_mine"
	}
	t.label(s.classTitle, lang.L(classKey))
	t.show(s.classTitle, len(st.Blocks) > 0)
	t.show(s.classes.box, len(st.Blocks) > 0)
	t.show(s.quick.box, !st.Teacher)
	t.button(s.later, lang.L("study.later"))
	t.show(s.later, !st.Later)
	var texts []string
	var on []bool
	var taps []func()
	for _, z := range st.Zones {
		id := z.Zone
		texts = append(texts, zoneName(z.Names, l)+"\n"+lang.N("study.zone_free", z.Free, map[string]any{"Count": z.Free, "Total": z.Total}))
		on, taps = append(on, z.Free > 0), append(taps, func() { s.core.ChooseZone(id, false) })
	}
	s.zones.set(t, texts, on, taps)
	s.quick.set(t, []string{lang.L("study.any_pc"), lang.L("study.any_power"), lang.L("study.any_quiet")},
		[]bool{false, false, false}, []func(){
			func() { s.core.ChooseZone("", false, kiosk.FeaturePC) },
			func() { s.core.ChooseZone("", false, kiosk.FeaturePower) },
			func() { s.core.ChooseZone("", true) },
		})
}

// studySeatsScreen is a zone's map: every seat with its number and its
// state in words.
type studySeatsScreen struct {
	noHint
	root  *fyne.Container
	title *widget.Label
	back  *widget.Button
	seats *fyne.Container
	key   string
	core  studyCore
}

func newStudySeats(core studyCore) *studySeatsScreen {
	s := &studySeatsScreen{title: heading(""), core: core, seats: container.New(&seatMap{cell: fyne.NewSize(200, 88)})}
	s.back = widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { core.Back() })
	s.root = container.NewBorder(s.title, container.NewHBox(outlined(s.back)), nil, nil, container.NewVScroll(s.seats))
	return s
}

func (s *studySeatsScreen) object() fyne.CanvasObject { return s.root }
func (s *studySeatsScreen) Visible() bool             { return s.root.Visible() }
func (s *studySeatsScreen) clear(*texts)              {}

var seatStateKeys = map[kiosk.SeatState]string{
	kiosk.SeatFree:         "study.seat_free",
	kiosk.SeatTaken:        "study.seat_taken",
	kiosk.SeatReserved:     "study.seat_reserved",
	kiosk.SeatOutOfService: "study.seat_out",
}

func (s *studySeatsScreen) render(t *texts, v kiosk.View) {
	name := v.Study.Zone
	for _, z := range v.Study.Zones {
		if z.Zone == v.Study.Zone {
			name = zoneName(z.Names, v.Chrome.Lang)
		}
	}
	t.label(s.title, lang.L("study.zone_title", map[string]any{"Zone": name}))
	t.button(s.back, lang.L("button.back"))
	key := fmt.Sprint(v.Chrome.Lang, v.Study.Seats)
	if key == s.key {
		return
	}
	s.key = key
	objs := make([]fyne.CanvasObject, len(v.Study.Seats))
	for i, sn := range v.Study.Seats {
		number := sn.Seat.Number
		b := widget.NewButton(number+"\n"+lang.L(seatStateKeys[sn.State]), func() { s.core.ChooseSeat(number) })
		if sn.State == kiosk.SeatFree {
			b.Importance = widget.HighImportance // free ones stand out; the others stay readable
		}
		objs[i] = container.New(&seatCell{row: sn.Seat.Row, col: sn.Seat.Column}, outlined(b))
	}
	s.seats.Objects = objs
	s.seats.Refresh()
	t.dirty = true
}

// seatCell places a seat at its row and column on the map.
type seatCell struct{ row, col int }

func (c *seatCell) MinSize(objects []fyne.CanvasObject) fyne.Size { return objects[0].MinSize() }
func (c *seatCell) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	objects[0].Resize(size)
}

// seatMap lays seats out by their row and column, gap apart, scaled down
// to the width there is (never below 120 px a seat: it scrolls instead).
type seatMap struct{ cell fyne.Size }

func (m *seatMap) extent(objects []fyne.CanvasObject) (rows, cols int) {
	for _, o := range objects {
		c := o.(*fyne.Container).Layout.(*seatCell)
		rows, cols = max(rows, c.row), max(cols, c.col)
	}
	return rows, cols
}

func (m *seatMap) cellFor(width float32, cols int) fyne.Size {
	w := m.cell.Width
	if cols > 0 {
		w = min(w, (width-float32(cols-1)*gap)/float32(cols))
	}
	return fyne.NewSize(max(w, 120), m.cell.Height)
}

func (m *seatMap) MinSize(objects []fyne.CanvasObject) fyne.Size {
	rows, cols := m.extent(objects)
	c := m.cellFor(0, 0)
	return fyne.NewSize(min(float32(cols)*(120+gap), 120), float32(rows)*(c.Height+gap))
}

func (m *seatMap) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	_, cols := m.extent(objects)
	c := m.cellFor(size.Width, cols)
	x0 := max(0, (size.Width-float32(cols)*(c.Width+gap)+gap)/2) // the map centred
	for _, o := range objects {
		sc := o.(*fyne.Container).Layout.(*seatCell)
		o.Move(fyne.NewPos(x0+float32(sc.col-1)*(c.Width+gap), float32(sc.row-1)*(c.Height+gap)))
		o.Resize(c)
	}
}

// studyUntilScreen asks until when.
type studyUntilScreen struct {
	noHint
	root  *fyne.Container
	title *widget.Label
	ends  *choices
	core  studyCore
}

func newStudyUntil(core studyCore) *studyUntilScreen {
	s := &studyUntilScreen{title: heading(""), ends: newChoices(4, fyne.NewSize(150, 72)), core: core}
	s.root = container.NewBorder(s.title, nil, nil, nil, container.NewVScroll(s.ends.box))
	return s
}

func (s *studyUntilScreen) object() fyne.CanvasObject { return s.root }
func (s *studyUntilScreen) Visible() bool             { return s.root.Visible() }
func (s *studyUntilScreen) clear(*texts)              {}

func (s *studyUntilScreen) render(t *texts, v kiosk.View) {
	t.label(s.title, lang.L("study.until", map[string]any{"Seat": v.Study.Seat}))
	var texts []string
	var on []bool
	var taps []func()
	for _, e := range v.Study.Until {
		end := e
		texts, on, taps = append(texts, clockTime(e)), append(on, true), append(taps, func() { s.core.ChooseUntil(end) })
	}
	s.ends.set(t, texts, on, taps)
}

// studyDoneScreen says which place is the patron's, where, until when.
type studyDoneScreen struct {
	noHint
	root              *fyne.Container
	title, seat, text *widget.Label
	print             *widget.Button
	printBox          fyne.CanvasObject
}

func newStudyDone(core studyCore) *studyDoneScreen {
	s := &studyDoneScreen{title: heading(""), seat: heading(""), text: body("")}
	s.print = widget.NewButtonWithIcon("", theme.DocumentPrintIcon(), func() { core.PrintSlip() })
	s.printBox = container.NewCenter(container.New(fixedHeight{80}, container.New(fixedWidth{360}, outlined(s.print))))
	s.seat.SizeName = theme.SizeNameHeadingText
	icon := container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(96), widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon()))))
	s.root = container.New(column{900}, container.NewVBox(layout.NewSpacer(), icon, s.title, s.seat, s.text, s.printBox, layout.NewSpacer()))
	return s
}

func (s *studyDoneScreen) object() fyne.CanvasObject { return s.root }
func (s *studyDoneScreen) Visible() bool             { return s.root.Visible() }
func (s *studyDoneScreen) clear(t *texts)            { t.label(s.seat, "") }

func (s *studyDoneScreen) render(t *texts, v kiosk.View) {
	b := v.Study.Booked
	zone := zoneName(v.Study.BookedZone, v.Chrome.Lang)
	if b.CheckedIn {
		t.label(s.title, lang.L("study.done_title"))
	} else {
		t.label(s.title, lang.L("study.done_title_later"))
	}
	if n := len(v.Study.Block); n > 0 {
		t.label(s.title, lang.L("study.class_done"))
		t.label(s.seat, lang.L("study.class_seats", map[string]any{"First": v.Study.Block[0], "Last": v.Study.Block[n-1], "Count": n}))
	} else if b.Seat == "" {
		t.label(s.seat, lang.L("study.class_here"))
	} else {
		t.label(s.seat, lang.L("study.done_seat", map[string]any{"Seat": b.Seat}))
	}
	text := lang.L("study.done_until", map[string]any{"Until": clockTime(b.End)})
	if zone != "" {
		text = zone + ". " + text
	}
	if !b.CheckedIn {
		text = zoneOrEmpty(zone) + lang.L("study.done_later", map[string]any{"Day": dayNameFrom(b.Start, v.Study.Now),
			"From": clockTime(b.Start), "Until": clockTime(b.End)})
		text += " " + lang.L("study.done_checkin", map[string]any{"From": clockTime(v.Study.CheckinFrom)})
	}
	t.label(s.text, text)
	t.button(s.print, lang.L("study.print"))
	t.show(s.printBox, v.Chrome.CanPrint && len(v.Study.Block) == 0) // a slip is for one place
}

// dayNameFrom says a day as a patron would, seen from now: "vandaag",
// "morgen", or its date.
func dayNameFrom(day, now time.Time) string {
	y, m, d := now.Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, now.Location())
	switch day.Sub(today) / (24 * time.Hour) {
	case 0:
		return lang.L("study.today")
	case 1:
		return lang.L("study.tomorrow")
	}
	return lang.L("study.on_date", map[string]any{"Date": day.Format("02-01")})
}

// studyWhenScreen asks when a place is wanted: a day, then a start time.
type studyWhenScreen struct {
	noHint
	root          *fyne.Container
	title, starts *widget.Label
	days, times   *choices
	core          studyCore
}

func newStudyWhen(core studyCore) *studyWhenScreen {
	s := &studyWhenScreen{title: heading(""), starts: body(""), core: core,
		days: newChoices(4, fyne.NewSize(200, 72)), times: newChoices(5, fyne.NewSize(130, 64))}
	s.root = container.NewBorder(container.NewVBox(s.title, s.days.box, s.starts), nil, nil, nil, container.NewVScroll(s.times.box))
	return s
}

func (s *studyWhenScreen) object() fyne.CanvasObject { return s.root }
func (s *studyWhenScreen) Visible() bool             { return s.root.Visible() }
func (s *studyWhenScreen) clear(*texts)              {}

func (s *studyWhenScreen) render(t *texts, v kiosk.View) {
	st := v.Study
	t.label(s.title, lang.L("study.when"))
	now := st.Now
	var texts []string
	var on []bool
	var taps []func()
	for _, d := range st.Days {
		day := d
		texts = append(texts, dayNameFrom(d, now))
		on = append(on, d.Equal(st.Day))
		taps = append(taps, func() { s.core.ChooseDay(day) })
	}
	s.days.set(t, texts, on, taps)
	t.label(s.starts, lang.L("study.from_when", map[string]any{"Day": dayNameFrom(st.Day, now)}))
	texts, on, taps = nil, nil, nil
	for _, st := range st.Starts {
		start := st
		texts, on, taps = append(texts, clockTime(st)), append(on, false), append(taps, func() { s.core.ChooseStart(start) })
	}
	s.times.set(t, texts, on, taps)
}

func zoneOrEmpty(zone string) string {
	if zone == "" {
		return ""
	}
	return zone + ". "
}

// studyClassScreen asks a teacher how many places the class needs.
type studyClassScreen struct {
	noHint
	root  *fyne.Container
	title *widget.Label
	sizes *choices
	core  studyCore
}

func newStudyClass(core studyCore) *studyClassScreen {
	s := &studyClassScreen{title: heading(""), sizes: newChoices(5, fyne.NewSize(130, 72)), core: core}
	s.root = container.NewBorder(s.title, nil, nil, nil, container.NewVScroll(s.sizes.box))
	return s
}

func (s *studyClassScreen) object() fyne.CanvasObject { return s.root }
func (s *studyClassScreen) Visible() bool             { return s.root.Visible() }
func (s *studyClassScreen) clear(*texts)              {}

func (s *studyClassScreen) render(t *texts, v kiosk.View) {
	t.label(s.title, lang.L("study.class_size"))
	var texts []string
	var on []bool
	var taps []func()
	for _, n := range v.Study.ClassSizes {
		n := n
		texts, on, taps = append(texts, fmt.Sprint(n)), append(on, true), append(taps, func() { s.core.ChooseClassSize(n) })
	}
	s.sizes.set(t, texts, on, taps)
}
