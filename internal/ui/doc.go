// Package ui is nivaran's web interface: server-rendered pages for the call
// centre (agent console and feedback queue), officers (inbox, complaint page
// and its actions), the call-centre supervisor (re-route desk, blocked
// numbers), citizens (one-time-code sign-in, own complaints), admins (master
// data, posts and transfers) and monitors (read-only search).
//
// The model is deliberately plain. Every page is an html/template rendered
// from the same service calls the JSON API makes, so rules, scope and
// validation live in one place (package service); a handler only reads the
// form, calls one service method and renders the answer or the error. One
// file holds one page action. htmx (vendored, pinned) swaps in the small
// partials that make typing fast — the complaint-type and place typeaheads,
// the duplicate warning — and every form still works without it.
//
// Language: Hindi first. The page language comes from the signed-in user's
// saved choice, else the nivaran_lang cookie, else Hindi; the toggle on every
// page changes both. Every string a person reads is a locale key
// (internal/locale/ui.*.toml). Validation messages are shown next to their
// field in the page language with the other language beside them, and the
// form keeps what was typed.
//
// Safety: html/template escapes every value (user text is never marked
// safe); state-changing requests pass http.CrossOriginProtection; the session
// cookie is the API's (HttpOnly, SameSite=Lax); officers never see a
// complainant's name or mobile because the templates only print them when
// the principal SeesIdentity.
package ui
