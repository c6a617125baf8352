package kiosk_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/kiosktest"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
)

// Items on the demo library's shelf (assets/demo/library.json), and one
// lent to Fatima (CardFines) to return.
var shelf = []string{"30790000000075", "30790000000083", "30790000000091", "30790000000109", "30790000000117"}

const itemTirza = "30790000000042" // Tirza, lent to Fatima

// A visit stops at Options.MaxRows items: the next item makes no row and
// reaches no library, and the patron reads why.
func TestVisitStopsAtMaxRows(t *testing.T) {
	const maxRows = 3
	r := newRig(t, kiosk.Options{MaxRows: maxRows, OfflineMaxItems: maxRows})
	r.welcome(t, kiosktest.CardAdult)
	for i, item := range shelf[:maxRows] {
		r.core.Scan(kiosk.Scan{Code: item})
		v := r.wait(t, "the loan of "+item, func(v kiosk.View) bool { return rowState(v, item) == kiosk.RowOK })
		if full := i == maxRows-1; v.Visit.Full != full {
			t.Errorf("after %d items Visit.Full = %v", i+1, v.Visit.Full)
		}
	}
	checkouts := r.requests("11")
	if checkouts != maxRows {
		t.Fatalf("%d checkouts reached the library, want %d", checkouts, maxRows)
	}

	r.core.Scan(kiosk.Scan{Code: shelf[maxRows]})
	v := r.wait(t, "the flash", func(v kiosk.View) bool { return v.Chrome.Flash != kiosk.NoticeNone })
	if v.Chrome.Flash != kiosk.NoticeVisitFull {
		t.Errorf("flash %v, want visit-full", v.Chrome.Flash)
	}
	v = r.quiet(v)
	if len(v.Visit.Rows) != maxRows || !v.Visit.Full {
		t.Errorf("after one item too many: %d rows, full %v; want %d rows, full", len(v.Visit.Rows), v.Visit.Full, maxRows)
	}
	if n := r.requests("11"); n != checkouts {
		t.Errorf("the item over the limit reached the library: %d checkouts, want %d", n, checkouts)
	}
	if it, _ := r.ils.Library.Item(shelf[maxRows]); it.Loan != nil {
		t.Errorf("the item over the limit was lent: %+v", it.Loan)
	}
}

// A renewal from the row of a checkout that found the item already the
// patron's takes that row over: one row for the item, the renewal, with
// the row's ID.
func TestRenewalTakesOverTheAlreadyYoursRow(t *testing.T) {
	r := newRig(t, kiosk.Options{})
	r.welcome(t, kiosktest.CardAdult)
	r.core.Scan(kiosk.Scan{Code: itemAvonden})
	v := r.wait(t, "the checkout refused", func(v kiosk.View) bool { return rowState(v, itemAvonden) == kiosk.RowRefused })
	row, _ := v.Visit.Row(kiosk.TxCheckout, itemAvonden)
	if row.Reason != kiosk.ReasonAlreadyYours {
		t.Fatalf("checkout of the patron's own loan: %+v, want already yours", row)
	}

	r.core.Renew(itemAvonden)
	v = r.wait(t, "the renewal", func(v kiosk.View) bool {
		got, ok := v.Visit.Row(kiosk.TxRenew, itemAvonden)
		return ok && got.State != kiosk.RowPending
	})
	var mine []kiosk.Row
	for _, x := range v.Visit.Rows {
		if x.Item == itemAvonden {
			mine = append(mine, x)
		}
	}
	if len(mine) != 1 || mine[0].Kind != kiosk.TxRenew || mine[0].ID != row.ID || mine[0].State != kiosk.RowOK {
		t.Errorf("rows of the item after the renewal: %+v; want one renewal, ok, with ID %d", mine, row.ID)
	}
	if mine[0].Title != "De avonden" || mine[0].Media != kiosk.MediaBook {
		t.Errorf("renewal row %+v: want the title and media kept", mine[0])
	}
}

