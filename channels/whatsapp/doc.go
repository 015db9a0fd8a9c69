// Package whatsapp connects Townhall to residents over Meta's WhatsApp
// Cloud API: a webhook (Webhook) that answers Meta's verification
// handshake, verifies X-Hub-Signature-256, parses messages and hands them
// on; a sender (Client) that respects the 24-hour customer service window
// (Window); Windowed, which applies the same window rule to WhatsApp sent
// through another provider (Twilio); and Format, which turns Markdown-ish answers into WhatsApp's
// formatting syntax.
//
// The signature scheme follows Meta's official WhatsApp Node.js SDK
// (src/api/webhooks.ts): hex HMAC-SHA256 of the raw body keyed with the
// app secret, sent as "sha256=<hex>".
package whatsapp
