// Package api is the JSON HTTP API of API.md: one file per resource, every
// handler decoding strictly, calling package service and answering JSON or an
// RFC 9457 problem. errors.go is the one place errors become HTTP statuses.
package api
