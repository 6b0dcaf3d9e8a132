package table

import (
	"io"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// benchRows returns n rows shaped like a busy program's syscalls.
func benchRows(n int) []row {
	names := []string{"read", "write", "openat", "close", "mmap"}
	paths := []string{"/usr/lib/x86_64-linux-gnu/libc.so.6", "/etc/passwd", "/home/user/data/input.csv", "socket:[4321]", ""}
	rows := make([]row, n)
	t := int64(0)
	for i := range rows {
		t += 300 + int64(i*7919%2000)
		k := i * 31 % 5
		r := row{kind: kindSyscall, time: t, pid: 4000, tid: 4000 + int32(i%4), procStart: 10}
		r.str = [numStr]string{strComm: "bench", strSyscall: names[k], strStatus: "successful", strPath: paths[i*7%5]}
		r.set32(i32Nr, int32(k))
		for a, v := range []int64{int64(3 + i%5), 0x7ffd5e1c2000 + int64(i%64)*16, 4096} {
			r.set64(i64Arg0+a, v)
		}
		r.set64(i64Ret, 16)
		r.set64(i64Dur, int64(100+i*104729%4000))
		if k < 2 {
			r.set64(i64Bytes, 16)
		}
		rows[i] = r
	}
	return rows
}

// BenchmarkColumns measures each column alone: converting a batch of rows
// into values, then encoding and compressing them, per row. It guides the
// split of the columns between the workers.
func BenchmarkColumns(b *testing.B) {
	rows := benchRows(batchRows)
	tv := &traceValues{start: 1}
	tv.traceID = bytesValue("0123456789abcdef")
	tv.host = optString("host")
	for k := range tv.kinds {
		tv.kinds[k] = bytesValue(kindNames[k])
	}
	schema, err := newSchema()
	if err != nil {
		b.Fatal(err)
	}
	for c := range numColumns {
		b.Run(columnNames[c], func(b *testing.B) {
			pw := parquet.NewWriter(io.Discard, append(writerOptions(), schema)...)
			cw := pw.ColumnWriters()[c]
			var vals []parquet.Value
			for range b.N {
				vals = column(c, rows, tv, vals)
				if _, err := cw.WriteRowValues(vals); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(rows)), "ns/row")
		})
	}
}
