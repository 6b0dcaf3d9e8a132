package table

import (
	"github.com/parquet-go/parquet-go"
)

// row is one row as the visitor builds it. The visitor copies rows into a
// batch, and the workers turn each column of the batch into values: the
// visitor's goroutine, which also reads and walks the trace, does as
// little as it can. Strings are null when empty; numbers are null when
// their has flag is clear (signo and childTid when 0, ppid when 0).
type row struct {
	time       int64
	procStart  int64
	args       [6]int64
	ret        int64
	duration   int64
	bytes      int64
	comm       string
	syscall    string
	status     string
	path       string
	signal     string
	argv       []string
	pid, tid   int32
	ppid       int32
	nr         int32
	signo      int32
	exitStatus int32
	childTid   int32
	kind       uint8
	nargs      uint8
	hasNr      bool
	hasRet     bool
	hasDur     bool
	hasBytes   bool
	hasExit    bool
	hasArgv    bool
}

// The kinds of row, as the kind column names them.
const (
	kindSyscall = iota
	kindSignal
	kindStop
	kindClone
	kindExec
	kindExit
	numKinds
)

var kindNames = [numKinds]string{"syscall", "signal", "stop", "clone", "exec", "exit"}

// traceValues are the values of the columns that one trace fills alike.
type traceValues struct {
	traceID parquet.Value
	host    parquet.Value
	kinds   [numKinds]parquet.Value
	// start is the trace's start, ns since the Unix epoch.
	start int64
}
