package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/trecdev/trec/hook"
	"github.com/trecdev/trec/sysent"
)

// hookFlags are trec record's flags that change what the program sees.
func hookFlags() []cli.Flag {
	return []cli.Flag{
		&cli.GenericFlag{Name: "inject", Value: &multiString{}, Usage: "strace's --inject: `SPEC` is SET:ACTION[:ACTION]..., an ACTION error=ERRNO, retval=N, signal=SIG, delay_enter=DUR, delay_exit=DUR or when=FIRST[..LAST][+STEP] (repeatable)"},
		&cli.GenericFlag{Name: "deny", Value: &multiString{}, Usage: "fail the syscalls of `SET[:errno=ERRNO]` (names, %classes, !negation) without running them, EPERM by default (repeatable)"},
		&cli.GenericFlag{Name: "redirect-fd", Value: &multiString{}, Usage: "`FROM:TO`: send writes to fd FROM to fd TO (repeatable)"},
		&cli.GenericFlag{Name: "map-path", Value: &multiString{}, Usage: "`FROM=TO`: rewrite paths at or under FROM to the same place under TO (repeatable)"},
		&cli.StringFlag{Name: "sandbox", Usage: "deny the paths the policy in `FILE` does not allow (EACCES); not a security boundary"},
	}
}

// recordHooks builds the hooks the flags ask for (trec record's, trec
// replay's), in the order they apply: --map-path first, so that the others
// see the paths the kernel will use, then --redirect-fd, --deny, --sandbox
// and --inject. The first hook that fails a call decides its result. cwd
// is the program's starting directory, $CWD in a policy. It also returns
// the sandbox, nil without one.
func recordHooks(c *cli.Context, t *sysent.Table, cwd string) ([]hook.Hook, *hook.Sandbox, error) {
	var sb *hook.Sandbox
	sandbox := func(v []string) (hook.Hook, error) {
		src, err := os.ReadFile(v[0])
		if err != nil {
			return nil, fmt.Errorf("--sandbox: %w", err)
		}
		sb, err = hook.ParseSandbox(v[0], src, hook.PolicyEnv{Home: os.Getenv("HOME"), Tmpdir: os.Getenv("TMPDIR"), Cwd: cwd})
		return sb, err
	}
	var hooks []hook.Hook
	for _, f := range []struct {
		flag  string
		parse func([]string) (hook.Hook, error)
	}{
		{"map-path", func(v []string) (hook.Hook, error) { return hook.ParseMapPath(v) }},
		{"redirect-fd", func(v []string) (hook.Hook, error) { return hook.ParseRedirectFD(v) }},
		{"deny", func(v []string) (hook.Hook, error) { return hook.ParseDeny(t, v) }},
		{"sandbox", sandbox},
		{"inject", func(v []string) (hook.Hook, error) { return hook.ParseInject(t, v) }},
	} {
		var vals []string
		if f.flag == "sandbox" {
			if name := c.String("sandbox"); name != "" {
				vals = []string{name}
			}
		} else {
			vals = c.Generic(f.flag).(*multiString).vals
		}
		if len(vals) == 0 {
			continue
		}
		h, err := f.parse(vals)
		if err != nil {
			var se *hook.SpecError
			if errors.As(err, &se) && se.File == "" {
				se.Flag = "--" + f.flag
			}
			// A bad spec or policy is a usage error.
			return nil, nil, usage(err)
		}
		hooks = append(hooks, h)
	}
	return hooks, sb, nil
}

// maxViolationPaths is how many denied paths the sandbox line lists.
const maxViolationPaths = 5

// reportSandbox writes the sandbox's line: how many calls it denied and the
// first paths.
func reportSandbox(w io.Writer, sb *hook.Sandbox, trace string, quiet bool) {
	n, first := sb.Violations()
	if n == 0 && quiet {
		return
	}
	word := "violations"
	if n == 1 {
		word = "violation"
	}
	fmt.Fprintf(w, "trec: sandbox: %d %s", n, word)
	if len(first) > 0 {
		fmt.Fprintf(w, ": %s", strings.Join(first[:min(len(first), maxViolationPaths)], ", "))
		if n > uint64(len(first)) {
			fmt.Fprintf(w, ", ... (trec stats %s lists them all)", trace)
		}
	}
	fmt.Fprintln(w)
}
