// Package workflow is the seed's rules (DESIGN §3) as pure functions: a
// complaint's state, an action, the actor and the time go in; the new state,
// the events to append and the messages to queue come out as a Result, or a
// *Refusal wrapping one sentinel error says why not. Nothing here reads a
// clock, a database or a request; the service loads, calls one function and
// saves the Result in one transaction. Times in a complaint are UTC; days are
// counted in IST (calendar days in Asia/Kolkata, which keeps no DST).
//
// Every Result follows the same conventions. Each event is stamped with the
// time, the actor (no user for the system), the post the actor acted for when
// acting as an officer, and the complaint's level after the change; from/to
// posts and levels are filled where they mean something. Each message queued
// comes with an sms_queued event, so the history shows what was sent and why.
// A message's dedupe key is built from the reference and what makes the
// occurrence unique (the post, the level, the count of reports, reopens or
// returns), so that retrying an action on the same state queues nothing twice
// and distinct occurrences never collide.
//
// Register (§3.1). An agent, a supervisor, an admin, or a citizen for their own
// mobile registers a complaint. A blocked mobile is refused; so is the
// monthly limit (Policy.MonthlyLimit, counted by the service over
// Policy.MonthBounds), unless a supervisor overrides it with a reason that the
// registered event keeps. The complaint opens at level 0 at the routed post
// with the category's L0 days; the citizen gets the reference and due date,
// the post's officer the assignment.
//
// Route (§3.2). Route picks the L0 post from what the store found: the nearest
// post of the category's designation up the area's ancestors, else the nearest
// nodal post of the department (a district's, or the state's at the root).
// Routing never fails silently: an unroutable complaint is registered all the
// same, returned to the re-route desk with the note "unroutable".
//
// Escalate (§3.3). When the deadline of an open (or special-closure-pending)
// complaint passes, it climbs to the accountable post's supervisor; the new
// deadline is the old one plus the new level's days, so a sweep that runs late
// neither extends nor shortens anybody's time, and a very late sweep climbs
// several levels in one call, one escalated event per level. The post that let
// the deadline pass is the defaulter and is told so; a pending special closure
// is voided. At L4, or where the ladder ends, a passed deadline is reported
// once with overdue_at_top. Escalate on a complaint with nothing due returns
// ErrNotDue, so running it twice at the same instant changes nothing.
//
// Mark (§3.4). The accountable officer may mark a subordinate post for
// inquiry; the marked officer may then comment. Accountability and the clock
// stay where they were.
//
// Report (§3.5). The accountable officer files an action-taken report: the
// complaint becomes reported, the clock stops and the citizen is told a call
// will follow. A report identical (by the caller's content hash) to one filed
// earlier on the complaint is refused, so a reopen cannot be answered by
// re-uploading the same paper.
//
// Feedback (§3.6). An agent calls the citizen. Satisfied closes the complaint.
// Not satisfied reopens it one level up, under the supervisor, with a fresh
// window of that level's days (L4 stays L4). Unreachable counts an attempt;
// the Policy.UnreachableAttempts-th closes it as unreachable.
//
// Special closure (§3.7). Where the category allows it, the accountable officer
// asks to close a complaint as a prohibited subject, giving a reason code. The
// supervisor post approves — the complaint is reported with the special-closure
// flag, and a dissatisfied citizen then closes it as special_closure into the
// verification sample instead of reopening it — or rejects, and work resumes
// with the clock unchanged.
//
// Return (§3.8). The accountable officer returns a complaint that is not
// theirs, with a reason; the re-route desk either re-routes it (new category or
// place, new L0 post, fresh clock) or rejects the return (back to the post,
// clock unchanged). Returns are counted on the complaint.
//
// Reminder and false complaint (§3.9, §3.10). A caller chasing a complaint adds
// a reminder event, never a new complaint. A supervisor may close a complaint
// as false, optionally recording that the caller is to be blocked; the service
// writes the block.
//
// Transfers (§3.11) need no rule here: complaints belong to posts, and the
// actor's Posts are read at the moment of acting.
package workflow
