// Package sms turns an outbox row into a text message on a citizen's or an
// officer's phone, within India's DLT rules.
//
// # Templates
//
// Every transactional SMS sent in India must match a content template that the
// principal entity registered on a DLT platform, sent under a registered
// six-character header. Variables in a registered template are written
// {#var#} and, since September 2024, each is tagged with a type (reference
// id, date, number, URL, phone…); a message whose text does not match its
// template, or whose variable does not fit its type, is blocked at scrubbing.
// So nivaran never builds message text freely: a [Registry] holds the
// registered templates (each a [Template]: key, language, body, DLT template
// id, header, entity id, typed variables) and [Registry.Render] fills only
// those, checking every value against its type and length before a gateway
// ever sees it. A failure
// there is permanent: retrying will not make a bad value fit. The one
// exception is a text variable marked Truncate — the name of a complaint
// type, a place, a department, whose length the helpline does not choose —
// which is shortened to its limit at a grapheme-cluster boundary instead, so
// that an officer is not left without the SMS about a new complaint because
// its type has a long name.
//
// The registry a running server renders with is stored (package store's
// sms_templates, seeded from [DefaultTemplates]) and edited by admins as the
// DLT registrations come through; every node reloads it when it changes.
//
// # Encoding and segments
//
// [Encode] decides how the text travels. Text made only of the GSM 03.38
// default alphabet (extension characters count twice) goes as GSM-7: 160
// septets in one SMS, 153 per part of a concatenated one. Anything else —
// every Hindi message — goes as UCS-2 (UTF-16BE, data coding 8): 70 code
// units alone, 67 per part. Long messages are cut at grapheme-cluster
// boundaries so that no part starts with a dangling matra, virama or nukta
// and no conjunct is torn in two; a handset that shows parts before it has
// them all would otherwise show broken Devanagari. Surrogate pairs are never
// split.
//
// # Providers
//
// A [Provider] sends one rendered message and returns the gateway's message
// id. Its errors say whether trying again later can help ([IsTemporary]); the
// outbox dispatcher retries temporary failures with backoff and gives up on
// permanent ones. The providers are:
//
//   - [SMPP]: an SMPP 3.4 transceiver bind to an operator's or aggregator's
//     SMSC, with DLT ids in TLVs, concatenation built from [Encode]'s segments
//     and delivery receipts passed to a callback;
//   - [HTTPProvider]: a configurable HTTP gateway (the NIC gateway used by
//     government departments, commercial aggregators), with a delivery
//     callback handler;
//   - [LogProvider]: logs and remembers the last messages, for development
//     and the admin "sent messages" page;
//   - [Fake]: records messages and fails on demand, for tests.
//
// Package smsctest holds a fake SMSC that the SMPP tests talk to over TCP.
package sms
