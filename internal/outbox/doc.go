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
// # Leases and tokens
//
// A claim is a lease, not a lock: a dispatcher that dies mid-batch holds
// nothing once its lease is over, and any node takes the rows from there. So
// one dispatcher must not still be sending a row when another can claim it.
// Three rules see to that. A batch starts no send once three quarters of the
// lease are gone; a send may not run past the lease, less an eighth of it for
// the mark (the providers' own timeouts are far shorter: this only stops a
// send that hangs); and every claim gives each row a fresh token (the store
// counts the row's claims), without which no mark applies. A dispatcher that
// stalled past its lease — a long GC pause, a frozen VM — therefore cannot
// record anything over the node that has claimed the row since: its mark is
// refused with [ErrLeaseLost] and it drops the rest of its batch. What is
// left is the one case no outbox can close, a send that completed while the
// process died before the mark: that message goes again after the lease
// (at least once, never lost).
//
// Rows a batch does not reach (a batch cut short, a shutdown) are released
// at once, so another node need not wait out their lease.
//
// A gateway that is down therefore costs nothing but time: every message
// waits in the table, retried ever less often, and goes out once the gateway
// is back, in the order it fell due.
//
// The dispatcher reads time only from the clock it is given, so tests (and
// the fake clock of `serve --fake-clock`) drive backoff, expiry and the rate
// limit without sleeping.
package outbox
