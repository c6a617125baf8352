package sip2

import "time"

// CheckoutRequest is message 11. Offline replays set NoBlock and
// NBDueDate (the due date the kiosk promised); online NBDueDate is zero.
type CheckoutRequest struct {
	SCRenewalPolicy  bool
	NoBlock          bool
	TransactionDate  time.Time
	NBDueDate        time.Time
	InstitutionID    string // AO
	PatronID         string // AA
	ItemID           string // AB
	TerminalPassword string // AC, always sent
	ItemProperties   string // CH, optional
	PatronPassword   string // AD, optional
	FeeAcknowledged  YesNo  // BO
	Cancel           YesNo  // BI
	Extra            []Field
}

// Message returns the generic form of r.
func (r CheckoutRequest) Message() Message {
	return circRequest(CodeCheckout, r.SCRenewalPolicy, r.NoBlock, r.TransactionDate, r.NBDueDate,
		r.InstitutionID, r.PatronID, r.ItemID, r.TerminalPassword, r.ItemProperties, r.PatronPassword,
		r.FeeAcknowledged, r.Cancel, r.Extra)
}

func circRequest(code string, policy, noBlock bool, date, nbDue time.Time, ao, aa, ab, ac, ch, ad string, bo, bi YesNo, extra []Field) Message {
	w := newFixedWriter(64)
	w.flag(policy)
	w.flag(noBlock)
	w.date(date)
	w.date(nbDue)
	f := newFieldList(8, extra)
	f.add("AO", ao)
	f.add("AA", aa)
	if code == CodeRenew {
		f.opt("AD", ad)
		f.opt("AB", ab)
		f.opt("AC", ac)
		f.opt("CH", ch)
		f.yn("BO", bo)
	} else {
		f.add("AB", ab)
		f.add("AC", ac)
		f.opt("CH", ch)
		f.opt("AD", ad)
		f.yn("BO", bo)
		f.yn("BI", bi)
	}
	f = append(f, extra...)
	return Message{Code: code, Fixed: w.String(), Fields: f, Seq: NoSeq}
}

// ParseCheckoutRequest reads an 11.
func ParseCheckoutRequest(m Message) (*CheckoutRequest, error) {
	if err := checkCode(m, CodeCheckout); err != nil {
		return nil, err
	}
	fr := newFixedReader(m)
	r := &CheckoutRequest{}
	r.SCRenewalPolicy = fr.flag("SC renewal policy")
	r.NoBlock = fr.flag("no block")
	r.TransactionDate = fr.date("transaction date")
	r.NBDueDate = fr.date("nb due date")
	var fs fields
	fs.init(m)
	r.InstitutionID = fs.req("AO")
	r.PatronID = fs.req("AA")
	r.ItemID = fs.req("AB")
	r.TerminalPassword = fs.opt("AC")
	r.ItemProperties = fs.opt("CH")
	r.PatronPassword = fs.opt("AD")
	r.FeeAcknowledged = fs.yn("BO")
	r.Cancel = fs.yn("BI")
	r.Extra = fs.extra()
	return r, firstErr(fr.err, fs.err)
}

// RenewRequest is message 29.
type RenewRequest struct {
	ThirdPartyAllowed bool
	NoBlock           bool
	TransactionDate   time.Time
	NBDueDate         time.Time
	InstitutionID     string // AO
	PatronID          string // AA
	PatronPassword    string // AD, optional
	ItemID            string // AB, optional
	TerminalPassword  string // AC, optional
	ItemProperties    string // CH, optional
	FeeAcknowledged   YesNo  // BO
	Extra             []Field
}

// Message returns the generic form of r.
func (r RenewRequest) Message() Message {
	return circRequest(CodeRenew, r.ThirdPartyAllowed, r.NoBlock, r.TransactionDate, r.NBDueDate,
		r.InstitutionID, r.PatronID, r.ItemID, r.TerminalPassword, r.ItemProperties, r.PatronPassword,
		r.FeeAcknowledged, Unset, r.Extra)
}

// ParseRenewRequest reads a 29.
func ParseRenewRequest(m Message) (*RenewRequest, error) {
	if err := checkCode(m, CodeRenew); err != nil {
		return nil, err
	}
	fr := newFixedReader(m)
	r := &RenewRequest{}
	r.ThirdPartyAllowed = fr.flag("third party allowed")
	r.NoBlock = fr.flag("no block")
	r.TransactionDate = fr.date("transaction date")
	r.NBDueDate = fr.date("nb due date")
	var fs fields
	fs.init(m)
	r.InstitutionID = fs.req("AO")
	r.PatronID = fs.req("AA")
	r.PatronPassword = fs.opt("AD")
	r.ItemID = fs.opt("AB")
	r.TerminalPassword = fs.opt("AC")
	r.ItemProperties = fs.opt("CH")
	r.FeeAcknowledged = fs.yn("BO")
	r.Extra = fs.extra()
	return r, firstErr(fr.err, fs.err)
}

