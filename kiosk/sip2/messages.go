package sip2

import (
	"time"
)

// Message codes.
const (
	CodeBlockPatron         = "01"
	CodeCheckin             = "09"
	CodeCheckinResponse     = "10"
	CodeCheckout            = "11"
	CodeCheckoutResponse    = "12"
	CodeItemInformation     = "17"
	CodeItemInformationResp = "18"
	CodePatronStatus        = "23"
	CodePatronStatusResp    = "24"
	CodeRenew               = "29"
	CodeRenewResponse       = "30"
	CodeEndPatronSession    = "35"
	CodeEndSessionResponse  = "36"
	CodePatronInformation   = "63"
	CodePatronInfoResponse  = "64"
	CodeRenewAll            = "65"
	CodeRenewAllResponse    = "66"
	CodeLogin               = "93"
	CodeLoginResponse       = "94"
	CodeResend              = "96" // the other side's message was bad: please resend
	CodeRequestResend       = "97" // resend your last message
	CodeACSStatus           = "98"
	CodeSCStatus            = "99"
)

// LoginRequest is message 93.
type LoginRequest struct {
	UIDAlgorithm, PWDAlgorithm byte   // '0' (plain text) when zero
	User                       string // CN
	Password                   string // CO
	Location                   string // CP, optional
	Extra                      []Field
}

// Message returns the generic form of r.
func (r LoginRequest) Message() Message {
	w := newFixedWriter(64)
	w.ch(orZero(r.UIDAlgorithm))
	w.ch(orZero(r.PWDAlgorithm))
	f := newFieldList(3, r.Extra)
	f.add("CN", r.User)
	f.add("CO", r.Password)
	f.opt("CP", r.Location)
	f = append(f, r.Extra...)
	return Message{Code: CodeLogin, Fixed: w.String(), Fields: f, Seq: NoSeq}
}

func orZero(b byte) byte {
	if b == 0 {
		return '0'
	}
	return b
}

// ParseLoginRequest reads a 93.
func ParseLoginRequest(m Message) (*LoginRequest, error) {
	if err := checkCode(m, CodeLogin); err != nil {
		return nil, err
	}
	fr := newFixedReader(m)
	r := &LoginRequest{}
	if a := fr.str(2, "algorithms"); len(a) == 2 {
		r.UIDAlgorithm, r.PWDAlgorithm = a[0], a[1]
	}
	var fs fields
	fs.init(m)
	r.User = fs.req("CN")
	r.Password = fs.req("CO")
	r.Location = fs.opt("CP")
	r.Extra = fs.extra()
	return r, firstErr(fr.err, fs.err)
}

// LoginResponse is message 94.
type LoginResponse struct {
	OK    bool
	Extra []Field
}

// Message returns the generic form of r.
func (r LoginResponse) Message() Message {
	w := newFixedWriter(64)
	w.digit(r.OK)
	return Message{Code: CodeLoginResponse, Fixed: w.String(), Fields: r.Extra, Seq: NoSeq}
}

// ParseLoginResponse reads a 94.
func ParseLoginResponse(m Message) (*LoginResponse, error) {
	if err := checkCode(m, CodeLoginResponse); err != nil {
		return nil, err
	}
	fr := newFixedReader(m)
	r := &LoginResponse{OK: fr.flag("ok")}
	r.Extra = m.Fields
	return r, fr.err
}

// SCStatusRequest is message 99.
type SCStatusRequest struct {
	StatusCode      int    // 0 ok, 1 printer out of paper, 2 about to shut down
	MaxPrintWidth   int    // 3 digits
	ProtocolVersion string // "2.00" when empty
}

// Message returns the generic form of r.
func (r SCStatusRequest) Message() Message {
	w := newFixedWriter(64)
	w.num(1, r.StatusCode)
	w.num(3, r.MaxPrintWidth)
	w.str(4, orString(r.ProtocolVersion, "2.00"))
	return Message{Code: CodeSCStatus, Fixed: w.String(), Seq: NoSeq}
}

