// Package demo loads a realistic Uttar Pradesh: the real divisions, districts,
// tehsils and blocks of the LGD (data/up-*.csv, with Hindi names written for
// the project in data/names-hi.csv), generated villages, city wards, police
// circles and thanas (codes starting "gen-"), the departments, designations
// and complaint types of data/*.csv, posts with full supervisor chains in every
// district, officers for most posts and a demo user for every role.
//
// Every demo user shares one password, hashed once, so that loading takes
// seconds. Loading is idempotent, and refused on a database that already holds
// data that is not the demo's.
package demo
