// Command kiosk runs the library self-service kiosk. With no configuration it
// serves the embedded demo library over SIP2 on 127.0.0.1 and talks to it as
// it would to the library's own system.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/bibliotheekzoetermeer/kiosk/devices"
	"github.com/bibliotheekzoetermeer/kiosk/devices/escpos"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/config"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/demo"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/ils"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/localstore"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/sip2"
	"github.com/bibliotheekzoetermeer/kiosk/kiosk/ui"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

const appID = "nl.bibliotheekzoetermeer.kiosk"

func main() { os.Exit(run()) }

func run() int {
	configPath := flag.String("config", "", "TOML configuration `file` (default: the embedded defaults)")
	windowed := flag.Bool("windowed", false, "run in a 1280×800 window instead of fullscreen, for development")
	dataDir := flag.String("data-dir", "", "keep the database in this `directory` (overrides kiosk.data_dir)")
	var scanners stringList
	flag.Var(&scanners, "scanner", "add a serial scanner on this `path` at 9600 baud (repeatable)")
	flag.Parse()

	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	started := time.Now()
	clock, err := kiosk.ClockFromEnv()
	if err != nil {
		fmt.Fprintf(os.Stderr, "kiosk: %v\n", err)
		return 2
	}

	cfg := config.Default()
	if *configPath != "" {
		if cfg, err = config.Load(*configPath); err != nil {
			fmt.Fprintf(os.Stderr, "kiosk: %v\n", err)
			return 2
		}
	} else if cfg.Study, err = demoStudy(); err != nil {
		fmt.Fprintf(os.Stderr, "kiosk: %v\n", err)
		return 1
	}
	if *dataDir != "" {
		cfg.Kiosk.DataDir = *dataDir
	}
	for i, p := range scanners {
		sc := config.DefaultScanner()
		sc.Name, sc.Path = fmt.Sprintf("scanner-%d", i+1), p
		cfg.Scanners = append(cfg.Scanners, sc)
	}

	dir, err := cfg.DataDir()
	if err != nil {
		fmt.Fprintf(os.Stderr, "kiosk: data directory: %v\n", err)
		return 1
	}
	dbPath := filepath.Join(dir, "kiosk.db")
	store, damage, err := storage.OpenOrSalvageAt(dbPath, clock.Now)
	if damage != nil {
		damage.Log(slog.Default()) // for staff and IT: kept in the database too, never shown to the patron
	}
	if err == nil {
		store.Now = clock.Now
	}
	if errors.Is(err, storage.ErrLocked) {
		fmt.Fprintf(os.Stderr, "kiosk: %s is in use: is another kiosk already running?\n", dbPath)
		return 1
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "kiosk: %v\n", err)
		return 1
	}
	defer store.Close()

	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()

	releaseDisplay, err := checkDisplay()
	if err != nil {
		fmt.Fprintf(os.Stderr, "kiosk: %v\n", err)
		return 1
	}
	secureDataDir(dir, slog.Default())

	ilsCfg := cfg.ILS
	if ilsCfg.IsDemo() {
		addr, stop, err := startDemo(ilsCfg, clock.Now)
		if err != nil {
			fmt.Fprintf(os.Stderr, "kiosk: demo library: %v\n", err)
			return 1
		}
		defer stop()
		ilsCfg.Address = addr
		slog.Info("demo library serving SIP2", "addr", addr)
	}
	clientCfg, err := clientConfig(ilsCfg, clock.Now)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kiosk: %v\n", err)
		return 2
	}
	client := sip2.NewClient(clientCfg)
	defer client.Close()
	library := ils.New(client)

	codes, err := barcodeClassifier(cfg.BarcodeRules())
	if err != nil {
		fmt.Fprintf(os.Stderr, "kiosk: barcode rules: %v\n", err)
		return 2
	}
	texts, err := ui.NewCatalog()
	if err != nil {
		fmt.Fprintf(os.Stderr, "kiosk: translations: %v\n", err)
		return 1
	}
	journal := localstore.New(store)
	journal.AttentionCSV = filepath.Join(dir, "attention.csv")
	opts := coreOptions(cfg, codes, clock, texts.T)
	if *configPath == "" && len(opts.Polls) == 0 {
		opts.Polls, opts.News = demoPolls()
	}
	core := kiosk.New(opts, library, journal, clock)
	if len(opts.Polls) > 0 {
		core.SetPolls(localstore.NewPolls(store))
	}
	if cfg.Study != nil {
		core.SetSeats(localstore.NewSeats(store))
	}
	paper := receiptPrinter(cfg.Printer)
	if paper.Path != "" {
		core.SetPrinter(printer{p: paper, ils: client})
	}

	a := app.NewWithID(appID)
	w := a.NewWindow(cfg.Kiosk.LibraryName)
	w.Resize(fyne.NewSize(1280, 800))
	w.SetFullScreen(!*windowed)
	w.SetPadded(false)
	if err := ui.LoadTranslations(cfg.Kiosk.Language); err != nil {
		slog.Error("translations", "err", err)
	}
	screens := ui.New(a, w, core, cfg.Kiosk.LibraryName)
	columns, _ := paper.Columns() // the config allows only widths it knows
	screens.SetReceiptText(func(r kiosk.Receipt) string { return escpos.Text(receipt(r), columns) })
	screens.SetWedge(wedge{wedgeDetector(cfg.Scanning)})
	core.Subscribe(screens.Update)
	screens.StartClock()
	a.Lifecycle().SetOnStarted(func() {
		releaseDisplay() // Fyne holds its own connection now
		slog.Info("attract screen shown", "startup", time.Since(started).Round(time.Millisecond))
	})

	coreDone := make(chan struct{})
	go func() { core.Run(ctx); close(coreDone) }()
	go core.CheckILS()
	go runScanners(ctx, core, cfg.Scanners, cfg.Scanning.MaxLength)
	retained := journal.KeepPrivate(ctx, clock, retention(cfg))
	go func() {
		<-ctx.Done()
		fyne.Do(a.Quit)
	}()

	w.ShowAndRun()
	cancel()
	<-coreDone // the open session, if any, is ended and audited
	<-retained // no retention runs on the closed store
	slog.Info("kiosk stopped")
	return 0
}

