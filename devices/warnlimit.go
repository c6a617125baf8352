package devices

import (
	"log/slog"
	"time"
)

// DefaultWarnEvery is how often a scanner logs a warning of one kind again
// while the same kind keeps coming (noise on the line, a scanner in the
// wrong mode): the first at once, then one per interval with the count of
// those not logged.
const DefaultWarnEvery = 30 * time.Second

// warnLimiter logs the first warning of each kind, then at most one per
// every, saying how many of that kind it held back. Not safe for concurrent
// use: a scanner's warnings all come from its Run goroutine.
type warnLimiter struct {
	log   *slog.Logger
	every time.Duration
	now   func() time.Time
	kinds map[string]*warnKind
	order []string // kinds in the order first seen, for flush
}

type warnKind struct {
	logged time.Time // when one was last logged
	held   int       // not logged since
}

func newWarnLimiter(log *slog.Logger, every time.Duration, now func() time.Time) *warnLimiter {
	if every <= 0 {
		every = DefaultWarnEvery
	}
	return &warnLimiter{log: log, every: every, now: now, kinds: map[string]*warnKind{}}
}

// warn logs msg with args now, or counts it if one of its kind was logged
// less than every ago.
func (l *warnLimiter) warn(msg string, args ...any) {
	now := l.now()
	k := l.kinds[msg]
	if k == nil {
		k = &warnKind{}
		l.kinds[msg] = k
		l.order = append(l.order, msg)
	} else if age := now.Sub(k.logged); age >= 0 && age < l.every {
		k.held++
		return
	}
	if k.held > 0 {
		args = append(args, "suppressed", k.held)
	}
	l.log.Warn(msg, args...)
	k.logged, k.held = now, 0
}

// flush logs, for each kind held back for at least every (any, if all),
// how many were not logged. Call it when the line is quiet and when the
// scanner stops, so that no count is lost.
func (l *warnLimiter) flush(all bool) {
	now := l.now()
	for _, msg := range l.order {
		k := l.kinds[msg]
		if k.held == 0 {
			continue
		}
		if age := now.Sub(k.logged); !all && age >= 0 && age < l.every {
			continue
		}
		l.log.Warn(msg, "suppressed", k.held)
		k.logged, k.held = now, 0
	}
}
