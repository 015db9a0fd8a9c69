// Package assistant is Townhall's conversation engine: the part every
// channel talks to. A resident's message becomes a Request; the Assistant
// classifies its intent (answer, service_request, foi_request, handoff,
// refuse, emergency), rewrites follow-ups into standalone questions,
// retrieves council content, composes a grounded answer with citations,
// collects what a service request needs and logs it, or hands the
// conversation to a person. Answers are adapted to the channel (web, SMS,
// WhatsApp) and to what the resident has told us about themselves (screen
// reader, plain English, BSL, another language).
//
// Service requests follow the catalogue (DefaultServices): one question
// at a time, anything already said reused, a summary to confirm, and the
// reference only once the store has committed the request. The first
// step links the council's own page for the service (its Topic,
// servicepage.go), so the resident can read the service standard while
// the report is taken.
//
// What is not council business is declined with a signpost to whoever
// does it (OutOfScope, scope.go: the NHS, DVLA, HMRC, DWP, National
// Highways, Royal Mail and so on) before retrieval; a council topic in
// the same message wins. Questions the rules miss reach retrieval, whose
// coverage check declines only when the question's words are absent from
// the top hits; docs/status.md has a probe of how often an out-of-corpus
// question still gets an answer from unrelated pages.
//
// The package holds the model and the rules; it consumes small interfaces
// (Composer, Router, ConversationStore, ServiceRequests, HandoffQueue,
// RecordSource) that subpackages implement: assistant/extractive (the
// offline composer), assistant/llm (langchaingo), assistant/sqlite (the
// durable embedded stores).
package assistant