// runScanners reads every configured serial scanner until ctx ends, and
// tells the core each scan and each change of a scanner's state.
func runScanners(ctx context.Context, core *kiosk.Kiosk, configured []config.Scanner, maxLen int) {
	if len(configured) == 0 {
		return
	}
	scanners := make([]*devices.SerialScanner, len(configured))
	for i, sc := range configured {
		scanners[i] = serialScanner(i, sc, maxLen)
		core.SetScanner(kiosk.ScannerState{Name: scanners[i].Name, Detail: "starting"})
	}
	err := devices.RunScanners(ctx, scanners,
		func(scan devices.Scan) { core.Scan(kiosk.Scan{Code: scan.Code, Source: scan.Source}) },
		func(st devices.ScannerStatus) {
			core.SetScanner(kiosk.ScannerState{Name: st.Name, Connected: st.State == devices.Connected, Detail: st.Err})
		})
	if err != nil {
		slog.Error("scanners cannot run", "err", err)
		for _, s := range scanners {
			core.SetScanner(kiosk.ScannerState{Name: s.Name, Detail: err.Error()})
		}
	}
}

// startDemo serves the embedded demo library on a free loopback port.
func startDemo(c config.ILS, now func() time.Time) (addr string, stop func(), err error) {
	lib, err := demo.Load(now)
	if err != nil {
		return "", nil, err
	}
	lib.SetLogin(c.User, c.Password)
	lib.SetInstitution(c.Institution)
	charset, err := sip2.ParseCharset(c.Charset)
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &sip2.Server{Backend: lib, Charset: charset, Delimiter: c.DelimiterByte()}
	go srv.Serve(ln)
	return ln.Addr().String(), func() { srv.Close() }, nil
}

type stringList []string

func (s *stringList) String() string     { return fmt.Sprint(*s) }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }
