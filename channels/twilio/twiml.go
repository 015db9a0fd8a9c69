package twilio

import (
	"bytes"
	"encoding/xml"
)

// TwiMLContentType is the content type of a TwiML response.
const TwiMLContentType = "text/xml; charset=utf-8"

// twimlResponse is the <Response> element of messaging TwiML.
type twimlResponse struct {
	XMLName  xml.Name       `xml:"Response"`
	Messages []twimlMessage `xml:"Message"`
}

type twimlMessage struct {
	Body string `xml:",chardata"`
}

// MessagingResponse returns a TwiML document that replies with one SMS per
// message, in order; with no messages it is the empty <Response/>, which
// tells Twilio not to reply. Text is XML-escaped, so "<", "&" and quotes in
// a message arrive as typed.
func MessagingResponse(messages ...string) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	if len(messages) == 0 {
		b.WriteString("<Response/>")
		return b.Bytes()
	}
	r := twimlResponse{}
	for _, m := range messages {
		r.Messages = append(r.Messages, twimlMessage{Body: m})
	}
	// Marshal cannot fail for these types; xml escapes text and replaces
	// characters XML 1.0 forbids.
	out, _ := xml.Marshal(r)
	b.Write(out)
	return b.Bytes()
}
