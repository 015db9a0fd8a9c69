// Package twilio connects Townhall to residents by SMS through Twilio:
// an inbound webhook (Webhook) that verifies X-Twilio-Signature, handles
// STOP/START/HELP and hands messages on; a REST client (Client) that sends
// answers; SMS segment arithmetic (Segments, FitSegments); and a TwiML
// builder.
//
// Twilio documents the signature at
// https://www.twilio.com/docs/usage/security#validating-requests; the
// implementation follows twilio-go's client/request_validator.go and is
// tested with its published vectors.
package twilio
