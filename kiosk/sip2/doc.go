// Package sip2 speaks the 3M Standard Interchange Protocol 2.00: a codec for
// the generic and typed messages, a client for talking to a library system,
// and a server with a pluggable backend (used for the demo library).
//
// A Message is the generic form: a two-digit code, the fixed part as one
// string, the variable fields in order and the error-detection sequence
// number. Typed messages (LoginRequest, PatronInformationResponse, ...)
// convert to and from it with their Message method and the matching Parse
// function.
package sip2
