// Package inbound is the durable message queue between the SMS and
// WhatsApp webhooks and the assistant, and the worker pool that drains it.
//
// # Model
//
// A webhook (channels/twilio.Webhook, channels/whatsapp.Webhook) verifies
// the provider's signature and hands each message to Pool.HandleInbound,
// which commits it to the Store before returning: the webhook answers 200
// only after that commit, so an acknowledged message is never lost. The
// provider's message id is unique in the store, so a replayed webhook
// creates nothing new.
//
// Work is a Job of one of two kinds:
//
//   - an inbound job (KindInbound) is a resident's message to answer. A
//     worker answers it through an Answerer (the web chat server, which
//     owns conversations and the staff hand-off) and, in one transaction,
//     marks it done and queues the replies as outbound jobs;
//   - an outbound job (KindOutbound) is one message to a resident: an
//     answer, a staff reply from the console (Pool.Sender), or a keyword
//     confirmation. A worker sends it through the channel's
//     channels.Sender.
//
// Jobs of one resident run one at a time and in the order they were
// queued; different residents run in parallel.
//
// # Failure
//
// A worker leases a job for Config.Lease. A process that dies mid-job
// leaves the lease to expire, and the job is then taken again: delivery
// is at least once. (The answer is not computed twice for the resident:
// the web chat recognises the message by its client id and the stored
// answer is sent instead.) Temporary failures (a provider's 429 or 5xx,
// a network error) are retried with exponential backoff; after
// Config.MaxAttempts attempts, or at once for a permanent failure (an
// invalid number, an oversized message), the job is dead: kept with its
// last error for an operator, and no longer blocking the resident's later
// jobs. A message to a resident who has opted out is dropped.
//
// A WhatsApp answer due when the resident's 24-hour window has closed is
// sent as the configured template instead, and the answer itself is held
// until the resident writes again, then sent. Further messages due
// while one is held go without a template of their own (a Store that is
// a Holder tells the pool so), so the resident gets one template and
// then every held message, in order, when they write.
//
// # Delivery reports
//
// A provider's status callback (channels/twilio.StatusWebhook) hands
// reports to Pool.HandleDelivery, which records them against the
// outbound job that sent the message (a Store that is a DeliveryStore).
// A message the provider could not deliver is sent again only when the
// provider's error says that is safe (the message certainly did not
// arrive and the cause passes, such as a handset switched off); a
// report that the WhatsApp window was closed sends the template instead;
// any other failure makes the job dead, with the provider's error code.
package inbound
