package sip2

import "time"

// PatronStatusRequest is message 23.
type PatronStatusRequest struct {
	Language         string // 3 digits, "000" when empty
	TransactionDate  time.Time
	InstitutionID    string // AO
	PatronID         string // AA
	TerminalPassword string // AC, always sent
	PatronPassword   string // AD, always sent
	Extra            []Field
}

// Message returns the generic form of r.
func (r PatronStatusRequest) Message() Message {
	w := newFixedWriter(21)
	w.str(3, orString(r.Language, "000"))
	w.date(r.TransactionDate)
	f := newFieldList(4, r.Extra)
	f.add("AO", r.InstitutionID)
	f.add("AA", r.PatronID)
	f.add("AC", r.TerminalPassword)
	f.add("AD", r.PatronPassword)
	f = append(f, r.Extra...)
	return Message{Code: CodePatronStatus, Fixed: w.String(), Fields: f, Seq: NoSeq}
}

// ParsePatronStatusRequest reads a 23.
func ParsePatronStatusRequest(m Message) (*PatronStatusRequest, error) {
	if err := checkCode(m, CodePatronStatus); err != nil {
		return nil, err
	}
	fr := newFixedReader(m)
	r := &PatronStatusRequest{}
	r.Language = fr.str(3, "language")
	r.TransactionDate = fr.date("transaction date")
	var fs fields
	fs.init(m)
	r.InstitutionID = fs.req("AO")
	r.PatronID = fs.req("AA")
	r.TerminalPassword = fs.opt("AC")
	r.PatronPassword = fs.opt("AD")
	r.Extra = fs.extra()
	return r, firstErr(fr.err, fs.err)
}

// PatronStatusResponse is message 24.
type PatronStatusResponse struct {
	Status              PatronStatus
	Language            string // 3 digits
	TransactionDate     time.Time
	InstitutionID       string   // AO
	PatronID            string   // AA
	PersonalName        string   // AE
	ValidPatron         YesNo    // BL
	ValidPatronPassword YesNo    // CQ
	CurrencyType        string   // BH
	FeeAmount           string   // BV
	ScreenMessages      []string // AF
	PrintLines          []string // AG
	Extra               []Field
}

// Message returns the generic form of r.
func (r PatronStatusResponse) Message() Message {
	w := newFixedWriter(35)
	w.str(14, r.Status.String())
	w.str(3, orString(r.Language, "000"))
	w.date(r.TransactionDate)
	f := newFieldList(7+len(r.ScreenMessages)+len(r.PrintLines), r.Extra)
	f.add("AO", r.InstitutionID)
	f.add("AA", r.PatronID)
	f.add("AE", r.PersonalName)
	f.yn("BL", r.ValidPatron)
	f.yn("CQ", r.ValidPatronPassword)
	f.opt("BH", r.CurrencyType)
	f.opt("BV", r.FeeAmount)
	f.many("AF", r.ScreenMessages)
	f.many("AG", r.PrintLines)
	f = append(f, r.Extra...)
	return Message{Code: CodePatronStatusResp, Fixed: w.String(), Fields: f, Seq: NoSeq}
}

// ParsePatronStatusResponse reads a 24.
func ParsePatronStatusResponse(m Message) (*PatronStatusResponse, error) {
	if err := checkCode(m, CodePatronStatusResp); err != nil {
		return nil, err
	}
	fr := newFixedReader(m)
	r := &PatronStatusResponse{}
	r.Status = ParsePatronStatus(fr.str(14, "patron status"))
	r.Language = fr.str(3, "language")
	r.TransactionDate = fr.date("transaction date")
	var fs fields
	fs.init(m)
	r.InstitutionID = fs.req("AO")
	r.PatronID = fs.req("AA")
	r.PersonalName = fs.req("AE")
	r.ValidPatron = fs.yn("BL")
	r.ValidPatronPassword = fs.yn("CQ")
	r.CurrencyType = fs.opt("BH")
	r.FeeAmount = fs.opt("BV")
	r.ScreenMessages = fs.all("AF")
	r.PrintLines = fs.all("AG")
	r.Extra = fs.extra()
	return r, firstErr(fr.err, fs.err)
}

// ItemInformationRequest is message 17.
type ItemInformationRequest struct {
	TransactionDate  time.Time
	InstitutionID    string // AO
	ItemID           string // AB
	TerminalPassword string // AC, optional
	Extra            []Field
}

// Message returns the generic form of r.
func (r ItemInformationRequest) Message() Message {
	w := newFixedWriter(DateLen)
	w.date(r.TransactionDate)
	f := newFieldList(3, r.Extra)
	f.add("AO", r.InstitutionID)
	f.add("AB", r.ItemID)
	f.opt("AC", r.TerminalPassword)
	f = append(f, r.Extra...)
	return Message{Code: CodeItemInformation, Fixed: w.String(), Fields: f, Seq: NoSeq}
}

// ParseItemInformationRequest reads a 17.
func ParseItemInformationRequest(m Message) (*ItemInformationRequest, error) {
	if err := checkCode(m, CodeItemInformation); err != nil {
		return nil, err
	}
	fr := newFixedReader(m)
	r := &ItemInformationRequest{TransactionDate: fr.date("transaction date")}
	var fs fields
	fs.init(m)
	r.InstitutionID = fs.req("AO")
	r.ItemID = fs.req("AB")
	r.TerminalPassword = fs.opt("AC")
	r.Extra = fs.extra()
	return r, firstErr(fr.err, fs.err)
}

// CirculationStatus is the first fixed field of 18.
type CirculationStatus int

