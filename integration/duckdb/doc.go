// Package duckdb holds the tests that query trec's Parquet export with
// DuckDB (github.com/duckdb/duckdb-go/v2). It is a module of its own so
// that the trec binary never links DuckDB; its tests build trec from the
// repository, record programs with it and query what trec export writes.
package duckdb
