package table

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress/zstd"
)

// DefaultRowGroupRows is the largest row group a Writer makes unless told
// otherwise: engines skip row groups by their statistics, and a writer holds
// one row group's compressed pages in memory.
const DefaultRowGroupRows = 1_000_000

// Options configure a Writer.
type Options struct {
	// RowGroupRows caps a row group; 0 means DefaultRowGroupRows. Each
	// trace also starts a row group of its own.
	RowGroupRows int
}

const (
	// batchRows is how many rows go to the workers at once: few enough
	// that a batch stays in cache while its columns are converted.
	batchRows = 512
	// numBatches are in flight between the visitor and the workers.
	numBatches = 4
	// numWorkers convert, encode and compress columns beside the visitor.
	numWorkers = 2
	// maxDictBytes is where a column's dictionary gives way to plain
	// encoding for the rest of its row group (paths of a large tree).
	maxDictBytes = 1 << 20
)

// batch holds rows of one trace on their way to the workers.
type batch struct {
	rows    []row
	tv      *traceValues
	pending atomic.Int32
}

// Writer writes rows to a Parquet file. The visitor's goroutine copies
// rows into batches; numWorkers goroutines, each owning a fixed share of
// the columns, turn a batch's columns into values and hand them to the
// library, which encodes, compresses and keeps the row group's pages until
// the row group ends. Memory is bounded by one row group's compressed
// pages, the columns' dictionaries and numBatches batches.
type Writer struct {
	pw      *parquet.Writer
	cols    []*parquet.ColumnWriter
	maxRows int
	// groupRows counts the rows of the row group being written.
	groupRows int
	rows      int64
	cur       *batch
	tv        *traceValues
	free      chan *batch
	work      [numWorkers]chan *batch
	done      sync.WaitGroup
	errMu     sync.Mutex
	err       error
	closed    bool
}

// codec is zstd at its fastest level (about zstd -1): on recorded traces
// the files come out within 2 % of the default level's, for less CPU.
var codec = &zstd.Codec{Level: zstd.SpeedFastest}

// NewWriter starts a Parquet file on out.
func NewWriter(out io.Writer, opts Options) (*Writer, error) {
	schema, err := newSchema()
	if err != nil {
		return nil, err
	}
	maxRows := opts.RowGroupRows
	if maxRows <= 0 {
		maxRows = DefaultRowGroupRows
	}
	pw := parquet.NewWriter(out, append(writerOptions(), schema)...)
	w := &Writer{pw: pw, cols: pw.ColumnWriters(), maxRows: maxRows, free: make(chan *batch, numBatches)}
	if len(w.cols) != numColumns {
		return nil, fmt.Errorf("table schema: %d column writers, want %d", len(w.cols), numColumns)
	}
	for range numBatches {
		w.free <- &batch{rows: make([]row, 0, batchRows)}
	}
	for k := range w.work {
		w.work[k] = make(chan *batch, numBatches)
		w.done.Add(1)
		go w.worker(k)
	}
	w.cur = <-w.free
	return w, nil
}

// writerOptions are the library's options for the table.
func writerOptions() []parquet.WriterOption {
	return []parquet.WriterOption{
		parquet.Compression(codec),
		parquet.DictionaryMaxBytes(maxDictBytes),
		// The column index holds each page's bounds; the same bounds in
		// every page header are the deprecated form and cost a second
		// pass over each page.
		parquet.DataPageStatistics(false),
		// Version 1 data pages are the ones every reader decodes.
		parquet.DataPageVersion(1),
		parquet.CreatedBy("trec", "", ""),
		parquet.KeyValueMetadata("trec.schema", "1"),
	}
}

// owner says which worker converts and writes column c.
func owner(c int) int { return c % numWorkers }

func (w *Writer) worker(k int) {
	defer w.done.Done()
	var vals []parquet.Value
	for b := range w.work[k] {
		if w.failed() == nil {
			for c := range numColumns {
				if owner(c) != k {
					continue
				}
				vals = column(c, b.rows, b.tv, vals)
				if _, err := w.cols[c].WriteRowValues(vals); err != nil {
					w.fail(fmt.Errorf("column %s: %w", columnNames[c], err))
					break
				}
			}
			clear(vals)
		}
		if b.pending.Add(-1) == 0 {
			b.rows = b.rows[:0]
			w.free <- b
		}
	}
}

func (w *Writer) fail(err error) {
	w.errMu.Lock()
	if w.err == nil {
		w.err = err
	}
	w.errMu.Unlock()
}

func (w *Writer) failed() error {
	w.errMu.Lock()
	defer w.errMu.Unlock()
	return w.err
}

// add copies r into the current batch, sending full batches to the
// workers and ending full row groups.
func (w *Writer) add(tv *traceValues, r *row) error {
	if w.tv != tv {
		// A batch holds the rows of one trace.
		if err := w.EndRowGroup(); err != nil {
			return err
		}
		w.tv = tv
	}
	w.cur.rows = append(w.cur.rows, *r)
	w.groupRows++
	w.rows++
	if w.groupRows >= w.maxRows {
		return w.EndRowGroup()
	}
	if len(w.cur.rows) == batchRows {
		return w.send()
	}
	return nil
}

// send hands the current batch to the workers and takes a free one.
func (w *Writer) send() error {
	b := w.cur
	b.tv = w.tv
	b.pending.Store(numWorkers)
	for _, ch := range w.work {
		ch <- b
	}
	w.cur = <-w.free
	return w.failed()
}

// drain waits until the workers have written every batch sent.
func (w *Writer) drain() error {
	if len(w.cur.rows) > 0 {
		if err := w.send(); err != nil {
			return err
		}
	}
	held := []*batch{w.cur}
	for len(held) < numBatches {
		held = append(held, <-w.free)
	}
	w.cur = held[0]
	for _, b := range held[1:] {
		w.free <- b
	}
	return w.failed()
}

// EndRowGroup writes the rows so far as a row group, if there are any.
func (w *Writer) EndRowGroup() error {
	if err := w.drain(); err != nil {
		return err
	}
	if w.groupRows == 0 {
		return nil
	}
	w.groupRows = 0
	if err := w.pw.Flush(); err != nil {
		w.fail(err)
		return err
	}
	return nil
}

// Rows returns how many rows were written so far.
func (w *Writer) Rows() int64 { return w.rows }

// Close ends the last row group, writes the footer and stops the workers.
// It does not close the underlying writer.
func (w *Writer) Close() error {
	if w.closed {
		return errors.New("table writer closed twice")
	}
	w.closed = true
	err := w.drain()
	for _, ch := range w.work {
		close(ch)
	}
	w.done.Wait()
	if err != nil {
		return err
	}
	return w.pw.Close()
}
