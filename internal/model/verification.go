package model

// EventVerification records a supervisor's second call to a citizen whose
// complaint was closed and then drawn into the verification sample: the
// payload carries the outcome ("confirmed" or "mismatch"); a mismatch is
// followed by a reopened event.
const EventVerification EventKind = "verification"
