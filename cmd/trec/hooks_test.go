package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// filterModes are the -e flags every hook test runs with: none, and one
// that leaves the hooked calls out of the recording (a seccomp filter).
var filterModes = [][]string{nil, {"-e", "trace=exit_group"}}

// recordWith runs trec record with flags on argv into dir/run.trc and
// returns the program's stdout, trec's stderr and the status.
func recordWith(t *testing.T, dir string, flags []string, argv ...string) (string, string, int, string) {
	t.Helper()
	trace := filepath.Join(dir, "run.trc")
	os.Remove(trace)
	args := append(append([]string{"record", "-o", trace}, flags...), "--")
	stdout, stderr, code := trec(t, nil, append(args, argv...)...)
	return stdout, stderr, code, trace
}

// must finds re in s or fails.
func must(t *testing.T, what, s, re string) {
	t.Helper()
	if !regexp.MustCompile(re).MatchString(s) {
		t.Errorf("%s lacks %s:\n%s", what, re, s)
	}
}

// hookStatsJSON returns stats --json's hook rows and violations.
func hookStatsJSON(t *testing.T, trace string) ([]map[string]any, []map[string]any) {
	t.Helper()
	out, stderr, code := trec(t, nil, "stats", "--json", trace)
	if code != 0 {
		t.Fatalf("stats --json: %d %s", code, stderr)
	}
	var rep struct {
		Hooks      []map[string]any `json:"hooks"`
		Violations []map[string]any `json:"sandbox_violations"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	return rep.Hooks, rep.Violations
}

func hookRow(rows []map[string]any, hook, rule string) map[string]any {
	for _, r := range rows {
		if r["hook"] == hook && (r["rule"] == rule || rule == "" && r["rule"] == nil) {
			return r
		}
	}
	return nil
}

func TestRecordSandboxCat(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret")
	os.WriteFile(secret, []byte("s3cret\n"), 0o600)
	policy := filepath.Join(dir, "policy")
	os.WriteFile(policy, []byte("deny "+secret+"\nallow /**\n"), 0o644)
	for _, mode := range filterModes {
		stdout, stderr, code, trace := recordWith(t, dir, append([]string{"--sandbox", policy}, mode...), "cat", secret)
		if code != 1 || stdout != "" {
			t.Errorf("%v: status %d, stdout %q; want cat's failure", mode, code, stdout)
		}
		must(t, "stderr", stderr, regexp.QuoteMeta("cat: "+secret+": Permission denied"))
		must(t, "stderr", stderr, "(?m)^"+regexp.QuoteMeta("trec: sandbox: 1 violation: "+secret)+"$")
		dump, _, _ := trec(t, nil, "dump", trace)
		must(t, "dump", dump, regexp.QuoteMeta(`openat(AT_FDCWD, "`+secret+`", O_RDONLY) = -1 EACCES (Permission denied) (sandbox: deny `+secret+`)`))
		stats, _, _ := trec(t, nil, "stats", trace)
		must(t, "stats", stats, `(?m)^\s+\d+\s+1 sandbox\s*$`)
		must(t, "stats", stats, `(?m)^\s+1\s+1 sandbox\s+deny `+regexp.QuoteMeta(secret)+`$`)
		must(t, "stats", stats, `(?m)^sandbox violations\n.*\n\s+1 `+regexp.QuoteMeta(secret)+` \(openat\)$`)
		rows, viol := hookStatsJSON(t, trace)
		if r := hookRow(rows, "sandbox", "deny "+secret); r == nil || r["changed"] != 1.0 || r["seen"] != 1.0 {
			t.Errorf("%v: stats --json hook rows %v", mode, rows)
		}
		if len(viol) != 1 || viol[0]["path"] != secret || viol[0]["count"] != 1.0 {
			t.Errorf("%v: stats --json violations %v", mode, viol)
		}
		js, _, _ := trec(t, nil, "dump", "--json", trace)
		must(t, "dump --json", js, `"hooks":\[\{"name":"sandbox","rule":"deny [^"]+","action":"fail","new":-13,"errno":"EACCES","path":"`+regexp.QuoteMeta(secret)+`","at":"enter"\}\]`)
	}
}

func TestRecordDenyNetwork(t *testing.T) {
	dir := t.TempDir()
	probe := buildDiffProg(t, dir, "hookprobe")
	for _, mode := range filterModes {
		stdout, stderr, code, trace := recordWith(t, dir, append([]string{"--deny", "%network"}, mode...), probe, "socket")
		if code != 0 || !strings.Contains(stdout, "socket: -1 EPERM") {
			t.Errorf("%v: status %d, stdout %q, stderr %s", mode, code, stdout, stderr)
		}
		dump, _, _ := trec(t, nil, "dump", trace)
		must(t, "dump", dump, `socket\(AF_INET, SOCK_STREAM, IPPROTO_IP\) += -1 EPERM \(Operation not permitted\) \(deny: %network\)`)
		rows, _ := hookStatsJSON(t, trace)
		if r := hookRow(rows, "deny", "%network"); r == nil || r["changed"] != 1.0 {
			t.Errorf("%v: hook rows %v", mode, rows)
		}
	}
	if py, err := exec.LookPath("python3"); err == nil {
		_, stderr, code, _ := recordWith(t, dir, []string{"--deny", "%network"}, py, "-c", "import socket; socket.socket()")
		if code != 1 || !strings.Contains(stderr, "PermissionError: [Errno 1] Operation not permitted") {
			t.Errorf("python3: status %d, stderr %s", code, stderr)
		}
	}
}

func TestRecordRedirectFD(t *testing.T) {
	dir := t.TempDir()
	for _, mode := range filterModes {
		stdout, stderr, code, trace := recordWith(t, dir, append([]string{"--redirect-fd", "1:2"}, mode...), "sh", "-c", "echo moved")
		if code != 0 || stdout != "" || !strings.HasPrefix(stderr, "moved\n") {
			t.Errorf("%v: status %d, stdout %q, stderr %q: want the output on stderr", mode, code, stdout, stderr)
		}
		dump, _, _ := trec(t, nil, "dump", trace)
		must(t, "dump", dump, regexp.QuoteMeta(`write(1 => 2, "moved\n", 6)`)+` += 6 \(redirect-fd: 1:2\)`)
	}
}

func TestRecordMapPath(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a"), []byte("fixture data\n"), 0o644)
	for _, mode := range filterModes {
		stdout, stderr, code, trace := recordWith(t, dir, append([]string{"--map-path", "/fixture=" + dir}, mode...), "cat", "/fixture/a")
		if code != 0 || stdout != "fixture data\n" {
			t.Errorf("%v: status %d, stdout %q, stderr %s", mode, code, stdout, stderr)
		}
		dump, _, _ := trec(t, nil, "dump", trace)
		must(t, "dump", dump, regexp.QuoteMeta(`openat(AT_FDCWD, "/fixture/a" => "`+dir+`/a", O_RDONLY) = 3 (map-path: /fixture=`+dir+`)`))
	}
}

func TestRecordInject(t *testing.T) {
	dir := t.TempDir()
	probe := buildDiffProg(t, dir, "hookprobe")
	for _, mode := range filterModes {
		stdout, _, code, trace := recordWith(t, dir, append([]string{"--inject", "openat:error=ENOENT:when=3+"}, mode...), probe, "opens", "4", "/dev/null")
		if code != 0 || !strings.Contains(stdout, "child 2: ok\nchild 3: ENOENT\n") {
			t.Errorf("%v: status %d, stdout %q", mode, code, stdout)
		}
		dump, _, _ := trec(t, nil, "dump", trace)
		must(t, "dump", dump, regexp.QuoteMeta(`openat(AT_FDCWD, "/dev/null", O_RDONLY) = -1 ENOENT (No such file or directory) (INJECTED)`))
		rows, _ := hookStatsJSON(t, trace)
		if r := hookRow(rows, "inject", "openat:error=ENOENT:when=3+"); r == nil || r["changed"].(float64) < 6 {
			t.Errorf("%v: hook rows %v", mode, rows)
		}

		_, _, code, trace = recordWith(t, dir, append([]string{"--inject", "write:retval=1"}, mode...), probe, "writeloop", "5")
		if code != 0 {
			t.Errorf("%v: writeloop under retval=1: status %d", mode, code)
		}
		dump, _, _ = trec(t, nil, "dump", trace)
		if n := len(regexp.MustCompile(`write\(1, "x+", \d\) += 1 \(INJECTED\)`).FindAllString(dump, -1)); n != 5 {
			t.Errorf("%v: %d injected writes, want 5:\n%s", mode, n, dump)
		}

		stdout, _, _, trace = recordWith(t, dir, append([]string{"--inject", "getppid:delay_enter=50ms"}, mode...), probe, "getppid")
		var ms int
		if _, err := fmt.Sscanf(stdout, "getppid: %d ms", &ms); err != nil || ms < 50 {
			t.Errorf("%v: the program saw %q, want at least 50 ms", mode, stdout)
		}
		dump, _, _ = trec(t, nil, "dump", "-T", trace)
		m := regexp.MustCompile(`getppid\(\) += \d+ \(DELAYED\) <(\d+\.\d+)>`).FindStringSubmatch(dump)
		if m == nil {
			t.Errorf("%v: dump lacks the delayed getppid:\n%s", mode, dump)
		} else if d, _ := strconv.ParseFloat(m[1], 64); d < 0.05 {
			t.Errorf("%v: getppid took %ss in the trace, want at least 0.05", mode, m[1])
		}
	}
}

func TestRecordHookErrors(t *testing.T) {
	dir := t.TempDir()
	policy := filepath.Join(dir, "bad.policy")
	os.WriteFile(policy, []byte("allow /usr/**\n  alow /tmp\n"), 0o644)
	for _, tc := range []struct {
		flags []string
		want  string
	}{
		{[]string{"--inject", "openat:error=EFOO"}, `trec: --inject "openat:error=EFOO": column 14: unknown errno "EFOO"`},
		{[]string{"--inject", "opnat:error=ENOENT"}, `trec: --inject "opnat:error=ENOENT": column 1: unknown syscall "opnat"`},
		{[]string{"--inject", "openat:when=3"}, `trec: --inject "openat:when=3": column 14: no action`},
		{[]string{"--deny", "%nope"}, `trec: --deny "%nope": column 1: unknown class "%nope"`},
		{[]string{"--redirect-fd", "1-2"}, `trec: --redirect-fd "1-2": column 1: want FROM:TO`},
		{[]string{"--map-path", "fixture=/x"}, `trec: --map-path "fixture=/x": column 1: FROM must be an absolute path`},
		{[]string{"--sandbox", policy}, "trec: " + policy + `:2:3: unknown rule "alow"`},
		{[]string{"--sandbox", filepath.Join(dir, "missing")}, "trec: --sandbox: open " + filepath.Join(dir, "missing") + ": no such file or directory"},
	} {
		stdout, stderr, code, trace := recordWith(t, dir, tc.flags, "true")
		if code != 2 || stdout != "" || !strings.HasPrefix(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: status %d, stderr %q; want 2 and %q", tc.flags, code, stderr, tc.want)
		}
		if _, err := os.Stat(trace); err == nil {
			t.Errorf("%v: a trace was written", tc.flags)
		}
	}
}