// CheckoutResponse is message 12, and (as RenewResponse) message 30.
type CheckoutResponse struct {
	OK              bool
	RenewalOK       bool
	MagneticMedia   YesNo // Y, N or U
	Desensitize     YesNo // Y, N or U
	TransactionDate time.Time
	InstitutionID   string   // AO
	PatronID        string   // AA
	ItemID          string   // AB
	TitleID         string   // AJ
	DueDate         string   // AH, as the server sends it (often a SIP2 date)
	FeeType         string   // BT
	SecurityInhibit YesNo    // CI
	CurrencyType    string   // BH
	FeeAmount       string   // BV
	MediaType       string   // CK
	ItemProperties  string   // CH
	TransactionID   string   // BK
	ScreenMessages  []string // AF
	PrintLines      []string // AG
	Extra           []Field
}

// RenewResponse is message 30; it has the fields of 12.
type RenewResponse = CheckoutResponse

// Due parses DueDate as a SIP2 date in loc.
func (r CheckoutResponse) Due(loc *time.Location) (time.Time, error) {
	return ParseDateIn(r.DueDate, loc)
}

// Message returns r as a 12.
func (r CheckoutResponse) Message() Message { return r.message(CodeCheckoutResponse) }

// RenewMessage returns r as a 30.
func (r CheckoutResponse) RenewMessage() Message { return r.message(CodeRenewResponse) }

func (r CheckoutResponse) message(code string) Message {
	w := newFixedWriter(64)
	w.digit(r.OK)
	w.flag(r.RenewalOK)
	w.ch(r.MagneticMedia.char('U'))
	w.ch(r.Desensitize.char('U'))
	w.date(r.TransactionDate)
	f := newFieldList(12+len(r.ScreenMessages)+len(r.PrintLines), r.Extra)
	f.add("AO", r.InstitutionID)
	f.add("AA", r.PatronID)
	f.add("AB", r.ItemID)
	f.add("AJ", r.TitleID)
	f.add("AH", r.DueDate)
	f.opt("BT", r.FeeType)
	f.yn("CI", r.SecurityInhibit)
	f.opt("BH", r.CurrencyType)
	f.opt("BV", r.FeeAmount)
	f.opt("CK", r.MediaType)
	f.opt("CH", r.ItemProperties)
	f.opt("BK", r.TransactionID)
	f.many("AF", r.ScreenMessages)
	f.many("AG", r.PrintLines)
	f = append(f, r.Extra...)
	return Message{Code: code, Fixed: w.String(), Fields: f, Seq: NoSeq}
}

// ParseCheckoutResponse reads a 12.
func ParseCheckoutResponse(m Message) (*CheckoutResponse, error) {
	return parseCircResponse(m, CodeCheckoutResponse)
}

// ParseRenewResponse reads a 30.
func ParseRenewResponse(m Message) (*RenewResponse, error) {
	return parseCircResponse(m, CodeRenewResponse)
}

func parseCircResponse(m Message, code string) (*CheckoutResponse, error) {
	if err := checkCode(m, code); err != nil {
		return nil, err
	}
	fr := newFixedReader(m)
	r := &CheckoutResponse{}
	r.OK = fr.flag("ok")
	r.RenewalOK = fr.flag("renewal ok")
	r.MagneticMedia = fr.yn("magnetic media")
	r.Desensitize = fr.yn("desensitize")
	r.TransactionDate = fr.date("transaction date")
	var fs fields
	fs.init(m)
	r.InstitutionID = fs.req("AO")
	r.PatronID = fs.req("AA")
	r.ItemID = fs.req("AB")
	r.TitleID = fs.req("AJ")
	r.DueDate = fs.req("AH")
	r.FeeType = fs.opt("BT")
	r.SecurityInhibit = fs.yn("CI")
	r.CurrencyType = fs.opt("BH")
	r.FeeAmount = fs.opt("BV")
	r.MediaType = fs.opt("CK")
	r.ItemProperties = fs.opt("CH")
	r.TransactionID = fs.opt("BK")
	r.ScreenMessages = fs.all("AF")
	r.PrintLines = fs.all("AG")
	r.Extra = fs.extra()
	return r, firstErr(fr.err, fs.err)
}

