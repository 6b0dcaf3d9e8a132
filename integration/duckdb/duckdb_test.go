package duckdb

import (
	"bufio"
	"database/sql"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	_ "github.com/duckdb/duckdb-go/v2"
)

// repo is the root of the trec repository.
const repo = "../.."

// buildTrec builds the trec binary from the repository.
func buildTrec(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "trec")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/trec")
	cmd.Dir = repo
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/trec: %v\n%s", err, out)
	}
	return bin
}

// run runs trec with args and returns its standard output.
func run(t *testing.T, trec string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(trec, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("trec %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// stats is what the test reads of trec stats --json: per syscall its
// calls, errors and total time in ns, and the successful opens per file.
type stats struct {
	calls  map[string][2]int64
	timeNs map[string]int64
	// exact says whether timeNs are integers from the report, or seconds
	// (a float) turned into ns.
	exact bool
	opens map[string]int64
}

// readStats runs trec stats --json on trace. It reads the syscall table by
// its keys' meaning, so that a report in seconds or in nanoseconds works.
func readStats(t *testing.T, trec, trace string) stats {
	t.Helper()
	var rep struct {
		Syscalls []map[string]any `json:"syscalls"`
		Files    []map[string]any `json:"files"`
	}
	if err := json.Unmarshal(run(t, trec, "stats", "--json", trace), &rep); err != nil {
		t.Fatal(err)
	}
	s := stats{calls: map[string][2]int64{}, timeNs: map[string]int64{}, opens: map[string]int64{}}
	num := func(m map[string]any, keys ...string) (float64, string) {
		for _, k := range keys {
			if v, ok := m[k].(float64); ok {
				return v, k
			}
		}
		t.Fatalf("stats --json: none of %v in %v", keys, m)
		return 0, ""
	}
	text := func(m map[string]any, keys ...string) string {
		for _, k := range keys {
			if v, ok := m[k].(string); ok {
				return v
			}
		}
		t.Fatalf("stats --json: none of %v in %v", keys, m)
		return ""
	}
	for _, row := range rep.Syscalls {
		name := text(row, "name", "syscall")
		calls, _ := num(row, "calls")
		errs, _ := num(row, "errors")
		tm, key := num(row, "duration_ns", "time_ns", "total_ns", "seconds")
		s.calls[name] = [2]int64{int64(calls), int64(errs)}
		if key == "seconds" {
			s.timeNs[name] = int64(math.Round(tm * 1e9))
		} else {
			s.timeNs[name], s.exact = int64(tm), true
		}
	}
	for _, f := range rep.Files {
		if opens, _ := num(f, "opens"); opens > 0 {
			s.opens[text(f, "path")] = int64(opens)
		}
	}
	return s
}

// query returns the rows of q as strings keyed by their first column, the
// other columns as int64s.
func query(t *testing.T, db *sql.DB, q string, args ...any) map[string][]int64 {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	out := map[string][]int64{}
	for rows.Next() {
		var key string
		vals := make([]sql.NullInt64, len(cols)-1)
		dst := []any{&key}
		for i := range vals {
			dst = append(dst, &vals[i])
		}
		if err := rows.Scan(dst...); err != nil {
			t.Fatal(err)
		}
		for _, v := range vals {
			out[key] = append(out[key], v.Int64)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// documentedTypes reads the DuckDB type of each column from the schema's
// document, format/PARQUET.md.
func documentedTypes(t *testing.T) map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(repo, "format", "PARQUET.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	row := regexp.MustCompile("^\\| `([a-z0-9_]+)`( \\.\\. `([a-z0-9_]+)`)? \\| [^|]+ \\| ([A-Z_\\[\\]]+) \\|")
	types := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := row.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		if m[3] == "" {
			types[m[1]] = m[4]
			continue
		}
		// A range of columns: arg0 .. arg5.
		prefix := strings.TrimRight(m[1], "0123456789")
		for i := m[1][len(prefix)]; i <= m[3][len(prefix)]; i++ {
			types[prefix+string(i)] = m[4]
		}
	}
	if len(types) == 0 {
		t.Fatal("format/PARQUET.md: no column table found")
	}
	return types
}

// TestDuckDB records two runs, exports them into one Parquet file and
// checks it with DuckDB against trec stats of each run: calls and errors
// per syscall, the time per syscall, the files opened; then every
// column's type against format/PARQUET.md, and the row groups.
func TestDuckDB(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("recording needs ptrace of the test's children: run as root or with CAP_SYS_PTRACE")
	}
	trec := buildTrec(t)
	dir := t.TempDir()
	runs := []struct {
		name string
		argv []string
	}{
		// Processes, pipes, a failed open and several opened files.
		{"shell", []string{"/bin/sh", "-c", "cat /etc/hostname /etc/passwd | wc -l > /dev/null; ls / > /dev/null; cat /nonexistent 2>/dev/null; true"}},
		// One process reading a directory tree.
		{"ls", []string{"ls", "-la", "/usr/share/doc"}},
	}
	var traces []string
	for _, r := range runs {
		trace := filepath.Join(dir, r.name+".trc")
		run(t, trec, append([]string{"record", "-q", "-o", trace, "--"}, r.argv...)...)
		traces = append(traces, trace)
	}
	out := filepath.Join(dir, "runs.parquet")
	run(t, trec, append([]string{"export", "--format", "parquet", "-o", out}, traces...)...)

	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	from := "read_parquet('" + out + "')"

	// The traces' ids, in the order they were recorded.
	ids := query(t, db, "SELECT trace_id, min(time_ns) FROM "+from+" GROUP BY trace_id")
	if len(ids) != 2 {
		t.Fatalf("trace ids %v, want 2", ids)
	}
	var order []string
	rows, err := db.Query("SELECT trace_id FROM " + from + " GROUP BY trace_id ORDER BY min(ts)")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		rows.Scan(&id)
		order = append(order, id)
	}
	rows.Close()

	for i, trace := range traces {
		id := order[i]
		want := readStats(t, trec, trace)
		got := query(t, db, "SELECT syscall, count(*), count(errno), coalesce(sum(duration_ns), 0) FROM "+from+
			" WHERE trace_id = ? AND kind = 'syscall' AND status <> 'resumed' GROUP BY syscall", id)
		if len(got) != len(want.calls) {
			t.Errorf("%s: %d syscalls in DuckDB, %d in stats", runs[i].name, len(got), len(want.calls))
		}
		for name, w := range want.calls {
			g := got[name]
			if g == nil || g[0] != w[0] || g[1] != w[1] {
				t.Errorf("%s: %s: DuckDB counts %v calls and errors, stats %v", runs[i].name, name, g, w)
				continue
			}
			// A report in float seconds rounds the total; in ns it is exact.
			if d := g[2] - want.timeNs[name]; d != 0 && (want.exact || math.Abs(float64(d)) > 1) {
				t.Errorf("%s: %s: durations sum to %d ns in DuckDB, %d in stats", runs[i].name, name, g[2], want.timeNs[name])
			}
		}
		opens := query(t, db, "SELECT path, count(*) FROM "+from+" WHERE trace_id = ? AND kind = 'syscall'"+
			" AND syscall IN ('open', 'openat', 'openat2', 'creat') AND status = 'successful' GROUP BY path", id)
		if len(want.opens) == 0 {
			t.Errorf("%s: stats lists no opened file", runs[i].name)
		}
		for p, n := range want.opens {
			if g := opens[p]; g == nil || g[0] != n {
				t.Errorf("%s: %s opened %v times in DuckDB, %d in stats", runs[i].name, p, g, n)
			}
		}
		if len(opens) != len(want.opens) {
			t.Errorf("%s: DuckDB lists %d opened paths, stats %d", runs[i].name, len(opens), len(want.opens))
		}
	}

	// The processes of the shell run: each has its program and, but for
	// the first, its parent; exits carry a status.
	procs := query(t, db, "SELECT comm, count(DISTINCT (pid, process_start_ns)), count(ppid), count(exit_status) FROM "+from+
		" WHERE trace_id = ? AND kind IN ('exec', 'exit') GROUP BY comm", order[0])
	for _, comm := range []string{"sh", "cat", "wc", "ls"} {
		if procs[comm] == nil || procs[comm][2] == 0 {
			t.Errorf("shell run: no process %s with an exit status: %v", comm, procs)
		}
	}

	checkTypes(t, db, from)

	// One trace per row group, zstd, and statistics to skip row groups by.
	meta := query(t, db, "SELECT path_in_schema || ':' || row_group_id, (stats_min_value = stats_max_value)::INT,"+
		" (stats_min_value IS NOT NULL)::INT, (compression = 'ZSTD')::INT FROM parquet_metadata('"+out+"')"+
		" WHERE path_in_schema IN ('trace_id', 'ts', 'pid', 'syscall')")
	if len(meta) < 8 {
		t.Errorf("parquet_metadata: %d column chunks, want 4 per row group of 2 traces", len(meta))
	}
	for chunk, v := range meta {
		if strings.HasPrefix(chunk, "trace_id:") && v[0] != 1 {
			t.Errorf("%s: a row group holds rows of several traces", chunk)
		}
		if v[1] != 1 || v[2] != 1 {
			t.Errorf("%s: no statistics or not zstd: %v", chunk, v)
		}
	}
}

// checkTypes checks that every column of the table has the DuckDB type
// format/PARQUET.md gives it.
func checkTypes(t *testing.T, db *sql.DB, from string) {
	t.Helper()
	documented := documentedTypes(t)
	rows, err := db.Query("DESCRIBE SELECT * FROM " + from)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	seen := 0
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		name, typ := vals[0].(string), vals[1].(string)
		if documented[name] != typ {
			t.Errorf("column %s: DuckDB reads %s, format/PARQUET.md says %q", name, typ, documented[name])
		}
		seen++
	}
	if seen != len(documented) {
		t.Errorf("the file has %d columns, format/PARQUET.md documents %d", seen, len(documented))
	}
}

// TestDuckDBMillionEvents exports a recording of a million events (dd
// copying 250000 bytes one at a time: a read and a write each) and checks
// that DuckDB reads all of it, typed as documented, with the calls trec
// stats counts. The export's speed is BenchmarkTable's business.
func TestDuckDBMillionEvents(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("recording needs ptrace of the test's children: run as root or with CAP_SYS_PTRACE")
	}
	if testing.Short() {
		t.Skip("records a million events")
	}
	trec := buildTrec(t)
	dir := t.TempDir()
	trace := filepath.Join(dir, "dd.trc")
	run(t, trec, "record", "-q", "-o", trace, "--", "dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=250000", "status=none")
	out := filepath.Join(dir, "dd.parquet")
	run(t, trec, "export", "--format", "parquet", "-o", out, trace)

	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	from := "read_parquet('" + out + "')"
	checkTypes(t, db, from)
	want := readStats(t, trec, trace)
	got := query(t, db, "SELECT syscall, count(*), count(errno) FROM "+from+
		" WHERE kind = 'syscall' AND status <> 'resumed' GROUP BY syscall")
	var total int64
	for name, w := range want.calls {
		if g := got[name]; g == nil || g[0] != w[0] || g[1] != w[1] {
			t.Errorf("%s: DuckDB counts %v calls and errors, stats %v", name, g, w)
		}
		total += w[0]
	}
	if total < 500000 {
		t.Errorf("%d syscalls recorded, want at least 500000", total)
	}
	groups := query(t, db, "SELECT 'groups', count(*), max(row_group_num_rows) FROM (SELECT DISTINCT row_group_id,"+
		" row_group_num_rows FROM parquet_metadata('"+out+"'))")["groups"]
	if groups == nil || groups[0] < 1 || groups[1] > 1000000 {
		t.Errorf("row groups (count, largest) %v: want groups of at most a million rows", groups)
	}
}
