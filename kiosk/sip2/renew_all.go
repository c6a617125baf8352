package sip2

import "time"

// RenewAllRequest is message 65: renew every item the patron has on loan.
type RenewAllRequest struct {
	TransactionDate  time.Time
	InstitutionID    string // AO
	PatronID         string // AA
	PatronPassword   string // AD, optional
	TerminalPassword string // AC, optional
	FeeAcknowledged  YesNo  // BO
	Extra            []Field
}

// Message returns the generic form of r.
func (r RenewAllRequest) Message() Message {
	w := newFixedWriter(DateLen)
	w.date(r.TransactionDate)
	f := newFieldList(5, r.Extra)
	f.add("AO", r.InstitutionID)
	f.add("AA", r.PatronID)
	f.opt("AD", r.PatronPassword)
	f.opt("AC", r.TerminalPassword)
	f.yn("BO", r.FeeAcknowledged)
	f = append(f, r.Extra...)
	return Message{Code: CodeRenewAll, Fixed: w.String(), Fields: f, Seq: NoSeq}
}

// ParseRenewAllRequest reads a 65.
func ParseRenewAllRequest(m Message) (*RenewAllRequest, error) {
	if err := checkCode(m, CodeRenewAll); err != nil {
		return nil, err
	}
	fr := newFixedReader(m)
	r := &RenewAllRequest{TransactionDate: fr.date("transaction date")}
	var fs fields
	fs.init(m)
	r.InstitutionID = fs.req("AO")
	r.PatronID = fs.req("AA")
	r.PatronPassword = fs.opt("AD")
	r.TerminalPassword = fs.opt("AC")
	r.FeeAcknowledged = fs.yn("BO")
	r.Extra = fs.extra()
	return r, firstErr(fr.err, fs.err)
}

// RenewAllResponse is message 66. The counts stand in the fixed part and
// need not match the lists: servers may leave the lists out.
type RenewAllResponse struct {
	OK              bool
	RenewedCount    int // 4 digits
	UnrenewedCount  int // 4 digits
	TransactionDate time.Time
	InstitutionID   string   // AO
	RenewedItems    []string // BM
	UnrenewedItems  []string // BN
	ScreenMessages  []string // AF
	PrintLines      []string // AG
	Extra           []Field
}

// Message returns the generic form of r.
func (r RenewAllResponse) Message() Message {
	w := newFixedWriter(27)
	w.digit(r.OK)
	w.num(4, r.RenewedCount)
	w.num(4, r.UnrenewedCount)
	w.date(r.TransactionDate)
	f := newFieldList(1+len(r.RenewedItems)+len(r.UnrenewedItems)+len(r.ScreenMessages)+len(r.PrintLines), r.Extra)
	f.add("AO", r.InstitutionID)
	f.many("BM", r.RenewedItems)
	f.many("BN", r.UnrenewedItems)
	f.many("AF", r.ScreenMessages)
	f.many("AG", r.PrintLines)
	f = append(f, r.Extra...)
	return Message{Code: CodeRenewAllResponse, Fixed: w.String(), Fields: f, Seq: NoSeq}
}

// ParseRenewAllResponse reads a 66.
func ParseRenewAllResponse(m Message) (*RenewAllResponse, error) {
	if err := checkCode(m, CodeRenewAllResponse); err != nil {
		return nil, err
	}
	fr := newFixedReader(m)
	r := &RenewAllResponse{}
	r.OK = fr.flag("ok")
	r.RenewedCount = fr.num(4, "renewed count")
	r.UnrenewedCount = fr.num(4, "unrenewed count")
	r.TransactionDate = fr.date("transaction date")
	var fs fields
	fs.init(m)
	r.InstitutionID = fs.req("AO")
	r.RenewedItems = fs.all("BM")
	r.UnrenewedItems = fs.all("BN")
	r.ScreenMessages = fs.all("AF")
	r.PrintLines = fs.all("AG")
	r.Extra = fs.extra()
	return r, firstErr(fr.err, fs.err)
}
