// Package report is what makes nivaran measure what matters: where the
// complaints stand (pendency), how each district, department and post did in a
// month (the ranking), the independent second call that checks closures (the
// verification sample), the patterns of "technical disposal" (signals), and
// the files every report can be taken away as (exports). Like package
// workflow it is pure: no SQL, no HTTP, no clock of its own. The service
// feeds it what the store read and the time the clock says.
//
// # Pendency: counters kept in the transaction
//
// Every complaint counts in exactly one counter, keyed by its district,
// department, accountable post, level and bucket (its status; for a closed
// complaint "closed_" and the closure reason). The service's change hook runs
// inside the transaction of every complaint change and applies
// PendencyDeltas: one off the key of the complaint as it was, one on the key
// of the complaint as it is — so a registration, an escalation of several
// levels, a re-route to another district or a reopen all leave the counters
// exact, and a comment or a reminder touches none. A roll-up of the same
// counts by district × department, kept by the same hook, serves the
// state-wide tables from a few thousand rows: one row per pair, a column per
// count (Wide). "Open" is work under a running clock (open, or waiting for a
// special-closure decision); "escalated" the open work above level 0;
// "overdue" the open work past its due date — which only the clock changes, so
// it is counted when read, from a partial index of open complaints by due
// date. Below a district the counters do not resolve an area, and the
// complaints are counted directly (a block's are a few thousand).
//
// # Tallies: the month's events, attributed
//
// The ranking is computed from monthly tallies (Measure) of events, each
// attributed to the IST month it happened in and to a district, department
// and post: registrations; complaints a post received (routed, re-routed,
// escalated or reopened to it — each opens a deadline window); disposals
// (reports and special-closure requests) and those made in time (not after
// the deadline passed at the top of the ladder, where it cannot escalate any
// more); deadlines let pass (escalated and overdue_at_top events, against
// the post that let them pass); special-closure requests and the decisions on
// them; returns; feedback answers by outcome; closures by reason; reopens
// (against the post whose report went back); verification calls and
// mismatches. The hook adds a change's tallies in its transaction (TalliesOf).
// Tracker reads events the same way whether it starts from the complaint as
// loaded (the hook) or from nothing (Replay, the recount of a complaint's whole
// history), so "nivaran check counters" can prove the tallies right, and
// "--fix" can rebuild them — on an upgraded database, for the months before
// the tallies existed.
//
// # Ranking: a rubric stored as data
//
// A Rubric is a version of the marking scheme, stored in rubric_versions and
// rubric_parameters, in force from its first month: a new government order is
// a new version, not new code. Each Parameter names its value as a ratio of
// sums of measures, Σ numerator ÷ Σ denominator, its maximum marks, and the
// values at which it earns full marks (FullAt) and none (ZeroAt):
//
//	marks = max_marks × clamp((value − zero_at) ÷ (full_at − zero_at), 0, 1)
//
// rounded to two places — a straight line between the two bounds, which
// works alike for "higher is better" (full_at > zero_at) and "lower is better"
// (full_at < zero_at). A parameter whose denominator is 0 in the month (a post
// with no special-closure requests has no approval rate) earns, pro rata, the
// share of its maximum that the unit earned on the parameters that apply, so
// that having nothing to judge neither helps nor hurts. The score is the sum of
// the marks; units rank by score, equal scores sharing a rank (1, 2, 2, 4); a
// unit with no parameter that applies (no activity) is not ranked.
//
// The default rubric (version 1, DefaultRubric) weighs the citizen's word
// most: the share of feedback answers that were "satisfied" (35 marks), the
// verification mismatches (10) and the reopen rate (10) make 55 of 100; the
// clock — disposals within time (15), defaulters per complaint received
// (10) — 25; special-closure share (5) and approval rate (5), returns per
// complaint (5) and unreachable closures (5) the rest. A past month's ranking
// is computed once and frozen (ranking_runs, ranking_rows); the current
// month's is provisional.
//
// # The verification sample
//
// Every day, for the day before (India time), Sample draws up to a configured
// number of each district's closures on the merits (satisfied, unreachable,
// special closure) at random into a queue, where a call-centre supervisor
// phones the citizen again. A special closure the citizen disputed enters the
// queue at once. The draw of a day is recorded with its queue rows, so it
// happens once however many nodes run the worker (Verifier). A mismatch reopens
// the complaint one level up (workflow.Verify), marks the report it rested on,
// and counts against the post in the ranking.
//
// # Signals
//
// Signals look, in a month, for one post filing the same report text on
// several complaints; reports filed within minutes of the post getting the
// complaint; citizens registering the same type at the same place again soon
// after a "satisfied" closure; and posts whose special-closure or return share
// stands far above the median of their department's posts (Outliers). Each
// finding lists the complaints behind it. Thresholds tune them.
//
// # Exports
//
// Every report is also a Table, written as CSV (UTF-8 with a byte-order mark,
// so that Excel shows Devanagari) or as XLSX through excelize's streaming
// writer, row by row as the rows are produced.
package report