func orString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// ParseSCStatusRequest reads a 99.
func ParseSCStatusRequest(m Message) (*SCStatusRequest, error) {
	if err := checkCode(m, CodeSCStatus); err != nil {
		return nil, err
	}
	fr := newFixedReader(m)
	r := &SCStatusRequest{
		StatusCode:      fr.num(1, "status code"),
		MaxPrintWidth:   fr.num(3, "max print width"),
		ProtocolVersion: fr.str(4, "protocol version"),
	}
	return r, fr.err
}

// SupportedMessages is the BX field of a 98: which requests the server handles.
type SupportedMessages struct {
	PatronStatus, Checkout, Checkin, BlockPatron, SCStatus, RequestResend,
	Login, PatronInformation, EndPatronSession, FeePaid, ItemInformation,
	ItemStatusUpdate, PatronEnable, Hold, Renew, RenewAll bool
}

func (s *SupportedMessages) flags() []*bool {
	return []*bool{&s.PatronStatus, &s.Checkout, &s.Checkin, &s.BlockPatron,
		&s.SCStatus, &s.RequestResend, &s.Login, &s.PatronInformation,
		&s.EndPatronSession, &s.FeePaid, &s.ItemInformation, &s.ItemStatusUpdate,
		&s.PatronEnable, &s.Hold, &s.Renew, &s.RenewAll}
}

var bxCodes = []string{"23", "11", "09", "01", "99", "97", "93", "63", "35", "37", "17", "19", "25", "15", "29", "65"}

// String returns the 16 Y/N flags as sent in BX.
func (s SupportedMessages) String() string {
	b := make([]byte, 0, 16)
	for _, f := range s.flags() {
		if *f {
			b = append(b, 'Y')
		} else {
			b = append(b, 'N')
		}
	}
	return string(b)
}

// Supports reports whether the server handles request code (e.g. "29").
func (s SupportedMessages) Supports(code string) bool {
	for i, c := range bxCodes {
		if c == code {
			return *s.flags()[i]
		}
	}
	return false
}

// ParseSupportedMessages reads a BX value; missing positions are false.
func ParseSupportedMessages(v string) SupportedMessages {
	var s SupportedMessages
	for i, f := range s.flags() {
		*f = i < len(v) && (v[i] == 'Y' || v[i] == 'y')
	}
	return s
}

// ACSStatusResponse is message 98.
type ACSStatusResponse struct {
	OnlineStatus, CheckinOK, CheckoutOK, ACSRenewalPolicy, StatusUpdateOK, OfflineOK bool
	TimeoutPeriod                                                                    int // tenths of a second, 3 digits
	RetriesAllowed                                                                   int // 3 digits, 999 = unlimited
	DateTimeSync                                                                     time.Time
	ProtocolVersion                                                                  string // "2.00" when empty
	InstitutionID                                                                    string // AO
	LibraryName                                                                      string // AM
	Supported                                                                        SupportedMessages
	TerminalLocation                                                                 string   // AN
	ScreenMessages                                                                   []string // AF
	PrintLines                                                                       []string // AG
	Extra                                                                            []Field
}

// Message returns the generic form of r.
func (r ACSStatusResponse) Message() Message {
	w := newFixedWriter(64)
	for _, b := range []bool{r.OnlineStatus, r.CheckinOK, r.CheckoutOK, r.ACSRenewalPolicy, r.StatusUpdateOK, r.OfflineOK} {
		w.flag(b)
	}
	w.num(3, r.TimeoutPeriod)
	w.num(3, r.RetriesAllowed)
	w.date(r.DateTimeSync)
	w.str(4, orString(r.ProtocolVersion, "2.00"))
	f := newFieldList(4+len(r.ScreenMessages)+len(r.PrintLines), r.Extra)
	f.add("AO", r.InstitutionID)
	f.add("AM", r.LibraryName)
	f.add("BX", r.Supported.String())
	f.opt("AN", r.TerminalLocation)
	f.many("AF", r.ScreenMessages)
	f.many("AG", r.PrintLines)
	f = append(f, r.Extra...)
	return Message{Code: CodeACSStatus, Fixed: w.String(), Fields: f, Seq: NoSeq}
}