// Another card in a visit asks whether to switch, naming the other card's
// patron as the library system says; no keeps the visit as it was.
func TestSwitchCardQuestionNamesTheOtherPatronAndNoKeepsTheVisit(t *testing.T) {
	r := newRig(t, kiosk.Options{})
	r.welcome(t, kiosktest.CardAdult)
	r.core.Scan(kiosk.Scan{Code: shelf[0]})
	before := r.wait(t, "the loan", func(v kiosk.View) bool { return rowState(v, shelf[0]) == kiosk.RowOK })

	r.core.Scan(kiosk.Scan{Code: kiosktest.CardChild})
	v := r.wait(t, "the other patron's name", func(v kiosk.View) bool { return v.Visit.SwitchName != "" })
	if v.Visit.Confirm != kiosk.ConfirmSwitchPatron || v.Visit.SwitchName != "Sanne de Vries" {
		t.Errorf("question %v about %q; want switch-patron about Sanne de Vries", v.Visit.Confirm, v.Visit.SwitchName)
	}
	if v.Visit.Patron.Card != kiosktest.CardAdult {
		t.Errorf("the question's view is of %s", v.Visit.Patron.Card)
	}

	r.core.Answer(false)
	v = r.wait(t, "the question closed", func(v kiosk.View) bool { return v.Visit.Confirm == kiosk.ConfirmNone })
	if v.Screen != kiosk.ScreenWelcome || v.Visit.Patron.Card != kiosktest.CardAdult || v.Visit.SwitchName != "" {
		t.Errorf("after no: screen %v, patron %s, switch name %q; want Joost's welcome", v.Screen, v.Visit.Patron.Card, v.Visit.SwitchName)
	}
	if !slices.Equal(v.Visit.Rows, before.Visit.Rows) {
		t.Errorf("rows after no = %+v; want %+v", v.Visit.Rows, before.Visit.Rows)
	}

	// Still Joost's visit at the library system too: his own loan scanned
	// is offered for renewal, not lent (renewed) again unasked.
	checkouts := r.requests("11")
	r.core.Scan(kiosk.Scan{Code: itemAvonden})
	v = r.wait(t, "the own loan's row", func(v kiosk.View) bool {
		s := rowState(v, itemAvonden)
		return s != -1 && s != kiosk.RowPending
	})
	if row, _ := v.Visit.Row(kiosk.TxCheckout, itemAvonden); row.State != kiosk.RowRefused || row.Reason != kiosk.ReasonAlreadyYours {
		t.Errorf("own loan after the question: %+v; want refused, already yours", row)
	}
	if n := r.requests("11"); n != checkouts {
		t.Errorf("the own loan went to the library as a checkout (%d, want %d): it was renewed unasked", n, checkouts)
	}
}

// A card scanned while returning asks whether to borrow now; yes opens the
// patron's own visit, without the returns.
func TestCardWhileReturningAsksToBorrowNext(t *testing.T) {
	r := newRig(t, kiosk.Options{})
	r.core.StartReturn()
	r.until(t, kiosk.ScreenReturn)
	r.core.Scan(kiosk.Scan{Code: itemTirza})
	r.wait(t, "the return", func(v kiosk.View) bool { return rowState(v, itemTirza) == kiosk.RowOK })

	r.core.Scan(kiosk.Scan{Code: kiosktest.CardAdult})
	v := r.wait(t, "the question", func(v kiosk.View) bool { return v.Visit.Confirm != kiosk.ConfirmNone })
	if v.Visit.Confirm != kiosk.ConfirmBorrowNext || v.Screen != kiosk.ScreenReturn {
		t.Errorf("card while returning: question %v on %v; want borrow-next on return", v.Visit.Confirm, v.Screen)
	}

	r.core.Answer(true)
	v = r.until(t, kiosk.ScreenWelcome)
	if v.Visit.Patron.Card != kiosktest.CardAdult || v.Visit.Patron.Name != "Joost Müller" {
		t.Errorf("welcome of %q (%s), want Joost Müller", v.Visit.Patron.Name, v.Visit.Patron.Card)
	}
	if len(v.Visit.Rows) != 0 || v.Visit.Confirm != kiosk.ConfirmNone {
		t.Errorf("the patron's welcome has rows %+v, question %v; want none", v.Visit.Rows, v.Visit.Confirm)
	}
}

