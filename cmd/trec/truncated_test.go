package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestFilterKeepsTruncation checks that a trace filtered from a cut one
// still reads as cut, in every reading command and through a second
// filter, and keeps the duration the cut trace had.
func TestFilterKeepsTruncation(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join(tracesDir, "pipeline.trc"))
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.trc")
	os.WriteFile(cut, data[:len(data)*2/3], 0o644)
	warning := regexp.MustCompile(`^trec: warning: trace truncated after \d+ events\n$`)

	_, errs, code := trec(t, nil, "stats", "-c", cut)
	if code != 0 || !warning.MatchString(errs) {
		t.Fatalf("stats of the cut trace: exit %d, stderr %q", code, errs)
	}
	once := filepath.Join(dir, "once.trc")
	twice := filepath.Join(dir, "twice.trc")
	for _, step := range [][2]string{{cut, once}, {once, twice}} {
		_, errs, code := trec(t, nil, "filter", "-e", "trace=%file,%process", "-o", step[1], step[0])
		if code != 0 || !warning.MatchString(errs) {
			t.Fatalf("filter %s: exit %d, stderr %q; want the warning", step[0], code, errs)
		}
	}
	for _, trace := range []string{once, twice} {
		for _, cmd := range [][]string{{"stats"}, {"dump"}, {"export", "-f", "jsonl"}} {
			_, errs, code := trec(t, nil, append(cmd, trace)...)
			if code != 0 || !warning.MatchString(errs) {
				t.Errorf("%s of %s: exit %d, stderr %q; want the truncation warning", cmd[0], filepath.Base(trace), code, errs)
			}
		}
	}
	duration := func(trace string) string {
		out, _, _ := trec(t, nil, "stats", "--json", trace)
		return regexp.MustCompile(`"duration_ns": [0-9]+`).FindString(out)
	}
	if a, b := duration(cut), duration(twice); a == "" || a != b {
		t.Errorf("duration of the cut trace %q, of its filtered copy %q", a, b)
	}
	out, _, _ := trec(t, nil, "stats", "--json", twice)
	var st struct {
		Summary struct {
			ExitStatus *int `json:"exit_status"`
			Complete   bool `json:"complete"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil || st.Summary.Complete || st.Summary.ExitStatus != nil {
		t.Errorf("stats --json of the filtered cut trace: %+v (%v), want incomplete, no exit status", st.Summary, err)
	}
	out, _, _ = trec(t, nil, "info", "--json", twice)
	var ti struct {
		Complete   bool `json:"complete"`
		ExitStatus *int `json:"exit_status"`
	}
	if err := json.Unmarshal([]byte(out), &ti); err != nil || ti.Complete || ti.ExitStatus != nil {
		t.Errorf("info --json of the filtered cut trace: %+v (%v), want incomplete, no exit status", ti, err)
	}

	// A complete trace filters to a complete one.
	clean := filepath.Join(dir, "clean.trc")
	if _, errs, code := trec(t, nil, "filter", "-e", "trace=%file", "-o", clean, filepath.Join(tracesDir, "pipeline.trc")); code != 0 || errs != "" {
		t.Fatalf("filter: exit %d, stderr %q", code, errs)
	}
	if _, errs, code := trec(t, nil, "stats", clean); code != 0 || errs != "" {
		t.Errorf("stats of a filtered complete trace: exit %d, stderr %q", code, errs)
	}
}

// TestRecordingThatNeverBegan checks what a recorder killed before it
// wrote its header leaves: an empty file, or the leading frame alone.
func TestRecordingThatNeverBegan(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join(tracesDir, "fileio.trc"))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 16} {
		trace := filepath.Join(dir, "short.trc")
		os.WriteFile(trace, data[:n], 0o644)
		for _, cmd := range []string{"stats", "dump", "export"} {
			_, errs, code := trec(t, nil, cmd, trace)
			if code != 1 || !strings.Contains(errs, "the recording ended before it began") || strings.Count(errs, "\n") != 1 {
				t.Errorf("%s of %d bytes: exit %d, stderr %q", cmd, n, code, errs)
			}
		}
	}
}
