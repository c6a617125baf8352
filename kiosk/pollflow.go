package kiosk

import "time"

// pollThanks is how long "Dank u wel" stays after the last answer.
const pollThanks = 2 * time.Second

// pollVisit is the poll on the screen now.
type pollVisit struct {
	poll    Poll
	service UsedService
	stage   PollStage
	face    int
	lang    string
}

// SetPolls gives the kiosk its polls' store (Options.Polls); call before Run.
func (k *Kiosk) SetPolls(store PollStore) { k.polls = store }

// used notes what the visit ending now was for, so its goodbye can ask.
func (k *Kiosk) used(s UsedService) { k.pendingPoll = s }

// offerPoll puts a poll on the goodbye screen, if one is asked after the
// service just used (1 in Every), today; at most one per visit.
func (k *Kiosk) offerPoll() {
	service := k.pendingPoll
	k.pendingPoll = ""
	k.poll = nil
	if service == "" || k.polls == nil {
		return
	}
	now := k.clock.Now()
	for _, p := range k.opts.Polls {
		if !p.activeOn(now) || !p.asksAfter(service) {
			continue
		}
		k.pollSeen[p.ID]++
		if every := max(p.Every, 1); (k.pollSeen[p.ID]-1)%every != 0 {
			continue
		}
		k.poll = &pollVisit{poll: p, service: service, stage: PollFaces, lang: k.chrome.Lang}
		k.countPoll(PollShown)
		return
	}
}

func (k *Kiosk) pollView() PollView {
	if k.poll == nil {
		return PollView{}
	}
	return PollView{ID: k.poll.poll.ID, Question: k.poll.poll.Question, Stage: k.poll.stage, FollowUp: k.poll.poll.FollowUp}
}

// countPoll counts ev for the poll on the screen, off the loop.
func (k *Kiosk) countPoll(ev PollEvent) {
	p, store, day := k.poll, k.polls, k.clock.Now()
	go func() {
		if err := store.CountPoll(p.poll.ID, p.service, ev, day); err != nil {
			k.log.Warn("poll count not kept", "poll", p.poll.ID, "err", err)
		}
	}()
}

// AnswerPoll is a tap on a face (1 heel slecht … 4 heel goed). After one
// of the two poorest, the follow-up comes on the same screen.
func (k *Kiosk) AnswerPoll(face int) {
	k.post(func() {
		p := k.poll
		if p == nil || p.stage != PollFaces || face < 1 || face > 4 || k.screen != ScreenNotice {
			return
		}
		p.face = face
		if face <= 2 && len(p.poll.FollowUp.Options) > 0 {
			p.stage = PollFollowUp
			k.restartTimer(k.opts.NoticeTime) // the follow-up's own few seconds
			k.publish()
			return
		}
		k.savePoll(0)
	})
}

// AnswerFollowUp is a tap on a follow-up option (1-based).
func (k *Kiosk) AnswerFollowUp(option int) {
	k.post(func() {
		p := k.poll
		if p == nil || p.stage != PollFollowUp || option < 1 || option > len(p.poll.FollowUp.Options) {
			return
		}
		k.savePoll(option)
	})
}

// SkipPoll is "Overslaan": the poll goes, the goodbye stays.
func (k *Kiosk) SkipPoll() {
	k.post(func() {
		p := k.poll
		switch {
		case p == nil:
			return
		case p.stage == PollFollowUp:
			k.savePoll(0) // the face counts; the follow-up was skipped
			return
		case p.stage == PollFaces:
			k.countPoll(PollSkipped)
		}
		k.poll = nil
		k.publish()
	})
}

// savePoll keeps the answer, anonymously and off the loop, and thanks the
// patron for pollThanks. Answers too soon after the one before at this
// kiosk are kept apart as filtered.
func (k *Kiosk) savePoll(option int) {
	p := k.poll
	now := k.clock.Now()
	a := Answer{Poll: p.poll.ID, Face: p.face, FollowUp: option, Service: p.service, Lang: p.lang,
		Kiosk: k.opts.PollKiosk, Weekday: now.Weekday(), Hour: now.Hour()}
	a.Filtered = !k.lastAnswer.IsZero() && now.Sub(k.lastAnswer) < k.opts.PollSpamWindow
	k.lastAnswer = now
	k.countPoll(PollAnswer)
	store := k.polls
	go func() {
		if err := store.SaveAnswer(a, now); err != nil {
			k.log.Warn("poll answer not kept", "poll", a.Poll, "err", err)
		}
	}()
	p.stage = PollThanks
	k.restartTimer(pollThanks)
	k.publish()
}

// restartTimer makes the notice on the screen go to the attract screen d
// from now, instead of when it would have.
func (k *Kiosk) restartTimer(d time.Duration) {
	if k.timer != nil {
		k.timer.Stop()
	}
	k.armed++
	k.after(d, k.toAttract)
}

// newsEvery is how long each "U vroeg, wij deden" message stays.
const newsEvery = 12 * time.Second

// showNews puts the messages active today on the idle screen in turn.
func (k *Kiosk) showNews() {
	if len(k.opts.News) == 0 {
		return
	}
	var next func()
	next = func() {
		now := k.clock.Now()
		var active []News
		for _, n := range k.opts.News {
			p := Poll{From: n.From, Until: n.Until}
			if p.activeOn(now) {
				active = append(active, n)
			}
		}
		var text map[string]string
		if len(active) > 0 {
			text = active[k.newsAt%len(active)].Text
			k.newsAt++
		}
		k.chrome.News = text
		if k.screen == ScreenAttract {
			k.publish()
		}
		k.clock.AfterFunc(newsEvery, func() { k.post(next) })
	}
	next()
}
