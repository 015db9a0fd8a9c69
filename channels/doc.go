// Package channels is Townhall's channel-neutral model of a conversation
// with a resident over a messaging channel: web chat, SMS or WhatsApp.
//
// Provider adapters live in subpackages (channels/twilio, channels/whatsapp,
// channels/notify, channels/open311). An inbound adapter verifies the
// provider's signature, de-duplicates on the provider's message id, turns
// the payload into an Inbound and hands it to a Handler, which is expected
// to enqueue it durably and return quickly: the answer goes out later
// through a Sender. Adapters never render message text as HTML; text is
// carried as plain text from end to end.
//
// Every adapter passes user text through CleanText, so the rest of Townhall
// can assume valid UTF-8, no control characters other than newline and tab,
// and at most MaxTextRunes characters.
//
// This package imports only the standard library.
package channels
