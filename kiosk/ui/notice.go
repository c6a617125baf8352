package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/bibliotheekzoetermeer/kiosk/kiosk"
)

// noticeScreen is a message between visits: goodbye, a refused card.
type noticeScreen struct {
	noHint
	root *fyne.Container
	icon *widget.Icon
	text *widget.Label
	poll *pollPanel
}

func newNotice(core pollCore) *noticeScreen {
	s := &noticeScreen{icon: widget.NewIcon(theme.InfoIcon()), text: body(""), poll: newPollPanel(core)}
	iconBox := container.NewCenter(container.NewGridWrap(fyne.NewSquareSize(96), s.icon))
	s.root = container.New(column{900}, container.NewVBox(layout.NewSpacer(), iconBox, s.text, s.poll.root, layout.NewSpacer()))
	return s
}

func (s *noticeScreen) object() fyne.CanvasObject { return s.root }

var noticeKeys = map[kiosk.Notice]string{
	kiosk.NoticeUnknownCard:    "notice.unknown_card",
	kiosk.NoticeCardLost:       "notice.card_lost",
	kiosk.NoticeUnavailable:    "notice.unavailable",
	kiosk.NoticeGoodbye:        "notice.goodbye",
	kiosk.NoticeTimedOut:       "notice.timed_out",
	kiosk.NoticeNotACard:       "notice.not_a_card",
	kiosk.NoticeStaffCard:      "notice.staff_card",
	kiosk.NoticeMisread:        "notice.misread",
	kiosk.NoticePINWrong:       "notice.pin_wrong",
	kiosk.NoticePINLocked:      "notice.pin_locked",
	kiosk.NoticeAlreadyListed:  "notice.already_listed",
	kiosk.NoticeStaffIgnored:   "notice.staff_ignored",
	kiosk.NoticeCardInReturn:   "notice.card_in_return",
	kiosk.NoticeItemFirst:      "notice.item_first",
	kiosk.NoticeTakeReceipt:    "notice.take_receipt",
	kiosk.NoticePrinterFailed:  "notice.printer_failed",
	kiosk.NoticeThanksReturn:   "notice.thanks_return",
	kiosk.NoticeStoreFull:      "row.store_full",
	kiosk.NoticeAnswerFirst:    "notice.answer_first",
	kiosk.NoticeReturnsOff:     "notice.returns_off",
	kiosk.NoticeVisitFull:      "notice.visit_full",
	kiosk.NoticeSeatTaken:      "notice.seat_taken",
	kiosk.NoticeStudyLimit:     "notice.study_limit",
	kiosk.NoticeStudyClosed:    "notice.study_closed",
	kiosk.NoticeStudyOff:       "notice.study_off",
	kiosk.NoticeLeftPlace:      "notice.left_place",
	kiosk.NoticeSeatNotFree:    "notice.seat_not_free",
	kiosk.NoticeStudyClosedNow: "notice.study_closed_now",
}

func (s *noticeScreen) render(t *texts, v kiosk.View) {
	key, ok := noticeKeys[v.Notice]
	if !ok {
		key = "notice.blocked"
	}
	t.label(s.text, lang.L(key))
	s.poll.render(t, v)
	switch v.Notice {
	case kiosk.NoticeGoodbye, kiosk.NoticeTimedOut, kiosk.NoticeTakeReceipt, kiosk.NoticeThanksReturn, kiosk.NoticeLeftPlace:
		s.icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	case kiosk.NoticeUnavailable, kiosk.NoticeNotACard, kiosk.NoticeStaffCard, kiosk.NoticeMisread, kiosk.NoticeItemFirst:
		s.icon.SetResource(theme.NewWarningThemedResource(theme.WarningIcon()))
	default:
		s.icon.SetResource(theme.NewErrorThemedResource(theme.ErrorIcon()))
	}
}

func (s *noticeScreen) clear(t *texts) { t.label(s.text, "") }

func (s *noticeScreen) Visible() bool { return s.root.Visible() }
