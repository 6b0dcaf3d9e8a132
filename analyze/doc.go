// Package analyze reads trec traces the way people read strace output: it
// filters calls, pairs syscall entries with their exits, follows every
// process's fd table, and renders the result as strace -f lines (Printer),
// strace -c's table and more (Stats), JSON Lines, or the Chrome Trace Event
// Format (ChromeExporter); package analyze/table writes a Parquet table.
// Refs drops, for trec filter and export, the events that the kept calls
// do not refer to.
//
// The pieces form one pipeline:
//
//	format.Reader -> Walker (pairing, Filter, fd tables) -> Visitor
//
// A Walker reads events in trace order and calls its Visitor with whole
// calls (Call: enter and exit) and with the other events (signals, clones,
// execs, exits). A call that another thread's events interrupt is
// announced at its entry (SyscallEnter) and completed at its exit
// (SyscallExit), which is how Printer reproduces strace's "<unfinished
// ...>" and "<... read resumed>" lines. A Filter built by ParseFilter from
// the command-line options (-e trace=, -e status=, -e signal=, -p,
// --pid-tree, --comm, -P, --since, --until) decides what reaches the
// Visitor; with -e status= a call is delayed to its exit, as strace does.
//
// A process is a pid and its lifetime (Process): the walker follows
// clones and exits, so a pid the kernel reused names a new process, with
// its own Start and Serial, in every analysis (Call.Proc,
// Walker.Process).
//
// Everything streams: the walker keeps state per live thread and process,
// Stats per distinct syscall, process, path and peer, so memory does not
// grow with the length of a trace. The per-event paths of Walker, Stats and
// Printer allocate nothing in the steady state (see bench_test.go).
//
// Decoding is table-driven: argument kinds come from package sysent; the
// symbolic constants (O_*, PROT_*, MAP_*, CLONE_*, AT_*, signal and errno
// names) are tables in this package, keyed by sysent.FlagSet, with values
// from the Linux UAPI headers. Syscalls without an argument description
// print six hexadecimal arguments, as strace's fallback does.
//
// JSON: dump --json and export --format jsonl print each argument as its
// raw value, strace's text, and a value that is data (format/JSON.md).
// The value comes out of the same decoder as the text: the Printer
// decodes the argument a second time with strings whole and fds with
// their paths, and notation.go reads that strace notation back into JSON
// (strings, numbers, flags, constants, fds, structs, arrays, sockaddrs,
// in => out pairs, C conditions). A decoder author therefore writes no
// JSON: print strace's notation through the helpers here (appendQuoted
// for bytes, appendFlags for flag sets, appendSockaddrStrace, appendFD,
// "key=value" members between braces), and the argument has a JSON value.
// Two things to do: give the argument a sysent kind (ArgFlags makes its
// value a list even with one flag; ArgFD and ArgDirFD an {"fd": N} object;
// the buffer and path kinds get "size" and "truncated" from their
// capture), and, for a form of notation the parser does not know yet
// (a new function-like form such as htons(80)), add it to notation.go
// with a case in TestNotationJSON. A part the parser does not recognize
// becomes its text as a JSON string, so the output stays valid JSON
// whatever a decoder prints (FuzzNotationJSON).
//
// Errors: ParseFilter and ParseSortBy return one-line errors naming the
// option at fault. Walk returns the error that ended the event stream:
// io.EOF for a cleanly closed trace, format.ErrTruncated for a cut one
// (every complete event was delivered first), or the reader's error.
package analyze
