// Package outbox delivers the SMS that the rest of nivaran queues.
//
// A message is written to the outbox table in the same transaction as the
// event that causes it (a complaint registered, escalated, closed…), so it is
// never lost and never sent for a change that was rolled back. The
// [Dispatcher] then works the table in a loop:
//
//  1. claim — lease a batch of pending rows that are due, oldest due first,
//     so that two dispatchers (one per node on PostgreSQL) never work the
//     same row at once, and a dispatcher that dies mid-batch only delays its
//     rows by the lease;
//  2. render — fill the registered DLT template; a template or variable that
//     does not fit will never fit, so the row fails at once with the reason;
//  3. send — through the configured provider, at no more than the configured
//     rate (operators throttle binds, and a burst after an outage must not
//     get the sender blocked);
//  4. mark — sent with the provider's message id; or retried later, after an
//     exponential backoff with jitter, when the failure is temporary; or
//     failed, when it is permanent or the message has grown too old to be
//     worth sending (a one-time code a day late helps nobody).
//
// A gateway that is down therefore costs nothing but time: every message
// waits in the table, retried ever less often, and goes out once the gateway
// is back, in the order it fell due.
//
// The dispatcher reads time only from the clock it is given, so tests (and
// the fake clock of `serve --fake-clock`) drive backoff, expiry and the rate
// limit without sleeping.
package outbox
