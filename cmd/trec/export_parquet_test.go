package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// tableRow is what these tests read back of a row of the event table.
type tableRow struct {
	TraceID    string  `parquet:"trace_id"`
	Kind       string  `parquet:"kind"`
	Syscall    *string `parquet:"syscall"`
	Status     *string `parquet:"status"`
	Errno      *string `parquet:"errno"`
	DurationNs *int64  `parquet:"duration_ns"`
	Path       *string `parquet:"path"`
}

// statsFiles runs trec stats --json and returns the successful opens of
// each file.
func statsOpens(t *testing.T, trace string) map[string]uint64 {
	t.Helper()
	out, errs, code := trec(t, nil, "stats", "--json", trace)
	if code != 0 {
		t.Fatalf("stats: exit %d: %s", code, errs)
	}
	var rep struct {
		Files []struct {
			Path  string
			Opens uint64
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	m := map[string]uint64{}
	for _, f := range rep.Files {
		if f.Opens > 0 {
			m[f.Path] = f.Opens
		}
	}
	return m
}

// TestExportParquet exports two traces into one table and checks it
// against trec stats of each: calls and errors per syscall, and the
// files opened.
func TestExportParquet(t *testing.T) {
	traces := []string{filepath.Join(tracesDir, "pipeline.trc"), filepath.Join(tracesDir, "fileio.trc")}
	out := filepath.Join(t.TempDir(), "runs.parquet")
	if _, errs, code := trec(t, nil, append([]string{"export", "--format", "parquet", "-o", out}, traces...)...); code != 0 || errs != "" {
		t.Fatalf("exit %d: %s", code, errs)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	rows, err := parquet.Read[tableRow](f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	// Rows of one trace are contiguous, in the order of the arguments.
	var ids []string
	for _, r := range rows {
		if len(ids) == 0 || ids[len(ids)-1] != r.TraceID {
			ids = append(ids, r.TraceID)
		}
	}
	if len(ids) != 2 {
		t.Fatalf("trace ids %v, want two runs of rows", ids)
	}
	for i, trace := range traces {
		calls := map[string][2]uint64{}
		opens := map[string]uint64{}
		for _, r := range rows {
			if r.TraceID != ids[i] || r.Kind != "syscall" || *r.Status == "resumed" {
				continue
			}
			c := calls[*r.Syscall]
			c[0]++
			if r.Errno != nil {
				c[1]++
			}
			calls[*r.Syscall] = c
			switch *r.Syscall {
			case "open", "openat", "openat2", "creat":
				if *r.Status == "successful" {
					opens[*r.Path]++
				}
			}
		}
		want := statsJSON(t, trace)
		if len(calls) != len(want) {
			t.Errorf("%s: %d syscalls in the table, stats has %d", trace, len(calls), len(want))
		}
		for name, w := range want {
			if calls[name] != w {
				t.Errorf("%s: %s: table has %v calls and errors, stats %v", trace, name, calls[name], w)
			}
		}
		wantOpens := statsOpens(t, trace)
		if len(wantOpens) == 0 {
			t.Fatalf("%s: stats lists no opened file", trace)
		}
		for p, n := range wantOpens {
			if opens[p] != n {
				t.Errorf("%s: %s opened %d times in the table, %d in stats", trace, p, opens[p], n)
			}
		}
		if len(opens) != len(wantOpens) {
			t.Errorf("%s: table opens %v, stats %v", trace, opens, wantOpens)
		}
	}
}

func TestExportParquetErrors(t *testing.T) {
	dir := t.TempDir()
	trc := filepath.Join(tracesDir, "fileio.trc")
	copyTrc := filepath.Join(dir, "in.trc")
	data, _ := os.ReadFile(trc)
	os.WriteFile(copyTrc, data, 0o644)
	out := filepath.Join(dir, "x.parquet")
	for _, tc := range []struct {
		args    []string
		wantErr string
	}{
		{[]string{"export", "--format", "parquet", trc}, "needs -o"},
		{[]string{"export", "--format", "parquet", "-o", out}, "missing trace file"},
		{[]string{"export", "--format", "parquet", "-o", out, "-", "-"}, "read once"},
		{[]string{"export", "--format", "parquet", "-o", copyTrc, trc, copyTrc}, "is the input trace"},
		{[]string{"export", "--format", "parquet", "-o", out, trc, filepath.Join(dir, "missing.trc")}, "no such file"},
		{[]string{"export", "--format", "csv", trc}, "want chrome-json, jsonl or parquet"},
	} {
		_, errs, code := trec(t, nil, tc.args...)
		if code == 0 || !strings.Contains(errs, tc.wantErr) || strings.Count(errs, "\n") > 1 {
			t.Errorf("trec %v: exit %d, stderr %q; want a failure saying %q", tc.args, code, errs, tc.wantErr)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed export left %s behind", out)
	}
	if got, _ := os.ReadFile(copyTrc); string(got) != string(data) {
		t.Errorf("export wrote over its input")
	}
}
