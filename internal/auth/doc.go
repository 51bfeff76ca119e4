// Package auth holds sign-in: argon2id password hashes (slow, run only at
// sign-in), random session and API tokens looked up by their SHA-256 (cheap per
// request), a sign-in rate limiter, and the one place that decides whether a user
// may see or act on a post's or an area's data (scope.go).
package auth
