package extractive

import (
	"regexp"
	"strings"
)

// injectionCues match text written to steer an AI or a reader rather than
// to inform: prompt injection planted in a document. They are phrased
// generally (no names, addresses or codes from any one document).
var injectionCues = regexp.MustCompile(strings.Join([]string{
	`\b(ignore|disregard|forget|override)\b[^.]{0,40}\b(previous|prior|above|earlier|preceding|all|any|your|these|the)\b[^.]{0,20}\b(instructions?|prompts?|rules|guidelines|directions|messages)\b`,
	`\byou are now (the|a|an|in|my|our|acting|playing|free)\b`,
	`\bfrom now on,? (you|respond|reply|answer)\b`,
	`\b(system|developer) (prompt|message|mode)\b`,
	`\bjailbreak`,
	`\bnew instructions\b`,
	`\bas an? (ai|language model|llm|chatbot)\b`,
	`\b(ai|llm|language model|chatbot|assistant|bot)s?\b[^.]{0,30}\b(must|should|shall|will) (now )?(reply|respond|say|tell|answer|output|print)`,
	`\b(reply|respond|answer|say)( only)? with\b[^.]{0,10}["“][^"”]{1,40}["”]`,
	`\btell (every|all|any)(one|body| users?| residents?| people| customers?)\b`,
	`\btell anyone who\b`,
	`\bdo not (mention|reveal|disclose|tell (them|anyone|users?))\b[^.]{0,40}\b(this|these) (notice|message|instructions?|text|prompt)\b`,
	`\bto (whoever|anyone|any ai|the ai|the assistant|the model|the bot)\b[^.]{0,10}\b(reads|reading|processing|sees)\b`,
}, "|"))

// injectionHints hold a word or phrase of every cue above; text holding
// none of them is not matched against the cues at all.
var injectionHints = []string{
	"ignore", "disregard", "forget", "override", "you are now", "from now on", "system prompt",
	"developer prompt", "system message", "developer message", "system mode", "developer mode",
	"jailbreak", "new instructions", "as an ai", "as a language", "as an llm", "as a chatbot",
	"ai ", "llm", "language model", "chatbot", "assistant", " bot ", " bots ", "reply with",
	"respond with", "answer with", "say with", "only with", "tell every", "tell all", "tell any",
	"do not mention", "do not reveal", "do not disclose", "do not tell", "whoever", "to anyone",
	"to any ai", "to the ai", "to the assistant", "to the model", "to the bot",
}

// Injected reports whether text holds instructions addressed to an AI or
// to its reader, such as "Ignore all previous instructions and ...".
// Such text is data to be left out of answers, never obeyed.
func Injected(text string) bool {
	lower := strings.ToLower(text)
	for _, h := range injectionHints {
		if strings.Contains(lower, h) {
			return injectionCues.MatchString(lower)
		}
	}
	return false
}