// ParseACSStatusResponse reads a 98.
func ParseACSStatusResponse(m Message) (*ACSStatusResponse, error) {
	if err := checkCode(m, CodeACSStatus); err != nil {
		return nil, err
	}
	fr := newFixedReader(m)
	r := &ACSStatusResponse{}
	r.OnlineStatus = fr.flag("on-line status")
	r.CheckinOK = fr.flag("checkin ok")
	r.CheckoutOK = fr.flag("checkout ok")
	r.ACSRenewalPolicy = fr.flag("ACS renewal policy")
	r.StatusUpdateOK = fr.flag("status update ok")
	r.OfflineOK = fr.flag("off-line ok")
	r.TimeoutPeriod = fr.num(3, "timeout period")
	r.RetriesAllowed = fr.num(3, "retries allowed")
	r.DateTimeSync = fr.date("date / time sync")
	r.ProtocolVersion = fr.str(4, "protocol version")
	var fs fields
	fs.init(m)
	r.InstitutionID = fs.req("AO")
	r.LibraryName = fs.opt("AM")
	r.Supported = ParseSupportedMessages(fs.req("BX"))
	r.TerminalLocation = fs.opt("AN")
	r.ScreenMessages = fs.all("AF")
	r.PrintLines = fs.all("AG")
	r.Extra = fs.extra()
	return r, firstErr(fr.err, fs.err)
}

// PatronStatus is the 14-position patron status of 24 and 64.
type PatronStatus struct {
	ChargePrivilegesDenied       bool
	RenewalPrivilegesDenied      bool
	RecallPrivilegesDenied       bool
	HoldPrivilegesDenied         bool
	CardReportedLost             bool
	TooManyItemsCharged          bool
	TooManyItemsOverdue          bool
	TooManyRenewals              bool
	TooManyClaimsOfItemsReturned bool
	TooManyItemsLost             bool
	ExcessiveOutstandingFines    bool
	ExcessiveOutstandingFees     bool
	RecallOverdue                bool
	TooManyItemsBilled           bool
}

func (p *PatronStatus) flags() []*bool {
	return []*bool{&p.ChargePrivilegesDenied, &p.RenewalPrivilegesDenied,
		&p.RecallPrivilegesDenied, &p.HoldPrivilegesDenied, &p.CardReportedLost,
		&p.TooManyItemsCharged, &p.TooManyItemsOverdue, &p.TooManyRenewals,
		&p.TooManyClaimsOfItemsReturned, &p.TooManyItemsLost,
		&p.ExcessiveOutstandingFines, &p.ExcessiveOutstandingFees,
		&p.RecallOverdue, &p.TooManyItemsBilled}
}

// String returns the 14 positions: 'Y' or space.
func (p PatronStatus) String() string {
	b := make([]byte, 14)
	for i, f := range p.flags() {
		b[i] = ' '
		if *f {
			b[i] = 'Y'
		}
	}
	return string(b)
}

// Blocked reports whether any flag is set.
func (p PatronStatus) Blocked() bool { return p != PatronStatus{} }

// ParsePatronStatus reads 14 positions; 'Y' (either case) is set.
func ParsePatronStatus(v string) PatronStatus {
	y := func(i int) bool { return i < len(v) && (v[i] == 'Y' || v[i] == 'y') }
	return PatronStatus{ // spelled out: flags() would put p on the heap
		ChargePrivilegesDenied: y(0), RenewalPrivilegesDenied: y(1), RecallPrivilegesDenied: y(2),
		HoldPrivilegesDenied: y(3), CardReportedLost: y(4), TooManyItemsCharged: y(5),
		TooManyItemsOverdue: y(6), TooManyRenewals: y(7), TooManyClaimsOfItemsReturned: y(8),
		TooManyItemsLost: y(9), ExcessiveOutstandingFines: y(10), ExcessiveOutstandingFees: y(11),
		RecallOverdue: y(12), TooManyItemsBilled: y(13),
	}
}