// Done after returns offers a receipt, which lists the returns and no
// card; Done without any says thank you.
func TestDoneAfterReturnsOffersAReceiptWithoutACard(t *testing.T) {
	r := newRig(t, kiosk.Options{})
	r.core.StartReturn()
	r.until(t, kiosk.ScreenReturn)
	r.core.Scan(kiosk.Scan{Code: itemTirza})
	r.wait(t, "the return", func(v kiosk.View) bool { return rowState(v, itemTirza) == kiosk.RowOK })
	r.core.Done()
	r.until(t, kiosk.ScreenReceipt)
	r.core.ChooseReceipt(kiosk.ReceiptScreen)
	rec := r.until(t, kiosk.ScreenReceiptShown).Visit.Receipt

	var lines []string
	for _, l := range rec.Lines {
		lines = append(lines, l.Left+"|"+l.Right)
		if strings.Contains(l.Left+l.Right, "receipt.card") {
			t.Errorf("a return receipt names a card: %+v", l)
		}
	}
	text := strings.Join(lines, "\n")
	if !strings.Contains(text, "receipt.checkin|") || !strings.Contains(text, "Tirza|") {
		t.Errorf("return receipt lines:\n%s\nwant the returns' heading and Tirza", text)
	}
	for _, kind := range []string{"receipt.checkout", "receipt.renew"} {
		if strings.Contains(text, kind) {
			t.Errorf("return receipt has %s:\n%s", kind, text)
		}
	}
	if slices.Contains(rec.Footer, "receipt.offline") {
		t.Errorf("an online return receipt says it is sent later: %v", rec.Footer)
	}

	r.core.Done()
	r.until(t, kiosk.ScreenNotice)
	r.core.StartReturn()
	r.until(t, kiosk.ScreenReturn)
	r.core.Done()
	if v := r.until(t, kiosk.ScreenNotice); v.Notice != kiosk.NoticeThanksReturn {
		t.Errorf("Done without returns: notice %v, want thanks-return", v.Notice)
	}
}

// The receipt of a visit while the library system was down says what was
// done offline goes to the library later.
func TestOfflineReceiptSaysSentLater(t *testing.T) {
	r := newRig(t, kiosk.Options{OfflineBorrow: true})
	r.ils.Stop(t)
	r.core.Scan(kiosk.Scan{Code: kiosktest.CardAdult})
	v := r.until(t, kiosk.ScreenWelcome)
	if !v.Chrome.ILS.Down {
		t.Fatal("the welcome with the library stopped is not offline")
	}
	r.core.Scan(kiosk.Scan{Code: shelf[0]})
	r.wait(t, "the offline loan", func(v kiosk.View) bool { return rowState(v, shelf[0]) == kiosk.RowOK })
	r.core.Done()
	r.until(t, kiosk.ScreenReceipt)
	r.core.ChooseReceipt(kiosk.ReceiptScreen)
	rec := r.until(t, kiosk.ScreenReceiptShown).Visit.Receipt
	if !slices.Contains(rec.Footer, "receipt.offline") || !slices.Contains(rec.Footer, "receipt.footer") {
		t.Errorf("offline receipt footer %q; want receipt.offline and receipt.footer", rec.Footer)
	}
	if !slices.ContainsFunc(rec.Lines, func(l kiosk.ReceiptLine) bool { return l.Left == "receipt.untitled" }) {
		t.Errorf("offline receipt lines %+v; want the loan, untitled", rec.Lines)
	}
}

