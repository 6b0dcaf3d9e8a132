package record

import "github.com/trecdev/trec/format"

// CaptureSizeMax is the largest capture size: a buffer up to it is
// captured whole, and a trace record keeps room for the rest of its event
// (format.MaxRecordSize is four times as large).
const CaptureSizeMax = format.MaxRecordSize / 4
