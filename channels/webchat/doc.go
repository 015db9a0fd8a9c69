// Package webchat is Townhall's web channel: the chat websocket at
// /chat/ws (github.com/gorilla/websocket), the embeddable widget
// (/widget.js), the plain HTML chat page for browsers without JavaScript
// (/chat) and the staff hand-off console (/staff/).
//
// The wire protocol is documented in docs/webchat-protocol.md. In short:
// every turn of a conversation has a sequence number, assigned when the
// turn is stored in the assistant's conversation store, and a client
// that reconnects says the last number it saw and is sent everything
// after it from the store. Sending is idempotent on the client's message
// id, so a message resent after a dropped connection is answered once.
//
// A conversation's turns are handled one at a time (a lock per
// conversation in this process, and across machines when the message log
// is shared and offers one, see TurnLocker), which is what makes the
// sequence numbers and the message-id check reliable. Answers run
// detached from the connection that asked: a resident who drops
// mid-answer finds the answer waiting when they reconnect.
//
// Untrusted text never reaches a page as markup. Answers carry plain text
// and an html field that RenderHTML builds by escaping everything and
// adding only its own paragraphs, lists and links (http and https only);
// the widget and the console also pass that html through an allow-list
// before inserting it.
//
// Once a member of staff claims a hand-off in the console, the resident's
// messages go to them instead of the assistant (on every machine sharing
// the hand-off queue, see ClaimReader), and their replies reach
// the resident on the conversation's own channel: the websocket for the
// web, a channels.Sender for SMS and WhatsApp.
package webchat
