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
// The package holds the model and the rules; it consumes small interfaces
// (Composer, Router, ConversationStore, ServiceRequests, HandoffQueue,
// RecordSource) that subpackages implement: assistant/extractive (the
// offline composer), assistant/llm (langchaingo), assistant/sqlite (the
// durable embedded stores).
package assistant
