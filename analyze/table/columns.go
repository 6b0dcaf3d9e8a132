package table

import (
	"strconv"
	"unsafe"

	"github.com/parquet-go/parquet-go"

	"github.com/trecdev/trec/analyze"
)

// column returns the values of column c for rows, in dst. A column is
// converted in one loop so that the loop stays small and the rows stay in
// cache across the columns of a batch.
func column(c int, rows []row, tv *traceValues, dst []parquet.Value) []parquet.Value {
	dst = dst[:0]
	switch c {
	case colTraceID:
		for range rows {
			dst = append(dst, tv.traceID)
		}
	case colHost:
		for range rows {
			dst = append(dst, tv.host)
		}
	case colKind:
		for i := range rows {
			dst = append(dst, tv.kinds[rows[i].kind])
		}
	case colTs:
		for i := range rows {
			dst = append(dst, reqInt64(c, tv.start+rows[i].time))
		}
	case colTimeNs:
		for i := range rows {
			dst = append(dst, reqInt64(c, rows[i].time))
		}
	case colPid:
		for i := range rows {
			dst = append(dst, reqInt32(c, rows[i].pid))
		}
	case colTid:
		for i := range rows {
			dst = append(dst, reqInt32(c, rows[i].tid))
		}
	case colProcStartNs:
		for i := range rows {
			dst = append(dst, reqInt64(c, rows[i].procStart))
		}
	case colPpid:
		for i := range rows {
			dst = append(dst, optInt32(c, rows[i].ppid, rows[i].ppid != 0))
		}
	case colComm:
		for i := range rows {
			dst = append(dst, stringValue(c, rows[i].comm))
		}
	case colSyscall:
		for i := range rows {
			dst = append(dst, stringValue(c, rows[i].syscall))
		}
	case colNr:
		for i := range rows {
			dst = append(dst, optInt32(c, rows[i].nr, rows[i].hasNr))
		}
	case colArg0, colArg1, colArg2, colArg3, colArg4, colArg5:
		a := c - colArg0
		for i := range rows {
			r := &rows[i]
			dst = append(dst, optInt64(c, r.args[a], a < int(r.nargs)))
		}
	case colRet:
		for i := range rows {
			dst = append(dst, optInt64(c, rows[i].ret, rows[i].hasRet))
		}
	case colErrno:
		for i := range rows {
			r := &rows[i]
			if r.hasRet && analyze.IsError(r.ret) {
				dst = append(dst, stringValue(c, errnoName(int(-r.ret))))
			} else {
				dst = append(dst, null(c))
			}
		}
	case colStatus:
		for i := range rows {
			dst = append(dst, stringValue(c, rows[i].status))
		}
	case colDurationNs:
		for i := range rows {
			dst = append(dst, optInt64(c, rows[i].duration, rows[i].hasDur))
		}
	case colPath:
		for i := range rows {
			dst = append(dst, stringValue(c, rows[i].path))
		}
	case colBytes:
		for i := range rows {
			dst = append(dst, optInt64(c, rows[i].bytes, rows[i].hasBytes))
		}
	case colSignal:
		for i := range rows {
			dst = append(dst, stringValue(c, rows[i].signal))
		}
	case colSigno:
		for i := range rows {
			dst = append(dst, optInt32(c, rows[i].signo, rows[i].signo != 0))
		}
	case colExitStatus:
		for i := range rows {
			dst = append(dst, optInt32(c, rows[i].exitStatus, rows[i].hasExit))
		}
	case colChildTid:
		for i := range rows {
			dst = append(dst, optInt32(c, rows[i].childTid, rows[i].childTid != 0))
		}
	case colArgv:
		for i := range rows {
			dst = appendArgv(dst, rows[i].argv, rows[i].hasArgv)
		}
	}
	return dst
}

// The helpers below set a value's levels with the library's setters,
// which inline, rather than Value.Level, which does not: a value is made
// some 150 million times for a trace of 5 million calls.

// reqInt64 and reqInt32 are v in required column c.
func reqInt64(c int, v int64) parquet.Value {
	x := parquet.Int64Value(v)
	x.SetColumnIndex(c)
	return x
}

func reqInt32(c int, v int32) parquet.Value {
	x := parquet.Int32Value(v)
	x.SetColumnIndex(c)
	return x
}

// optInt64 and optInt32 are v in optional column c when ok, else null.
func optInt64(c int, v int64, ok bool) parquet.Value {
	if !ok {
		return null(c)
	}
	x := parquet.Int64Value(v)
	x.SetDefinitionLevel(1)
	x.SetColumnIndex(c)
	return x
}

func optInt32(c int, v int32, ok bool) parquet.Value {
	if !ok {
		return null(c)
	}
	x := parquet.Int32Value(v)
	x.SetDefinitionLevel(1)
	x.SetColumnIndex(c)
	return x
}

// stringValue is s in optional column c, null when s is empty. It does
// not copy s: the library copies the bytes when it encodes the value, and
// s stays alive until then because the value points at it.
func stringValue(c int, s string) parquet.Value {
	if s == "" {
		return null(c)
	}
	x := bytesValue(s)
	x.SetDefinitionLevel(1)
	x.SetColumnIndex(c)
	return x
}

// requiredString is s in required column c.
func requiredString(c int, s string) parquet.Value {
	x := bytesValue(s)
	x.SetColumnIndex(c)
	return x
}

// bytesValue is a byte array value of s, without a copy.
func bytesValue(s string) parquet.Value {
	return parquet.ByteArrayValue(unsafe.Slice(unsafe.StringData(s), len(s)))
}

// null is column c's null value.
func null(c int) parquet.Value {
	var x parquet.Value
	x.SetColumnIndex(c)
	return x
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
		return append(dst, null(colArgv))
	case len(argv) == 0:
		x := null(colArgv)
		x.SetDefinitionLevel(argvListDef)
		return append(dst, x)
	}
	for i, a := range argv {
		x := bytesValue(a)
		x.SetDefinitionLevel(argvElemDef)
		x.SetColumnIndex(colArgv)
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