// CheckinRequest is message 09.
type CheckinRequest struct {
	NoBlock          bool
	TransactionDate  time.Time
	ReturnDate       time.Time
	CurrentLocation  string // AP
	InstitutionID    string // AO
	ItemID           string // AB
	TerminalPassword string // AC, always sent
	ItemProperties   string // CH, optional
	Cancel           YesNo  // BI
	Extra            []Field
}

// Message returns the generic form of r.
func (r CheckinRequest) Message() Message {
	w := newFixedWriter(64)
	w.flag(r.NoBlock)
	w.date(r.TransactionDate)
	w.date(r.ReturnDate)
	f := newFieldList(6, r.Extra)
	f.add("AP", r.CurrentLocation)
	f.add("AO", r.InstitutionID)
	f.add("AB", r.ItemID)
	f.add("AC", r.TerminalPassword)
	f.opt("CH", r.ItemProperties)
	f.yn("BI", r.Cancel)
	f = append(f, r.Extra...)
	return Message{Code: CodeCheckin, Fixed: w.String(), Fields: f, Seq: NoSeq}
}

// ParseCheckinRequest reads a 09.
func ParseCheckinRequest(m Message) (*CheckinRequest, error) {
	if err := checkCode(m, CodeCheckin); err != nil {
		return nil, err
	}
	fr := newFixedReader(m)
	r := &CheckinRequest{}
	r.NoBlock = fr.flag("no block")
	r.TransactionDate = fr.date("transaction date")
	r.ReturnDate = fr.date("return date")
	var fs fields
	fs.init(m)
	r.CurrentLocation = fs.req("AP")
	r.InstitutionID = fs.req("AO")
	r.ItemID = fs.req("AB")
	r.TerminalPassword = fs.opt("AC")
	r.ItemProperties = fs.opt("CH")
	r.Cancel = fs.yn("BI")
	r.Extra = fs.extra()
	return r, firstErr(fr.err, fs.err)
}

// CheckinResponse is message 10.
type CheckinResponse struct {
	OK                bool
	Resensitize       bool
	MagneticMedia     YesNo // Y, N or U
	Alert             bool
	TransactionDate   time.Time
	InstitutionID     string   // AO
	ItemID            string   // AB
	PermanentLocation string   // AQ
	TitleID           string   // AJ
	SortBin           string   // CL
	PatronID          string   // AA
	MediaType         string   // CK
	ItemProperties    string   // CH
	ScreenMessages    []string // AF
	PrintLines        []string // AG
	Extra             []Field
}

// Message returns the generic form of r.
func (r CheckinResponse) Message() Message {
	w := newFixedWriter(64)
	w.digit(r.OK)
	w.flag(r.Resensitize)
	w.ch(r.MagneticMedia.char('U'))
	w.flag(r.Alert)
	w.date(r.TransactionDate)
	f := newFieldList(8+len(r.ScreenMessages)+len(r.PrintLines), r.Extra)
	f.add("AO", r.InstitutionID)
	f.add("AB", r.ItemID)
	f.add("AQ", r.PermanentLocation)
	f.opt("AJ", r.TitleID)
	f.opt("CL", r.SortBin)
	f.opt("AA", r.PatronID)
	f.opt("CK", r.MediaType)
	f.opt("CH", r.ItemProperties)
	f.many("AF", r.ScreenMessages)
	f.many("AG", r.PrintLines)
	f = append(f, r.Extra...)
	return Message{Code: CodeCheckinResponse, Fixed: w.String(), Fields: f, Seq: NoSeq}
}

// ParseCheckinResponse reads a 10.
func ParseCheckinResponse(m Message) (*CheckinResponse, error) {
	if err := checkCode(m, CodeCheckinResponse); err != nil {
		return nil, err
	}
	fr := newFixedReader(m)
	r := &CheckinResponse{}
	r.OK = fr.flag("ok")
	r.Resensitize = fr.flag("resensitize")
	r.MagneticMedia = fr.yn("magnetic media")
	r.Alert = fr.flag("alert")
	r.TransactionDate = fr.date("transaction date")
	var fs fields
	fs.init(m)
	r.InstitutionID = fs.req("AO")
	r.ItemID = fs.req("AB")
	r.PermanentLocation = fs.opt("AQ") // required by the spec; some servers omit it
	r.TitleID = fs.opt("AJ")
	r.SortBin = fs.opt("CL")
	r.PatronID = fs.opt("AA")
	r.MediaType = fs.opt("CK")
	r.ItemProperties = fs.opt("CH")
	r.ScreenMessages = fs.all("AF")
	r.PrintLines = fs.all("AG")
	r.Extra = fs.extra()
	return r, firstErr(fr.err, fs.err)
}
