// Package foitest holds test support for the foi package: MemoryStore, a
// real in-memory foi.Store that is safe for concurrent use, and TestStore,
// the conformance suite every foi.Store implementation (memory, SQLite,
// Postgres) must pass.
package foitest
