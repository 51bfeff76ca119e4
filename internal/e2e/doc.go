// Package e2e holds black-box scenario tests: they build the nivaran binary,
// start `nivaran serve --demo --fake-clock` on a fresh SQLite file and (when
// NIVARAN_TEST_POSTGRES is set) a fresh PostgreSQL database, and walk the
// seed's rules over HTTP exactly as an outside client would.
package e2e
