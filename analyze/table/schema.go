package table

import (
	"fmt"
	"strings"

	"github.com/parquet-go/parquet-go"
)

// schemaRow declares the table's columns, in order, with their Parquet
// types and encodings. It is the schema's one declaration (format/PARQUET.md
// documents it column by column); rows are not written through it, the
// Writer hands the library one value per column. Columns are only ever
// added, at the end.
type schemaRow struct {
	TraceID        string   `parquet:"trace_id,dict"`
	Host           *string  `parquet:"host,optional,dict"`
	Kind           string   `parquet:"kind,dict"`
	Ts             int64    `parquet:"ts,timestamp(nanosecond:local),delta"`
	TimeNs         int64    `parquet:"time_ns,delta"`
	Pid            int32    `parquet:"pid,dict"`
	Tid            int32    `parquet:"tid,dict"`
	ProcessStartNs int64    `parquet:"process_start_ns,dict"`
	Ppid           *int32   `parquet:"ppid,optional,dict"`
	Comm           *string  `parquet:"comm,optional,dict"`
	Syscall        *string  `parquet:"syscall,optional,dict"`
	Nr             *int32   `parquet:"nr,optional,dict"`
	Arg0           *int64   `parquet:"arg0,optional,dict"`
	Arg1           *int64   `parquet:"arg1,optional"`
	Arg2           *int64   `parquet:"arg2,optional,dict"`
	Arg3           *int64   `parquet:"arg3,optional"`
	Arg4           *int64   `parquet:"arg4,optional"`
	Arg5           *int64   `parquet:"arg5,optional"`
	Ret            *int64   `parquet:"ret,optional,dict"`
	Errno          *string  `parquet:"errno,optional,dict"`
	Status         *string  `parquet:"status,optional,dict"`
	DurationNs     *int64   `parquet:"duration_ns,optional"`
	Path           *string  `parquet:"path,optional,dict"`
	Bytes          *int64   `parquet:"bytes,optional,dict"`
	Signal         *string  `parquet:"signal,optional,dict"`
	Signo          *int32   `parquet:"signo,optional"`
	ExitStatus     *int32   `parquet:"exit_status,optional"`
	ChildTid       *int32   `parquet:"child_tid,optional"`
	Argv           []string `parquet:"argv,optional,list"`
}

// The columns' indexes, in schemaRow's order.
const (
	colTraceID = iota
	colHost
	colKind
	colTs
	colTimeNs
	colPid
	colTid
	colProcessStartNs
	colPpid
	colComm
	colSyscall
	colNr
	colArg0
	colArg1
	colArg2
	colArg3
	colArg4
	colArg5
	colRet
	colErrno
	colStatus
	colDurationNs
	colPath
	colBytes
	colSignal
	colSigno
	colExitStatus
	colChildTid
	colArgv
	numColumns
)

// columnNames are the column names in index order; newSchema checks them
// against the schema the library derives from schemaRow.
var columnNames = [numColumns]string{
	"trace_id", "host", "kind", "ts", "time_ns", "pid", "tid", "process_start_ns", "ppid",
	"comm", "syscall", "nr", "arg0", "arg1", "arg2", "arg3", "arg4", "arg5", "ret",
	"errno", "status", "duration_ns", "path", "bytes", "signal", "signo", "exit_status",
	"child_tid", "argv",
}

// newSchema returns the table's Parquet schema, checking that the
// library derives the columns in the order of the col constants.
func newSchema() (*parquet.Schema, error) {
	s := parquet.SchemaOf(schemaRow{})
	cols := s.Columns()
	if len(cols) != numColumns {
		return nil, fmt.Errorf("table schema: %d columns, want %d", len(cols), numColumns)
	}
	for i, path := range cols {
		if path[0] != columnNames[i] {
			return nil, fmt.Errorf("table schema: column %d is %s, want %s", i, strings.Join(path, "."), columnNames[i])
		}
	}
	if leaf, ok := s.Lookup(cols[colArgv]...); !ok || leaf.MaxDefinitionLevel != argvElemDef || leaf.MaxRepetitionLevel != 1 {
		return nil, fmt.Errorf("table schema: argv levels are not those of an optional list of strings")
	}
	return s, nil
}
