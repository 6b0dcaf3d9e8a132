package analyze

// BenchTrace gives the benchmarks of other packages (analyze_test) the
// 10-million-event benchmark trace.
func BenchTrace() ([]byte, error) { return benchTrace() }
