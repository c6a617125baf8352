package kiosk

import "time"

// seatsRecount is how often the free places are counted again when nothing
// changed in the store: bookings end and no-shows are released with time.
const seatsRecount = time.Minute

// watchSeats keeps Chrome.Seats right: after every change in the seat
// store (by this kiosk or another), and every seatsRecount. A burst of
// changes is counted once.
func (k *Kiosk) watchSeats() {
	if k.study == nil {
		return
	}
	k.countSeats()
	k.study.Store.Watch(k.life, k.seatsChanged)
	var tick func()
	tick = func() {
		k.clock.AfterFunc(seatsRecount, func() {
			if k.life.Err() == nil {
				k.seatsChanged()
				tick()
			}
		})
	}
	tick()
}

// seatsChanged posts one recount, however many changes come before it runs.
func (k *Kiosk) seatsChanged() {
	if k.seatsDirty.Swap(true) {
		return
	}
	k.post(func() {
		k.seatsDirty.Store(false)
		k.countSeats()
	})
}

// countSeats counts the free places per zone and publishes them if they
// changed.
func (k *Kiosk) countSeats() {
	all, err := k.study.Store.All()
	if err != nil {
		k.log.Error("study places not read", "err", err)
		return
	}
	now := k.clock.Now()
	counts := k.study.Plan.Occupancy(all, now)
	if u := k.study.Usage; u != nil {
		hour := now.Format("2006-01-02|15")
		for _, c := range counts {
			_ = u.MaxUsage(hour+"|"+c.Zone+"|occupied", c.Total-c.Free)
		}
	}
	_, open := k.study.Plan.OpenAt(now)
	if equalCounts(counts, k.chrome.Seats) && open == k.chrome.StudyOpen {
		return
	}
	k.chrome.Seats = counts // a new slice: Views published before keep theirs
	k.chrome.StudyOpen = open
	k.publish()
}

func equalCounts(a, b []ZoneCount) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Zone != b[i].Zone || a[i].Free != b[i].Free || a[i].Total != b[i].Total {
			return false
		}
	}
	return true
}
