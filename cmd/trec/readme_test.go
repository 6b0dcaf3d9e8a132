package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// shBlocks returns the lines of the README's ```sh blocks between the
// headings from and to, comments left out.
func shBlocks(t *testing.T, readme, from, to string) []string {
	t.Helper()
	i, j := strings.Index(readme, from), strings.Index(readme, to)
	if i < 0 || j < i {
		t.Fatalf("README has no section %q before %q", from, to)
	}
	var lines []string
	in := false
	for _, l := range strings.Split(readme[i:j], "\n") {
		switch {
		case l == "```sh":
			in = true
		case l == "```":
			in = false
		case in && l != "" && !strings.HasPrefix(l, "#"):
			if k := strings.Index(l, "   # "); k > 0 {
				l = strings.TrimSpace(l[:k])
			}
			lines = append(lines, l)
		}
	}
	return lines
}

// TestReadmeRecipes runs the README's first commands and its recipes, as
// a shell runs them with trec on PATH, on a trace of a program that opens
// files, fails to, runs children and talks over the network. Each must
// succeed without a warning and print something (or write its -o file).
func TestReadmeRecipes(t *testing.T) {
	data, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	intro := shBlocks(t, readme, "# trec", "## Questions strace users ask")
	recipes := shBlocks(t, readme, "## Questions strace users ask", "## Commands")
	if len(intro) < 3 || len(recipes) < 15 {
		t.Fatalf("%d first commands, %d recipes", len(intro), len(recipes))
	}
	_, haveJQ := exec.LookPath("jq")

	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(self, filepath.Join(bin, "trec")); err != nil {
		t.Fatal(err)
	}
	env := append(os.Environ(), "PATH="+bin+":"+os.Getenv("PATH"), asCLI+"=1")
	sh := func(line string) (string, string, error) {
		cmd := exec.Command("sh", "-c", line)
		cmd.Dir, cmd.Env = dir, env
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		return out.String(), errb.String(), err
	}

	ran := 0
	for _, l := range intro {
		// go run ./cmd/trec is the trec this test binary is.
		l = strings.ReplaceAll(l, "go run ./cmd/trec ", "trec ")
		if !strings.HasPrefix(l, "trec ") {
			// go test: the test runs as it.
			continue
		}
		ran++
		out, errs, err := sh(l)
		if err != nil || strings.Contains(errs, "trec: ") && !strings.Contains(l, "record") {
			t.Errorf("%s: %v\n%s%s", l, err, out, errs)
		}
	}
	if ran == 0 {
		t.Error("the README's first commands run no trec")
	}
	// A richer run for the recipes: files found and not, children, and a
	// client and server over loopback TCP.
	netloop := testProg(t, "netloop")
	script := "ls -la /etc/hostname /nonexistent; cat /etc/hostname >/dev/null; " + netloop
	if out, errs, err := sh("trec record -q -o run.trc -- sh -c '" + script + "' >/dev/null"); err != nil {
		t.Fatalf("record: %v\n%s%s", err, out, errs)
	}
	info, _, err := sh("trec stats --json run.trc")
	if err != nil {
		t.Fatal(err)
	}
	var rep struct{ Processes []struct{ Pid int } }
	if err := json.Unmarshal([]byte(info), &rep); err != nil || len(rep.Processes) == 0 {
		t.Fatalf("stats --json: %v\n%s", err, info)
	}
	root := strconv.Itoa(rep.Processes[0].Pid)

	for _, l := range recipes {
		if strings.Contains(l, "| jq") && haveJQ != nil {
			t.Logf("no jq: skipped %s", l)
			continue
		}
		l = strings.ReplaceAll(l, "1234", root)
		out, errs, err := sh(l)
		if err != nil || errs != "" {
			t.Errorf("%s: %v\nstdout: %.300s\nstderr: %s", l, err, out, errs)
			continue
		}
		if f := outputFile(l); f != "" {
			if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
				t.Errorf("%s wrote no %s (%v)", l, f, err)
			}
		} else if strings.TrimSpace(out) == "" || strings.TrimSpace(out) == "[]" {
			t.Errorf("%s printed nothing", l)
		}
	}
}

// outputFile returns the file a command line writes with -o, or "".
func outputFile(line string) string {
	f := strings.Fields(line)
	for i := 0; i+1 < len(f); i++ {
		if f[i] == "-o" {
			return f[i+1]
		}
	}
	return ""
}