// ItemList selects which item list a 63 asks for (its summary field).
type ItemList int

// Item lists in summary order.
const (
	NoItems ItemList = iota
	HoldItems
	OverdueItems
	ChargedItems
	FineItems
	RecallItems
	UnavailableHoldItems
)

func summaryString(l ItemList) string {
	b := []byte("          ")
	if l > NoItems && l <= UnavailableHoldItems {
		b[l-1] = 'Y'
	}
	return string(b)
}

func parseSummary(v string) ItemList {
	for i := 0; i < len(v) && i < 6; i++ {
		if v[i] == 'Y' || v[i] == 'y' {
			return ItemList(i + 1)
		}
	}
	return NoItems
}

// PatronInformationRequest is message 63.
type PatronInformationRequest struct {
	Language         string // 3 digits, "000" when empty
	TransactionDate  time.Time
	Summary          ItemList
	InstitutionID    string // AO
	PatronID         string // AA
	TerminalPassword string // AC, always sent
	PatronPassword   string // AD, sent when not empty
	StartItem        *int   // BP
	EndItem          *int   // BQ
	Extra            []Field
}

// Message returns the generic form of r.
func (r PatronInformationRequest) Message() Message {
	w := newFixedWriter(64)
	w.str(3, orString(r.Language, "000"))
	w.date(r.TransactionDate)
	w.str(10, summaryString(r.Summary))
	f := newFieldList(6, r.Extra)
	f.add("AO", r.InstitutionID)
	f.add("AA", r.PatronID)
	f.add("AC", r.TerminalPassword)
	f.opt("AD", r.PatronPassword)
	f.optNum("BP", 1, r.StartItem)
	f.optNum("BQ", 1, r.EndItem)
	f = append(f, r.Extra...)
	return Message{Code: CodePatronInformation, Fixed: w.String(), Fields: f, Seq: NoSeq}
}

// ParsePatronInformationRequest reads a 63.
func ParsePatronInformationRequest(m Message) (*PatronInformationRequest, error) {
	if err := checkCode(m, CodePatronInformation); err != nil {
		return nil, err
	}
	fr := newFixedReader(m)
	r := &PatronInformationRequest{}
	r.Language = fr.str(3, "language")
	r.TransactionDate = fr.date("transaction date")
	r.Summary = parseSummary(fr.str(10, "summary"))
	var fs fields
	fs.init(m)
	r.InstitutionID = fs.req("AO")
	r.PatronID = fs.req("AA")
	r.TerminalPassword = fs.opt("AC")
	r.PatronPassword = fs.opt("AD")
	r.StartItem = fs.optNum("BP")
	r.EndItem = fs.optNum("BQ")
	r.Extra = fs.extra()
	return r, firstErr(fr.err, fs.err)
}

// PatronInformationResponse is message 64.
type PatronInformationResponse struct {
	Status                                  PatronStatus
	Language                                string // 3 digits
	TransactionDate                         time.Time
	HoldItemsCount, OverdueItemsCount       int
	ChargedItemsCount, FineItemsCount       int
	RecallItemsCount, UnavailableHoldsCount int
	InstitutionID                           string   // AO
	PatronID                                string   // AA
	PersonalName                            string   // AE
	HoldItemsLimit                          *int     // BZ
	OverdueItemsLimit                       *int     // CA
	ChargedItemsLimit                       *int     // CB
	ValidPatron                             YesNo    // BL
	ValidPatronPassword                     YesNo    // CQ
	CurrencyType                            string   // BH, e.g. "EUR"
	FeeAmount                               string   // BV, e.g. "12.50"
	FeeLimit                                string   // CC
	HoldItems                               []string // AS
	OverdueItems                            []string // AT
	ChargedItems                            []string // AU
	FineItems                               []string // AV
	RecallItems                             []string // BU
	UnavailableHoldItems                    []string // CD
	HomeAddress                             string   // BD
	EmailAddress                            string   // BE
	HomePhoneNumber                         string   // BF
	ScreenMessages                          []string // AF
	PrintLines                              []string // AG
	Extra                                   []Field  // fields not named above, in order
}