// Circulation status values of 18.
const (
	CircOther             CirculationStatus = 1
	CircOnOrder           CirculationStatus = 2
	CircAvailable         CirculationStatus = 3
	CircCharged           CirculationStatus = 4
	CircChargedNoRecall   CirculationStatus = 5
	CircInProcess         CirculationStatus = 6
	CircRecalled          CirculationStatus = 7
	CircWaitingOnHold     CirculationStatus = 8
	CircWaitingReshelving CirculationStatus = 9
	CircInTransit         CirculationStatus = 10
	CircClaimedReturned   CirculationStatus = 11
	CircLost              CirculationStatus = 12
	CircMissing           CirculationStatus = 13
)

// ItemInformationResponse is message 18.
type ItemInformationResponse struct {
	CirculationStatus CirculationStatus // 2 digits
	SecurityMarker    int               // 2 digits: 00 other, 01 none, 02 3M Tattle-Tape, 03 3M Whisper Tape
	FeeType           int               // 2 digits, 01 other/unknown
	TransactionDate   time.Time
	HoldQueueLength   *int     // CF
	DueDate           string   // AH, as the server sends it
	RecallDate        string   // CJ
	HoldPickupDate    string   // CM
	ItemID            string   // AB
	TitleID           string   // AJ
	Owner             string   // BG
	CurrencyType      string   // BH
	FeeAmount         string   // BV
	MediaType         string   // CK
	PermanentLocation string   // AQ
	CurrentLocation   string   // AP
	ItemProperties    string   // CH
	ScreenMessages    []string // AF
	PrintLines        []string // AG
	Extra             []Field
}

// Message returns the generic form of r.
func (r ItemInformationResponse) Message() Message {
	w := newFixedWriter(24)
	w.num(2, int(r.CirculationStatus))
	w.num(2, r.SecurityMarker)
	w.num(2, r.FeeType)
	w.date(r.TransactionDate)
	f := newFieldList(14+len(r.ScreenMessages)+len(r.PrintLines), r.Extra)
	f.optNum("CF", 1, r.HoldQueueLength)
	f.opt("AH", r.DueDate)
	f.opt("CJ", r.RecallDate)
	f.opt("CM", r.HoldPickupDate)
	f.add("AB", r.ItemID)
	f.add("AJ", r.TitleID)
	f.opt("BG", r.Owner)
	f.opt("BH", r.CurrencyType)
	f.opt("BV", r.FeeAmount)
	f.opt("CK", r.MediaType)
	f.opt("AQ", r.PermanentLocation)
	f.opt("AP", r.CurrentLocation)
	f.opt("CH", r.ItemProperties)
	f.many("AF", r.ScreenMessages)
	f.many("AG", r.PrintLines)
	f = append(f, r.Extra...)
	return Message{Code: CodeItemInformationResp, Fixed: w.String(), Fields: f, Seq: NoSeq}
}

// ParseItemInformationResponse reads an 18.
func ParseItemInformationResponse(m Message) (*ItemInformationResponse, error) {
	if err := checkCode(m, CodeItemInformationResp); err != nil {
		return nil, err
	}
	fr := newFixedReader(m)
	r := &ItemInformationResponse{}
	r.CirculationStatus = CirculationStatus(fr.num(2, "circulation status"))
	r.SecurityMarker = fr.num(2, "security marker")
	r.FeeType = fr.num(2, "fee type")
	r.TransactionDate = fr.date("transaction date")
	var fs fields
	fs.init(m)
	r.HoldQueueLength = fs.optNum("CF")
	r.DueDate = fs.opt("AH")
	r.RecallDate = fs.opt("CJ")
	r.HoldPickupDate = fs.opt("CM")
	r.ItemID = fs.req("AB")
	r.TitleID = fs.req("AJ")
	r.Owner = fs.opt("BG")
	r.CurrencyType = fs.opt("BH")
	r.FeeAmount = fs.opt("BV")
	r.MediaType = fs.opt("CK")
	r.PermanentLocation = fs.opt("AQ")
	r.CurrentLocation = fs.opt("AP")
	r.ItemProperties = fs.opt("CH")
	r.ScreenMessages = fs.all("AF")
	r.PrintLines = fs.all("AG")
	r.Extra = fs.extra()
	return r, firstErr(fr.err, fs.err)
}

// Due parses DueDate as a SIP2 date in loc.
func (r ItemInformationResponse) Due(loc *time.Location) (time.Time, error) {
	return ParseDateIn(r.DueDate, loc)
}

// RequestACSResend is message 97: the SC asks the server to resend its
// last message. With Checksum it carries AZ alone ("97AZFEF5").
type RequestACSResend struct{ Checksum bool }

// Message returns the generic form of r.
func (r RequestACSResend) Message() Message { return resendMessage(CodeRequestResend, r.Checksum) }

// ParseRequestACSResend reads a 97.
func ParseRequestACSResend(m Message) (*RequestACSResend, error) {
	if err := checkCode(m, CodeRequestResend); err != nil {
		return nil, err
	}
	return &RequestACSResend{Checksum: m.Seq != NoSeq}, nil
}

// RequestSCResend is message 96: the server asks the SC to resend its
// last message. With Checksum it carries AZ alone ("96AZFEF6").
type RequestSCResend struct{ Checksum bool }

// Message returns the generic form of r.
func (r RequestSCResend) Message() Message { return resendMessage(CodeResend, r.Checksum) }

// ParseRequestSCResend reads a 96.
func ParseRequestSCResend(m Message) (*RequestSCResend, error) {
	if err := checkCode(m, CodeResend); err != nil {
		return nil, err
	}
	return &RequestSCResend{Checksum: m.Seq != NoSeq}, nil
}

func resendMessage(code string, checksum bool) Message {
	m := Message{Code: code, Seq: NoSeq}
	if checksum {
		m.Seq = 0 // any Seq: 96 and 97 get AZ without AY
	}
	return m
}
