// Package service is where a request becomes a change: it authorises the
// principal, loads what the rule needs, asks package workflow for the decision
// and saves the complaint, its events and its outbox messages in one
// transaction. Handlers (api, ui) call only this package.
package service
