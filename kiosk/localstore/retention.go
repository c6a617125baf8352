package localstore

import (
	"context"
	"sync"
	"time"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
	"github.com/bibliotheekzoetermeer/kiosk/storage"
)

// RetainEvery is how often KeepPrivate runs the retention after the first time.
const RetainEvery = time.Hour

// KeepPrivate removes card numbers and names once their retention r has
// passed, and compacts the file so that the bytes are gone too
// (storage.Store.Retain): at once and then every RetainEvery, on clock,
// until ctx ends. Each time it also writes the attention file again if its
// last write failed (RetryAttention).
//
// It returns at once: the first run is on clock too, due now, so that a
// compaction does not hold up the start. The channel it returns is closed
// once ctx has ended and no run is going on; none starts after ctx ends.
func (st *Store) KeepPrivate(ctx context.Context, clock kiosk.Clock, r storage.Retention) <-chan struct{} {
	k := &keeper{st: st, ctx: ctx, clock: clock, r: r, done: make(chan struct{})}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.timer = clock.AfterFunc(0, k.run)
	context.AfterFunc(ctx, k.stop)
	return k.done
}

// keeper is one KeepPrivate loop.
type keeper struct {
	st    *Store
	ctx   context.Context
	clock kiosk.Clock
	r     storage.Retention
	done  chan struct{}

	mu    sync.Mutex // held during a run: stop waits for it
	timer kiosk.Timer
}

// run is one retention, and schedules the next.
func (k *keeper) run() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.ctx.Err() != nil {
		return
	}
	k.retain()
	k.timer = k.clock.AfterFunc(RetainEvery, k.run)
}

func (k *keeper) retain() {
	done, err := k.st.s.Retain(k.r)
	if done.Scrubbed > 0 || done.Forgotten > 0 || done.Removed > 0 {
		k.st.log().Info("retention: card numbers and names removed", "transactions", done.Scrubbed, "cards", done.Forgotten,
			"damaged_copies", done.Removed, "compacted", done.Compacted)
	}
	if err != nil {
		k.st.log().Error("retention: not done, tried again in an hour", "err", err)
	}
	k.st.RetryAttention()
}

// stop cancels the next run once the one going on, if any, is over.
func (k *keeper) stop() {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.timer.Stop()
	close(k.done)
}
