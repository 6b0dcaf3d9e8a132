package table

import (
	"strconv"
	"unsafe"

	"github.com/parquet-go/parquet-go"

	"github.com/trecdev/trec/analyze"
)

// column returns the values of column c for rows, in dst. Each column is
// one small loop (fillers) into which the library's value constructors
// inline: a value is made some 150 million times for a trace of 5 million
// calls. Values carry no column index: a column writer takes the values of
// its own column and reads only their data and levels.
func column(c int, rows []row, tv *traceValues, dst []parquet.Value) []parquet.Value {
	if c == colArgv {
		dst = dst[:0]
		for i := range rows {
			dst = appendArgv(dst, rows[i].argv, rows[i].hasArgv)
		}
		return dst
	}
	if cap(dst) < len(rows) {
		dst = make([]parquet.Value, len(rows))
	}
	dst = dst[:len(rows)]
	fillers[c](dst, rows, tv)
	return dst
}

// fillers convert one column each; see column. The optional values are
// built in the loops rather than by helpers, which would be too large to
// inline.
var fillers = [numColumns]func(dst []parquet.Value, rows []row, tv *traceValues){
	colTraceID: func(dst []parquet.Value, rows []row, tv *traceValues) {
		for i := range dst {
			dst[i] = tv.traceID
		}
	},
	colHost: func(dst []parquet.Value, rows []row, tv *traceValues) {
		for i := range dst {
			dst[i] = tv.host
		}
	},
	colKind: func(dst []parquet.Value, rows []row, tv *traceValues) {
		for i := range dst {
			dst[i] = tv.kinds[rows[i].kind]
		}
	},
	colTs: func(dst []parquet.Value, rows []row, tv *traceValues) {
		for i := range dst {
			dst[i] = parquet.Int64Value(tv.start + rows[i].time)
		}
	},
	colTimeNs: func(dst []parquet.Value, rows []row, _ *traceValues) {
		for i := range dst {
			dst[i] = parquet.Int64Value(rows[i].time)
		}
	},
	colPid: func(dst []parquet.Value, rows []row, _ *traceValues) {
		for i := range dst {
			dst[i] = parquet.Int32Value(rows[i].pid)
		}
	},
	colTid: func(dst []parquet.Value, rows []row, _ *traceValues) {
		for i := range dst {
			dst[i] = parquet.Int32Value(rows[i].tid)
		}
	},
	colProcStartNs: func(dst []parquet.Value, rows []row, _ *traceValues) {
		for i := range dst {
			dst[i] = parquet.Int64Value(rows[i].procStart)
		}
	},
	colPpid: func(dst []parquet.Value, rows []row, _ *traceValues) {
		for i := range dst {
			if rows[i].ppid != 0 {
				x := parquet.Int32Value(rows[i].ppid)
				x.SetDefinitionLevel(1)
				dst[i] = x
			} else {
				dst[i] = parquet.Value{}
			}
		}
	},
	colComm: func(dst []parquet.Value, rows []row, _ *traceValues) {
		for i := range dst {
			if s := rows[i].comm; s != "" {
				x := bytesValue(s)
				x.SetDefinitionLevel(1)
				dst[i] = x
			} else {
				dst[i] = parquet.Value{}
			}
		}
	},
	colSyscall: func(dst []parquet.Value, rows []row, _ *traceValues) {
		for i := range dst {
			if s := rows[i].syscall; s != "" {
				x := bytesValue(s)
				x.SetDefinitionLevel(1)
				dst[i] = x
			} else {
				dst[i] = parquet.Value{}
			}
		}
	},
	colNr: func(dst []parquet.Value, rows []row, _ *traceValues) {
		for i := range dst {
			if rows[i].hasNr {
				x := parquet.Int32Value(rows[i].nr)
				x.SetDefinitionLevel(1)
				dst[i] = x
			} else {
				dst[i] = parquet.Value{}
			}
		}
	},
	colArg0: func(dst []parquet.Value, rows []row, _ *traceValues) { fillArg(dst, rows, 0) },
	colArg1: func(dst []parquet.Value, rows []row, _ *traceValues) { fillArg(dst, rows, 1) },
	colArg2: func(dst []parquet.Value, rows []row, _ *traceValues) { fillArg(dst, rows, 2) },
	colArg3: func(dst []parquet.Value, rows []row, _ *traceValues) { fillArg(dst, rows, 3) },
	colArg4: func(dst []parquet.Value, rows []row, _ *traceValues) { fillArg(dst, rows, 4) },
	colArg5: func(dst []parquet.Value, rows []row, _ *traceValues) { fillArg(dst, rows, 5) },
	colRet: func(dst []parquet.Value, rows []row, _ *traceValues) {
		for i := range dst {
			if rows[i].hasRet {
				x := parquet.Int64Value(rows[i].ret)
				x.SetDefinitionLevel(1)
				dst[i] = x
			} else {
				dst[i] = parquet.Value{}
			}
		}
	},
	colErrno: func(dst []parquet.Value, rows []row, _ *traceValues) {
		for i := range dst {
			r := &rows[i]
			if r.hasRet && analyze.IsError(r.ret) {
				dst[i] = optString(errnoName(int(-r.ret)))
			} else {
				dst[i] = parquet.Value{}
			}
		}
	},
	colStatus: func(dst []parquet.Value, rows []row, _ *traceValues) {
		for i := range dst {
			if s := rows[i].status; s != "" {
				x := bytesValue(s)
				x.SetDefinitionLevel(1)
				dst[i] = x
			} else {
				dst[i] = parquet.Value{}
			}
		}
	},
	colDurationNs: func(dst []parquet.Value, rows []row, _ *traceValues) {
		for i := range dst {
			if rows[i].hasDur {
				x := parquet.Int64Value(rows[i].duration)
				x.SetDefinitionLevel(1)
				dst[i] = x
			} else {
				dst[i] = parquet.Value{}
			}
		}
	},
	colPath: func(dst []parquet.Value, rows []row, _ *traceValues) {
		for i := range dst {
			if s := rows[i].path; s != "" {
				x := bytesValue(s)
				x.SetDefinitionLevel(1)
				dst[i] = x
			} else {
				dst[i] = parquet.Value{}
			}
		}
	},
	colBytes: func(dst []parquet.Value, rows []row, _ *traceValues) {
		for i := range dst {
			if rows[i].hasBytes {
				x := parquet.Int64Value(rows[i].bytes)
				x.SetDefinitionLevel(1)
				dst[i] = x
			} else {
				dst[i] = parquet.Value{}
			}
		}
	},
	colSignal: func(dst []parquet.Value, rows []row, _ *traceValues) {
		for i := range dst {
			if s := rows[i].signal; s != "" {
				x := bytesValue(s)
				x.SetDefinitionLevel(1)
				dst[i] = x
			} else {
				dst[i] = parquet.Value{}
			}
		}
	},
	colSigno: func(dst []parquet.Value, rows []row, _ *traceValues) {
		for i := range dst {
			if rows[i].signo != 0 {
				x := parquet.Int32Value(rows[i].signo)
				x.SetDefinitionLevel(1)
				dst[i] = x
			} else {
				dst[i] = parquet.Value{}
			}
		}
	},
	colExitStatus: func(dst []parquet.Value, rows []row, _ *traceValues) {
		for i := range dst {
			if rows[i].hasExit {
				x := parquet.Int32Value(rows[i].exitStatus)
				x.SetDefinitionLevel(1)
				dst[i] = x
			} else {
				dst[i] = parquet.Value{}
			}
		}
	},
	colChildTid: func(dst []parquet.Value, rows []row, _ *traceValues) {
		for i := range dst {
			if rows[i].childTid != 0 {
				x := parquet.Int32Value(rows[i].childTid)
				x.SetDefinitionLevel(1)
				dst[i] = x
			} else {
				dst[i] = parquet.Value{}
			}
		}
	},
}

