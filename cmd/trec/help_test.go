package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Every command's help lists each flag once, with its aliases, without
// urfave/cli's clutter, in lines that fit a terminal.
func TestHelpText(t *testing.T) {
	app := newApp(nil, nil, nil)
	for _, cmd := range app.Commands {
		if cmd.Name == "help" {
			continue
		}
		for _, args := range [][]string{{cmd.Name, "--help"}, {"help", cmd.Name}} {
			out, errs, code := trec(t, nil, args...)
			if code != 0 || errs != "" || !strings.HasPrefix(out, "Usage: trec "+cmd.Name) {
				t.Errorf("trec %s: exit %d, stderr %q:\n%s", strings.Join(args, " "), code, errs, out)
				continue
			}
			for _, bad := range []string{"(default: false)", "[ --", "command options", "GLOBAL OPTIONS"} {
				if strings.Contains(out, bad) {
					t.Errorf("trec %s has %q:\n%s", strings.Join(args, " "), bad, out)
				}
			}
			for _, l := range strings.Split(out, "\n") {
				if len(l) > 80 {
					t.Errorf("trec %s: line of %d columns: %s", strings.Join(args, " "), len(l), l)
				}
			}
			for _, d := range flagDocs(cmd.Flags) {
				if d.hidden {
					continue
				}
				if n := strings.Count(out, "  "+d.label()+" "); n != 1 {
					t.Errorf("trec %s lists %s %d times", strings.Join(args, " "), d.label(), n)
				}
			}
		}
	}
	out, _, code := trec(t, nil, "--help")
	if code != 0 || !strings.Contains(out, "Commands:") || !strings.Contains(out, "-s is the size") {
		t.Errorf("trec --help: exit %d:\n%s", code, out)
	}
	out, _, code = trec(t, nil, "--version")
	if code != 0 || !strings.HasPrefix(out, "trec "+version) {
		t.Errorf("trec --version: exit %d: %q", code, out)
	}
	checkGolden(t, "help-dump.txt", []byte(commandHelp(app.Command("dump"))))
}

// The manual page is valid roff, and says what the help says.
func TestManPage(t *testing.T) {
	out, errs, code := trec(t, nil, "man")
	if code != 0 || errs != "" || !strings.HasPrefix(out, ".TH TREC 1") {
		t.Fatalf("trec man: exit %d, stderr %q", code, errs)
	}
	for _, want := range []string{`.SS trec dump [flags] FILE`, `\fB\-p\fR, \fB\-\-pid\fR \fIPID\fR`, ".SH EXIT STATUS"} {
		if !strings.Contains(out, want) {
			t.Errorf("trec man lacks %q", want)
		}
	}
	groff, err := exec.LookPath("groff")
	if err != nil {
		t.Skip("no groff to check the roff")
	}
	cmd := exec.Command(groff, "-man", "-Tutf8", "-ww", "-z")
	cmd.Stdin = strings.NewReader(out)
	if msg, err := cmd.CombinedOutput(); err != nil || len(msg) > 0 {
		t.Errorf("groff -ww: %v\n%s", err, msg)
	}
}

// The bash completion completes commands, flags, -e qualifiers and trace
// files; the zsh one is valid zsh.
func TestCompletion(t *testing.T) {
	script, errs, code := trec(t, nil, "completion", "bash")
	if code != 0 || errs != "" {
		t.Fatalf("completion bash: exit %d: %s", code, errs)
	}
	dir := t.TempDir()
	for _, f := range []string{"a.trc", "b.trc", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	complete := func(words ...string) string {
		t.Helper()
		var quoted []string
		for _, w := range words {
			quoted = append(quoted, "'"+w+"'")
		}
		line := "COMP_WORDS=(" + strings.Join(quoted, " ") + "); COMP_CWORD=" + strconv.Itoa(len(words)-1) +
			"; _trec; printf '%s\\n' \"${COMPREPLY[@]}\""
		cmd := exec.Command("bash", "-c", script+"\n"+line)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("bash: %v\n%s", err, out)
		}
		return strings.Join(strings.Fields(string(out)), " ")
	}
	for _, tc := range []struct {
		words []string
		want  string
	}{
		{[]string{"trec", "du"}, "dump"},
		{[]string{"trec", "dump", "--js"}, "--json"},
		{[]string{"trec", "dump", "-e", "s"}, "status= signal="},
		{[]string{"trec", "export", "--format", ""}, "chrome-json jsonl parquet"},
		{[]string{"trec", "stats", "-S", "c"}, "calls"},
		{[]string{"trec", "dump", ""}, "a.trc b.trc"},
		{[]string{"trec", "help", "st"}, "stats"},
		{[]string{"trec", "completion", ""}, "bash zsh"},
	} {
		if got := complete(tc.words...); got != tc.want {
			t.Errorf("completing %q: %q, want %q", tc.words, got, tc.want)
		}
	}
	// What completion offers, export takes.
	for _, f := range strings.Fields(complete("trec", "export", "--format", "")) {
		_, errs, _ := trec(t, nil, "export", "--format", f, "-o", filepath.Join(dir, "out."+f), filepath.Join(tracesDir, "fileio.trc"))
		if strings.Contains(errs, "--format") {
			t.Errorf("completion offers --format %s, which export refuses: %s", f, errs)
		}
	}
	zsh, errs, code := trec(t, nil, "completion", "zsh")
	if code != 0 || errs != "" || !strings.HasPrefix(zsh, "#compdef trec") || !strings.Contains(zsh, "'--json[") || !strings.Contains(zsh, "chrome-json jsonl parquet") {
		t.Fatalf("completion zsh: exit %d: %s", code, errs)
	}
	zshPath, err := exec.LookPath("zsh")
	if err != nil {
		t.Skip("no zsh to check the script (.ci/run installs it)")
	}
	cmd := exec.Command(zshPath, "-n")
	cmd.Stdin = strings.NewReader(zsh)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("zsh -n: %v\n%s", err, out)
	}
}

// -h among a command's flags shows its help, whatever operands come with
// it; an -h that is a flag's value or the program's is not a request for
// help.
func TestHelpAmongArguments(t *testing.T) {
	trace := filepath.Join(tracesDir, "fileio.trc")
	for _, args := range [][]string{
		{"stats", "-h", trace},
		{"dump", "-yh", trace},
		{"filter", "--h", trace},
		{"export", "-help=true", trace},
		{"dump", trace, "-s", "8", "--help"},
		{"filter", "-o", "x.trc", "-h", trace, "more"},
		{"record", "-q", "-h", "--", "true"},
	} {
		out, errs, code := trec(t, nil, args...)
		if code != 0 || errs != "" || !strings.HasPrefix(out, "Usage: trec "+args[0]) {
			t.Errorf("trec %s: exit %d, stderr %q, stdout %.40q", strings.Join(args, " "), code, errs, out)
		}
	}
	// The trace names no path -h: the filter warns so.
	out, errs, code := trec(t, nil, "dump", "-P", "-h", trace)
	if code != 0 || !strings.HasPrefix(errs, "trec: warning: -P -h: matched no call") || strings.Count(errs, "\n") != 1 || strings.Contains(out, "Usage:") {
		t.Errorf("trec dump -P -h: exit %d, stderr %q, stdout %.40q", code, errs, out)
	}
	dir := t.TempDir()
	out, errs, code = trec(t, nil, "record", "-q", "-o", filepath.Join(dir, "h.trc"), "--", "echo", "-h")
	if code != 0 || out != "-h\n" {
		t.Errorf("trec record -- echo -h: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}