// A ReplayJournal (staff's "send now") while the kiosk replays by itself,
// the library system back after offline loans, sends each loan once.
func TestReplayJournalBesideTheKiosksOwnReplaySendsOnce(t *testing.T) {
	const retry = 5 * time.Second
	items := shelf[:4]
	r := newRig(t, kiosk.Options{OfflineBorrow: true, RetryInterval: retry})
	r.ils.Stop(t)
	r.core.Scan(kiosk.Scan{Code: kiosktest.CardAdult})
	r.until(t, kiosk.ScreenWelcome)
	for _, item := range items {
		r.core.Scan(kiosk.Scan{Code: item})
		r.wait(t, "the offline loan of "+item, func(v kiosk.View) bool { return rowState(v, item) == kiosk.RowOK })
	}
	r.core.Done()
	r.until(t, kiosk.ScreenReceipt)
	r.core.ChooseReceipt(kiosk.ReceiptNone)
	r.until(t, kiosk.ScreenNotice)
	r.quiet(kiosk.View{})
	if n := r.requests("11"); n != 0 {
		t.Fatalf("%d checkouts reached a stopped library", n)
	}

	r.ils.Library.SetDelay(40 * time.Millisecond) // a replay that takes a while
	r.ils.Restart(t)
	r.clock.Advance(retry) // the probe finds the library back: the kiosk replays
	for deadline := time.Now().Add(10 * time.Second); r.requests("11") == 0; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the kiosk's own replay never began")
		}
	}
	sent, err := r.core.ReplayJournal()
	if err != nil {
		t.Fatal(err)
	}
	// Not fatal: what reached the library says more than a replay stuck.
	for timeout := time.After(10 * time.Second); ; {
		var v kiosk.View
		select {
		case v = <-r.views:
		case <-timeout:
			t.Error("the kiosk never came back online")
		}
		if !v.Chrome.ILS.Down && v.Chrome.ILS.Waiting == 0 {
			break
		}
	}
	if sent != 0 {
		t.Errorf("ReplayJournal after the kiosk's replay sent %d", sent)
	}
	lent := map[string]int{}
	for _, e := range r.ils.Library.History() {
		if e.Kind == "checkout" {
			lent[e.Item]++
		}
	}
	for _, item := range items {
		if lent[item] != 1 {
			t.Errorf("%s reached the library %d times, want once", item, lent[item])
		}
	}
	if len(lent) != len(items) {
		t.Errorf("checkouts at the library: %v", lent)
	}
}

// Once Run has returned, nothing the kiosk set going asks the library
// system anything, whatever time passes: not the probe while it is down,
// not the status check while it is up.
func TestNoRequestsAfterRunEnds(t *testing.T) {
	const retry = 5 * time.Second
	for _, down := range []bool{false, true} {
		t.Run(fmt.Sprintf("down=%v", down), func(t *testing.T) {
			r := newRig(t, kiosk.Options{RetryInterval: retry, StatusInterval: time.Minute})
			if down {
				r.ils.Stop(t)
			}
			r.core.CheckILS()
			r.wait(t, "the library's state", func(v kiosk.View) bool { return v.Chrome.ILS.Down == down })
			r.quiet(kiosk.View{})
			if down {
				r.ils.Restart(t) // the probe would find it, if it ran
			} else {
				// The status check runs while the kiosk does.
				before := r.requests("99")
				r.clock.Advance(time.Minute)
				for deadline := time.Now().Add(5 * time.Second); r.requests("99") == before; time.Sleep(5 * time.Millisecond) {
					if time.Now().After(deadline) {
						t.Fatal("no status check while the kiosk runs")
					}
				}
				r.quiet(kiosk.View{})
			}

			r.cancel()
			<-r.done
			before := r.ils.Library.Requests()
			for range 120 {
				r.clock.Advance(time.Minute)
			}
			time.Sleep(200 * time.Millisecond) // for anything set going in the background
			if after := r.ils.Library.Requests(); !maps.Equal(after, before) {
				t.Errorf("requests after Run ended: %v, before %v", after, before)
			}
		})
	}
}

// enumStrings are the String methods of the core's enumerations, by type
// name: each constant must have a name of its own, not "what(N)".
var enumStrings = map[string]func(int) string{
	"Screen":    func(i int) string { return kiosk.Screen(i).String() },
	"Busy":      func(i int) string { return kiosk.Busy(i).String() },
	"Notice":    func(i int) string { return kiosk.Notice(i).String() },
	"Kind":      func(i int) string { return kiosk.Kind(i).String() },
	"Confirm":   func(i int) string { return kiosk.Confirm(i).String() },
	"RowState":  func(i int) string { return kiosk.RowState(i).String() },
	"LoadState": func(i int) string { return kiosk.LoadState(i).String() },
	"Reason":    func(i int) string { return kiosk.Reason(i).String() },
	"Block":     func(i int) string { return kiosk.Block(i).String() },
	"Media":     func(i int) string { return kiosk.Media(i).String() },
	"ILSFault":  func(i int) string { return kiosk.ILSFault(i).String() },
	"SeatState": func(i int) string { return kiosk.SeatState(i).String() },
	"PollStage": func(i int) string { return kiosk.PollStage(i).String() },
}

// fallbackName is enumName's form for a value without a name.
var fallbackName = regexp.MustCompile(`^[a-z ]+\(-?[0-9]+\)$`)