func fillArg(dst []parquet.Value, rows []row, a int) {
	for i := range dst {
		if r := &rows[i]; a < int(r.nargs) {
			x := parquet.Int64Value(r.args[a])
			x.SetDefinitionLevel(1)
			dst[i] = x
		} else {
			dst[i] = parquet.Value{}
		}
	}
}

// optString is s in an optional column, null when s is empty. It does not
// copy s: the library copies the bytes when it encodes the value, and s
// stays alive until then because the value points at it.
func optString(s string) parquet.Value {
	if s == "" {
		return parquet.Value{}
	}
	x := bytesValue(s)
	x.SetDefinitionLevel(1)
	return x
}

// bytesValue is a byte array value of s, without a copy.
func bytesValue(s string) parquet.Value {
	return parquet.ByteArrayValue(unsafe.Slice(unsafe.StringData(s), len(s)))
}

// The definition levels of argv: a list without elements, and an element.
const (
	argvListDef = 1
	argvElemDef = 2
)

// appendArgv appends one row's argv: a null, an empty list, or the
// strings, which must stay unchanged until the batch is written.
func appendArgv(dst []parquet.Value, argv []string, ok bool) []parquet.Value {
	switch {
	case !ok:
		return append(dst, parquet.Value{})
	case len(argv) == 0:
		var x parquet.Value
		x.SetDefinitionLevel(argvListDef)
		return append(dst, x)
	}
	for i, a := range argv {
		x := bytesValue(a)
		x.SetDefinitionLevel(argvElemDef)
		if i > 0 {
			x.SetRepetitionLevel(1)
		}
		dst = append(dst, x)
	}
	return dst
}

// errnoName names errno e, or gives its number when it has no name.
func errnoName(e int) string {
	if n := analyze.ErrnoName(e); n != "" {
		return n
	}
	return strconv.Itoa(e)
}