// Message returns the generic form of r.
func (r PatronInformationResponse) Message() Message {
	w := newFixedWriter(64)
	w.str(14, r.Status.String())
	w.str(3, orString(r.Language, "000"))
	w.date(r.TransactionDate)
	for _, n := range []int{r.HoldItemsCount, r.OverdueItemsCount, r.ChargedItemsCount, r.FineItemsCount, r.RecallItemsCount, r.UnavailableHoldsCount} {
		w.num(4, n)
	}
	f := newFieldList(14+len(r.HoldItems)+len(r.OverdueItems)+len(r.ChargedItems)+len(r.FineItems)+len(r.RecallItems)+len(r.UnavailableHoldItems)+len(r.ScreenMessages)+len(r.PrintLines), r.Extra)
	f.add("AO", r.InstitutionID)
	f.add("AA", r.PatronID)
	f.add("AE", r.PersonalName)
	f.optNum("BZ", 4, r.HoldItemsLimit)
	f.optNum("CA", 4, r.OverdueItemsLimit)
	f.optNum("CB", 4, r.ChargedItemsLimit)
	f.yn("BL", r.ValidPatron)
	f.yn("CQ", r.ValidPatronPassword)
	f.opt("BH", r.CurrencyType)
	f.opt("BV", r.FeeAmount)
	f.opt("CC", r.FeeLimit)
	f.many("AS", r.HoldItems)
	f.many("AT", r.OverdueItems)
	f.many("AU", r.ChargedItems)
	f.many("AV", r.FineItems)
	f.many("BU", r.RecallItems)
	f.many("CD", r.UnavailableHoldItems)
	f.opt("BD", r.HomeAddress)
	f.opt("BE", r.EmailAddress)
	f.opt("BF", r.HomePhoneNumber)
	f.many("AF", r.ScreenMessages)
	f.many("AG", r.PrintLines)
	f = append(f, r.Extra...)
	return Message{Code: CodePatronInfoResponse, Fixed: w.String(), Fields: f, Seq: NoSeq}
}

// ParsePatronInformationResponse reads a 64.
func ParsePatronInformationResponse(m Message) (*PatronInformationResponse, error) {
	if err := checkCode(m, CodePatronInfoResponse); err != nil {
		return nil, err
	}
	fr := newFixedReader(m)
	r := &PatronInformationResponse{}
	r.Status = ParsePatronStatus(fr.str(14, "patron status"))
	r.Language = fr.str(3, "language")
	r.TransactionDate = fr.date("transaction date")
	r.HoldItemsCount = fr.num(4, "hold items count")
	r.OverdueItemsCount = fr.num(4, "overdue items count")
	r.ChargedItemsCount = fr.num(4, "charged items count")
	r.FineItemsCount = fr.num(4, "fine items count")
	r.RecallItemsCount = fr.num(4, "recall items count")
	r.UnavailableHoldsCount = fr.num(4, "unavailable holds count")
	var fs fields
	fs.init(m)
	r.InstitutionID = fs.req("AO")
	r.PatronID = fs.req("AA")
	r.PersonalName = fs.req("AE")
	r.HoldItemsLimit = fs.optNum("BZ")
	r.OverdueItemsLimit = fs.optNum("CA")
	r.ChargedItemsLimit = fs.optNum("CB")
	r.ValidPatron = fs.yn("BL")
	r.ValidPatronPassword = fs.yn("CQ")
	r.CurrencyType = fs.opt("BH")
	r.FeeAmount = fs.opt("BV")
	r.FeeLimit = fs.opt("CC")
	r.HoldItems = fs.all("AS")
	r.OverdueItems = fs.all("AT")
	r.ChargedItems = fs.all("AU")
	r.FineItems = fs.all("AV")
	r.RecallItems = fs.all("BU")
	r.UnavailableHoldItems = fs.all("CD")
	r.HomeAddress = fs.opt("BD")
	r.EmailAddress = fs.opt("BE")
	r.HomePhoneNumber = fs.opt("BF")
	r.ScreenMessages = fs.all("AF")
	r.PrintLines = fs.all("AG")
	r.Extra = fs.extra()
	return r, firstErr(fr.err, fs.err)
}