// Every constant of every enumeration of the core has a name of its own:
// the constants are read from the package's source, so one added without
// a name fails here, and so does an enumeration added without a String.
func TestEveryEnumValueHasAName(t *testing.T) {
	consts := enumConstants(t)
	for _, typ := range slices.Sorted(maps.Keys(consts)) {
		str, ok := enumStrings[typ]
		if !ok {
			t.Errorf("type %s has constants: add it to enumStrings, with a String that names each", typ)
			continue
		}
		seen := map[string]string{}
		last := 0
		for _, c := range consts[typ] {
			s := str(c.value)
			switch {
			case s == "" || fallbackName.MatchString(s):
				t.Errorf("%s (%d) has no name: String() = %q", c.name, c.value, s)
			case seen[s] != "":
				t.Errorf("%s and %s are both %q", seen[s], c.name, s)
			}
			seen[s] = c.name
			last = max(last, c.value)
		}
		if typ == "ILSFault" {
			continue // its String has no fallback
		}
		// A name past the last constant is out of step with the constants.
		if s := str(last + 1); !fallbackName.MatchString(s) {
			t.Errorf("%s(%d), past the last constant, is named %q: names and constants are out of step", typ, last+1, s)
		}
	}
	for typ := range enumStrings {
		if _, ok := consts[typ]; !ok {
			t.Errorf("no constants of %s found in the source", typ)
		}
	}
}

type enumConst struct {
	name  string
	value int
}

// enumConstants reads the exported constants of the core's exported
// integer types from its source, with their values (iota, iota + n, n).
func enumConstants(t *testing.T) map[string][]enumConst {
	t.Helper()
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if len(files) == 0 {
		t.Fatal("no source of package kiosk in .")
	}
	intTypes := map[string]bool{}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			if ts, ok := n.(*ast.TypeSpec); ok && ts.Name.IsExported() {
				if id, ok := ts.Type.(*ast.Ident); ok && id.Name == "int" {
					intTypes[ts.Name.Name] = true
				}
			}
			return true
		})
	}
	out := map[string][]enumConst{}
	for _, f := range files {
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			var typ string
			var expr ast.Expr
			for iota, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if vs.Type != nil || len(vs.Values) > 0 {
					typ, expr = "", nil
					if id, ok := vs.Type.(*ast.Ident); ok {
						typ = id.Name
					}
					if len(vs.Values) > 0 {
						expr = vs.Values[0]
					}
				}
				if !intTypes[typ] {
					continue
				}
				for _, name := range vs.Names {
					if !name.IsExported() {
						continue
					}
					v, ok := constValue(expr, iota)
					if !ok {
						t.Fatalf("%s: cannot work out the value of %s: teach constValue", fset.Position(name.Pos()), name.Name)
					}
					out[typ] = append(out[typ], enumConst{name.Name, v})
				}
			}
		}
	}
	return out
}

// constValue evaluates the constant expressions the core's enumerations
// use: iota, an integer, and their sums.
func constValue(e ast.Expr, iota int) (int, bool) {
	switch e := e.(type) {
	case *ast.Ident:
		return iota, e.Name == "iota"
	case *ast.BasicLit:
		n, err := strconv.Atoi(e.Value)
		return n, e.Kind == token.INT && err == nil
	case *ast.ParenExpr:
		return constValue(e.X, iota)
	case *ast.BinaryExpr:
		a, okA := constValue(e.X, iota)
		b, okB := constValue(e.Y, iota)
		switch e.Op {
		case token.ADD:
			return a + b, okA && okB
		case token.SUB:
			return a - b, okA && okB
		}
	}
	return 0, false
}

// A kiosk stopped while a patron is at it (SIGTERM from its supervisor)
// still tells the library the patron left, and Run waits for that.
func TestStoppingEndsTheVisitAtTheLibrary(t *testing.T) {
	r := newRig(t, kiosk.Options{})
	r.welcome(t, kiosktest.CardAdult)
	before := r.requests(sip2.CodeEndPatronSession)
	r.cancel()
	<-r.done
	if got := r.requests(sip2.CodeEndPatronSession); got != before+1 {
		t.Errorf("%d end-session messages on stopping, want 1", got-before)
	}
}
