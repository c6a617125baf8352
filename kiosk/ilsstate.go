package kiosk

import (
	"context"
	"time"
)

// ilsDown switches the kiosk offline and probes the ILS in the background
// until it answers again; then the journal is replayed. err is why.
func (k *Kiosk) ilsDown(err error) {
	st := &k.chrome.ILS
	if !st.Down {
		st.Down = true
		st.Since = k.clock.Now()
		k.log.Warn("library system unreachable: working offline", "err", err)
	}
	k.noteFault(err)
	if k.probing {
		return
	}
	k.probing = true
	var probe func()
	probe = func() {
		k.clock.AfterFunc(k.opts.RetryInterval, func() {
			if k.life.Err() != nil {
				return // the kiosk stopped: no more probes
			}
			svc, err := k.ping()
			k.post(func() {
				if err != nil {
					k.noteFault(err)
					probe()
					return
				}
				k.probing = false
				k.noteFault(nil)
				k.setService(svc)
				k.startReplay()
			})
		})
	}
	probe()
}

func (k *Kiosk) ping() (Service, error) {
	ctx, cancel := context.WithTimeout(k.life, k.opts.RequestTimeout)
	defer cancel()
	return k.ils.Ping(ctx)
}

// startReplay sends what the journal holds; the kiosk is back online once
// it is all sent.
func (k *Kiosk) startReplay() {
	k.replay.start(func(sent int, err error) {
		st := &k.chrome.ILS
		k.countWaiting()
		if err != nil {
			k.log.Warn("replay stopped: library system unreachable again", "sent", sent, "err", err)
			k.ilsDown(err)
			k.publish()
			return
		}
		switch {
		case st.Down:
			k.log.Info("journal replayed: back online", "replayed", sent,
				"offline_for", k.clock.Now().Sub(st.Since).Round(time.Second))
		case sent > 0:
			k.log.Info("journal replayed", "replayed", sent)
		}
		st.Down = false
		st.Since = time.Time{}
		k.publish()
	})
}

// noteFault records whether the ILS refuses the kiosk's own settings (a
// login or character set it will not take): staff must fix the
// configuration, waiting will not help. Logged once per change.
func (k *Kiosk) noteFault(err error) {
	f := faultOf(err)
	if f == k.chrome.ILS.Fault {
		return
	}
	k.chrome.ILS.Fault = f
	if f != FaultNone {
		k.log.Error("the library system refuses the kiosk's settings: fix the configuration",
			"fault", f.String(), "config", f.ConfigKeys(), "err", err)
	} else {
		k.log.Info("the library system accepts the kiosk's settings again")
	}
	k.publish()
}

// setService keeps what the ILS allows; a change is logged for staff.
func (k *Kiosk) setService(s Service) {
	if s == k.chrome.ILS.Service {
		return
	}
	if !s.Limits() {
		k.log.Info("library system allows the kiosk everything", "renew_all", s.RenewAll)
	} else {
		k.log.Warn("the library system's status (98) limits the kiosk", "service", s.String())
	}
	k.chrome.ILS.Service = s
	k.replay.offlineOff.Store(s.NoOffline)
	k.publish()
}

// CheckILS asks the ILS whether it answers, and if not shows it in the header
// and keeps probing; while it answers it asks again every StatusInterval
// what it allows. main calls it once at start.
func (k *Kiosk) CheckILS() {
	svc, err := k.ping()
	k.post(func() {
		k.countWaiting()
		k.log.Info("journal checked", "waiting", k.chrome.ILS.Waiting)
		k.watchService()
		if err != nil {
			k.log.Warn("library system not reachable", "err", err)
			k.ilsDown(err)
			k.publish()
			return
		}
		k.setService(svc)
		k.startReplay() // what an earlier run left unsent
	})
}

// watchService asks the ILS what it allows every StatusInterval while it is
// up (the probe asks while it is down), until the kiosk stops.
func (k *Kiosk) watchService() {
	k.clock.AfterFunc(k.opts.StatusInterval, func() {
		k.post(func() {
			defer k.watchService()
			if k.chrome.ILS.Down || k.probing {
				return
			}
			go func() {
				svc, err := k.ping()
				k.post(func() {
					if err != nil {
						k.log.Warn("library system status not read", "err", err)
						return
					}
					k.setService(svc)
				})
			}()
		})
	})
}
