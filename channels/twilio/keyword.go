package twilio

import "strings"

// Keyword is an SMS compliance keyword a resident can text.
type Keyword int

// Keywords recognised by the webhook.
const (
	NoKeyword Keyword = iota
	// Stop opts the sender out: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT.
	Stop
	// Start opts the sender back in: START, UNSTOP, and YES from a sender
	// who has opted out.
	Start
	// Help asks what the number is: HELP, INFO.
	Help
)

// ParseKeyword classifies an SMS body. The whole body, trimmed of white
// space and trailing full stops or exclamation marks, must be the keyword,
// in any case: "stop" and " Stop. " are Stop, "please stop texting me" is
// not. YES is reported as Start; the webhook treats it as one only from an
// opted-out sender, since "yes" is also an ordinary answer.
func ParseKeyword(body string) Keyword {
	switch keywordWord(body) {
	case "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT":
		return Stop
	case "START", "UNSTOP", "YES":
		return Start
	case "HELP", "INFO":
		return Help
	}
	return NoKeyword
}

// Replies are the texts the webhook sends in answer to keywords.
type Replies struct {
	Stop, Start, Help string
}

// DefaultReplies returns generic keyword replies naming service (for
// example "Thornbury Vale Council").
func DefaultReplies(service string) Replies {
	return Replies{
		Stop:  "You have been unsubscribed from " + service + " messages and will get no more. Reply START to subscribe again.",
		Start: "You are subscribed to " + service + " messages again. Reply STOP to unsubscribe.",
		Help:  service + ": text your question and we will reply. Reply STOP to unsubscribe. Standard message rates apply.",
	}
}

// keywordWord returns the normalised body ParseKeyword compares.
func keywordWord(body string) string {
	return strings.ToUpper(strings.TrimRight(strings.TrimSpace(body), ".! "))
}
