package table

import (
	"github.com/parquet-go/parquet-go"
)

// row is one row as the visitor builds it. The visitor copies rows into a
// batch, and the workers turn each column of the batch into values: the
// visitor's goroutine, which also reads and walks the trace, does as
// little as it can. The optional columns are grouped by type in arrays,
// so that one loop per type converts them (columns.go); a number is null
// when its bit in has is clear, a string when it is empty.
type row struct {
	time      int64
	procStart int64
	i64       [numI64]int64
	str       [numStr]string
	argv      []string
	i32       [numI32]int32
	pid, tid  int32
	// has holds a bit per number: i64 from bit 0, i32 from bit numI64.
	has     uint32
	kind    uint8
	hasArgv bool
}

// The optional numbers and strings of a row, by their index in row.i64,
// row.i32 and row.str.
const (
	i64Arg0  = 0 // arg0 .. arg5 are 0 .. 5
	i64Ret   = 6
	i64Dur   = 7
	i64Bytes = 8
	numI64   = 9
)

const (
	i32Ppid = iota
	i32Nr
	i32Signo
	i32ExitStatus
	i32ChildTid
	numI32
)

const (
	strComm = iota
	strSyscall
	strStatus
	strPath
	strSignal
	numStr
)

// set64 and set32 give an optional number its value.
func (r *row) set64(i int, v int64) { r.i64[i], r.has = v, r.has|1<<i }

func (r *row) set32(i int, v int32) { r.i32[i], r.has = v, r.has|1<<(numI64+i) }

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
