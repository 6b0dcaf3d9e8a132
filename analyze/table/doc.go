// Package table writes traces as one table of events in Parquet, the
// format DuckDB, Spark, Trino and pandas read: a row per syscall (its
// entry and exit paired) and per signal, stop, clone, exec and exit, with
// typed columns. format/PARQUET.md documents the columns; schemaRow in
// schema.go declares them, and the schema only grows.
//
// A Writer holds one output file. For each trace, BeginTrace returns a
// Trace, which is the analyze.Visitor of the trace's Walker, and
// Trace.End closes the trace's last row group. Close writes the footer.
// The processes (process_start_ns, ppid, comm) are the Walker's
// (analyze.Walker.ProcessInfo), which sees every event whatever the filter
// keeps:
//
//	tw, _ := table.NewWriter(out, table.Options{})
//	t := tw.BeginTrace(r.Header(), r.HeaderBytes(), walker)
//	err := walker.Walk(r, t) // io.EOF at a clean end
//	err = t.End()
//	err = tw.Close()
//
// The Walker's goroutine only copies rows into batches; two worker
// goroutines, each owning half of the columns, turn them into values for
// github.com/parquet-go/parquet-go, which encodes, compresses (zstd) and
// holds the row group's pages until the row group ends. Each trace starts
// a row group, and a row group holds at most Options.RowGroupRows rows,
// so memory is bounded by one row group's compressed pages whatever the
// traces' length.
//
// Errors: BeginTrace cannot fail; a failed write makes the Trace ignore
// what follows and End, EndRowGroup and Close return the first error.
package table
