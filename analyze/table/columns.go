package table

import (
	"strconv"
	"unsafe"

	"github.com/parquet-go/parquet-go"

	"github.com/trecdev/trec/analyze"
)

// column returns the values of column c for rows, in dst. A column is
// converted in one small loop into which the library's value constructors
// and level setters inline: a value is made some 150 million times for a
// trace of 5 million calls. Values carry no column index: a column writer
// takes the values of its own column and reads only their data and levels.
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
	switch c {
	case colTraceID, colHost:
		v := tv.traceID
		if c == colHost {
			v = tv.host
		}
		for i := range dst {
			dst[i] = v
		}
	case colKind:
		for i := range dst {
			dst[i] = tv.kinds[rows[i].kind]
		}
	case colTs:
		for i := range dst {
			dst[i] = parquet.Int64Value(tv.start + rows[i].time)
		}
	case colTimeNs:
		for i := range dst {
			dst[i] = parquet.Int64Value(rows[i].time)
		}
	case colProcessStartNs:
		for i := range dst {
			dst[i] = parquet.Int64Value(rows[i].procStart)
		}
	case colPid, colTid:
		for i := range dst {
			id := rows[i].pid
			if c == colTid {
				id = rows[i].tid
			}
			dst[i] = parquet.Int32Value(id)
		}
	case colErrno:
		for i := range dst {
			r := &rows[i]
			if r.has&(1<<i64Ret) != 0 && analyze.IsError(r.i64[i64Ret]) {
				dst[i] = optString(errnoName(int(-r.i64[i64Ret])))
			} else {
				dst[i] = parquet.Value{}
			}
		}
	default:
		src := sources[c]
		switch src.typ {
		case srcI64:
			fillI64(dst, rows, src.index)
		case srcI32:
			fillI32(dst, rows, src.index)
		case srcStr:
			fillStr(dst, rows, src.index)
		}
	}
	return dst
}

// source says where in a row an optional column's value is.
type source struct {
	typ   uint8
	index int
}

// The types of source.
const (
	srcNone = iota
	srcI64
	srcI32
	srcStr
)

// sources maps the optional columns to their place in a row.
var sources = [numColumns]source{
	colArg0: {srcI64, i64Arg0}, colArg1: {srcI64, i64Arg0 + 1}, colArg2: {srcI64, i64Arg0 + 2},
	colArg3: {srcI64, i64Arg0 + 3}, colArg4: {srcI64, i64Arg0 + 4}, colArg5: {srcI64, i64Arg0 + 5},
	colRet: {srcI64, i64Ret}, colDurationNs: {srcI64, i64Dur}, colBytes: {srcI64, i64Bytes},
	colPpid: {srcI32, i32Ppid}, colNr: {srcI32, i32Nr}, colSigno: {srcI32, i32Signo},
	colExitStatus: {srcI32, i32ExitStatus}, colChildTid: {srcI32, i32ChildTid},
	colComm: {srcStr, strComm}, colSyscall: {srcStr, strSyscall}, colStatus: {srcStr, strStatus},
	colPath: {srcStr, strPath}, colSignal: {srcStr, strSignal},
}

func fillI64(dst []parquet.Value, rows []row, k int) {
	for i := range dst {
		if r := &rows[i]; r.has&(1<<k) != 0 {
			x := parquet.Int64Value(r.i64[k])
			x.SetDefinitionLevel(1)
			dst[i] = x
		} else {
			dst[i] = parquet.Value{}
		}
	}
}

func fillI32(dst []parquet.Value, rows []row, k int) {
	for i := range dst {
		if r := &rows[i]; r.has&(1<<(numI64+k)) != 0 {
			x := parquet.Int32Value(r.i32[k])
			x.SetDefinitionLevel(1)
			dst[i] = x
		} else {
			dst[i] = parquet.Value{}
		}
	}
}

func fillStr(dst []parquet.Value, rows []row, k int) {
	for i := range dst {
		if s := rows[i].str[k]; s != "" {
			x := bytesValue(s)
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