// EndPatronSessionRequest is message 35.
type EndPatronSessionRequest struct {
	TransactionDate  time.Time
	InstitutionID    string // AO
	PatronID         string // AA
	TerminalPassword string // AC, optional
	PatronPassword   string // AD, optional
	Extra            []Field
}

// Message returns the generic form of r.
func (r EndPatronSessionRequest) Message() Message {
	w := newFixedWriter(64)
	w.date(r.TransactionDate)
	f := newFieldList(4, r.Extra)
	f.add("AO", r.InstitutionID)
	f.add("AA", r.PatronID)
	f.opt("AC", r.TerminalPassword)
	f.opt("AD", r.PatronPassword)
	f = append(f, r.Extra...)
	return Message{Code: CodeEndPatronSession, Fixed: w.String(), Fields: f, Seq: NoSeq}
}

// ParseEndPatronSessionRequest reads a 35.
func ParseEndPatronSessionRequest(m Message) (*EndPatronSessionRequest, error) {
	if err := checkCode(m, CodeEndPatronSession); err != nil {
		return nil, err
	}
	fr := newFixedReader(m)
	r := &EndPatronSessionRequest{TransactionDate: fr.date("transaction date")}
	var fs fields
	fs.init(m)
	r.InstitutionID = fs.req("AO")
	r.PatronID = fs.req("AA")
	r.TerminalPassword = fs.opt("AC")
	r.PatronPassword = fs.opt("AD")
	r.Extra = fs.extra()
	return r, firstErr(fr.err, fs.err)
}

// EndPatronSessionResponse is message 36.
type EndPatronSessionResponse struct {
	EndSession      bool
	TransactionDate time.Time
	InstitutionID   string   // AO
	PatronID        string   // AA
	ScreenMessages  []string // AF
	PrintLines      []string // AG
	Extra           []Field
}

// Message returns the generic form of r.
func (r EndPatronSessionResponse) Message() Message {
	w := newFixedWriter(64)
	w.flag(r.EndSession)
	w.date(r.TransactionDate)
	f := newFieldList(2+len(r.ScreenMessages)+len(r.PrintLines), r.Extra)
	f.add("AO", r.InstitutionID)
	f.add("AA", r.PatronID)
	f.many("AF", r.ScreenMessages)
	f.many("AG", r.PrintLines)
	f = append(f, r.Extra...)
	return Message{Code: CodeEndSessionResponse, Fixed: w.String(), Fields: f, Seq: NoSeq}
}

// ParseEndPatronSessionResponse reads a 36.
func ParseEndPatronSessionResponse(m Message) (*EndPatronSessionResponse, error) {
	if err := checkCode(m, CodeEndSessionResponse); err != nil {
		return nil, err
	}
	fr := newFixedReader(m)
	r := &EndPatronSessionResponse{EndSession: fr.flag("end session"), TransactionDate: fr.date("transaction date")}
	var fs fields
	fs.init(m)
	r.InstitutionID = fs.req("AO")
	r.PatronID = fs.req("AA")
	r.ScreenMessages = fs.all("AF")
	r.PrintLines = fs.all("AG")
	r.Extra = fs.extra()
	return r, firstErr(fr.err, fs.err)
}
