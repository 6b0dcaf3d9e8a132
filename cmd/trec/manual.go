package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"
)

// trec man and trec completion: the manual page and the shell completions,
// made from the same command definitions as the help.

func manCommand() *cli.Command {
	return &cli.Command{
		Name:  "man",
		Usage: "print the manual page (trec man | man -l -)",
		Description: "The page is made from the same definitions as the help. To install it:\n" +
			"  trec man > /usr/local/share/man/man1/trec.1",
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usagef("unexpected argument %q (usage: trec man)", c.Args().First())
			}
			_, err := io.WriteString(c.App.Writer, manPage(c.App))
			return err
		},
	}
}

func completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print the shell completion script for bash or zsh",
		ArgsUsage: "bash|zsh",
		Description: "Load it in the shell's startup file:\n" +
			"  bash: source <(trec completion bash)      (in ~/.bashrc)\n" +
			"  zsh:  source <(trec completion zsh)       (in ~/.zshrc, after compinit)",
		Action: func(c *cli.Context) error {
			var script string
			switch sh := c.Args().First(); {
			case c.NArg() != 1:
				return usagef("name the shell: trec completion bash, or trec completion zsh")
			case sh == "bash":
				script = bashCompletion(c.App)
			case sh == "zsh":
				script = zshCompletion(c.App)
			default:
				return usagef("completion %q: want bash or zsh", sh)
			}
			_, err := io.WriteString(c.App.Writer, script)
			return err
		},
	}
}

// roff escapes text for a manual page.
func roff(s string) string {
	s = strings.ReplaceAll(s, `\`, `\e`)
	s = strings.ReplaceAll(s, "-", `\-`)
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			l = `\&` + l
		}
		lines = append(lines, l)
	}
	return strings.Join(lines, "\n")
}

// manPage is trec(1).
func manPage(app *cli.App) string {
	var b strings.Builder
	fmt.Fprintf(&b, ".TH TREC 1 \"\" \"trec %s\" \"User Commands\"\n", roff(version))
	b.WriteString(".SH NAME\ntrec \\- record and analyze syscall traces\n.SH SYNOPSIS\n")
	for _, c := range app.Commands {
		fmt.Fprintf(&b, ".B %s\n.br\n", roff(usageLine(c)))
	}
	b.WriteString(".SH DESCRIPTION\n")
	b.WriteString(roff("trec records every syscall, signal, fork, exec and exit of a program and its children into a " +
		"compact binary trace, with less overhead than strace. The trace is read offline: strace-style listings, " +
		"strace -c tables, per-file, per-process and network summaries, JSON for scripts, filtered sub-traces " +
		"and timelines for Perfetto. Recording needs no privilege for one's own programs (ptrace permission is " +
		"that of sending them a signal)."))
	b.WriteString("\n.SH COMMANDS\n")
	for _, c := range app.Commands {
		fmt.Fprintf(&b, ".SS %s\n%s\n", roff(usageLine(c)), roff(sentence(c.Usage)))
		if c.Description != "" {
			b.WriteString(".PP\n")
			for _, l := range reflow(c.Description, 1<<20) {
				if strings.HasPrefix(l, "  ") {
					fmt.Fprintf(&b, ".nf\n%s\n.fi\n", roff(l))
				} else {
					b.WriteString(roff(l) + "\n")
				}
			}
		}
		for _, d := range flagDocs(c.Flags) {
			if d.hidden {
				continue
			}
			var names []string
			for _, n := range d.names {
				names = append(names, `\fB`+roff(n)+`\fR`)
			}
			label := strings.Join(names, ", ")
			if d.placeholder != "" {
				label += ` \fI` + roff(d.placeholder) + `\fR`
			}
			fmt.Fprintf(&b, ".TP\n%s\n%s\n", label, roff(d.text()))
		}
	}
	b.WriteString(".SH THE SAME LETTER ON TWO COMMANDS\n" + roff(sameLetters) + "\n")
	b.WriteString(".SH EXIT STATUS\n" + roff("record exits with the program's status: its exit code or, when signal N "+
		"killed it, by signal N itself, as strace does (a shell shows 128+N); 126 or 127 when the program cannot be "+
		"started, as a shell; 2 for a usage error; 1 when the recording fails. record -p exits 0 when the processes "+
		"have exited or trec has let them go (Ctrl-C, SIGTERM, --duration), and 1 when it cannot attach to one. "+
		"The other commands exit 0 on success, "+
		"with a warning for a trace cut short; 2 for a usage error; 1 for any other failure (diff: 1 when the runs "+
		"differ, 2 on any trouble).") + "\n")
	b.WriteString(".SH FILES\n" + roff("A trace is a zstd stream of length-delimited protobuf records: format/FORMAT.md "+
		"in the source describes it, and format/JSON.md the JSON outputs.") + "\n")
	b.WriteString(".SH SEE ALSO\n.BR strace (1),\n.BR ptrace (2),\n.BR seccomp (2)\n")
	return b.String()
}

// valueWords are what completion offers after a flag that takes one of a
// few values.
var valueWords = map[string]string{
	"e":       "trace= status= signal= quiet=",
	"format":  strings.Join(exportFormats, " "),
	"sort-by": "time calls errors name none",
}

// completionFlags lists a command's flags for completion: each name with
// its dashes, and those that take a value.
func completionFlags(cmd *cli.Command) (names, valued []string) {
	for _, d := range flagDocs(cmd.Flags) {
		names = append(names, d.names...)
		if d.placeholder != "" {
			valued = append(valued, d.names...)
		}
	}
	return append(names, "--help"), valued
}

// bashCompletion is the bash completion script.
func bashCompletion(app *cli.App) string {
	var cmds []string
	for _, c := range app.Commands {
		cmds = append(cmds, c.Name)
	}
	var b strings.Builder
	b.WriteString("# bash completion for trec: source <(trec completion bash)\n_trec() {\n")
	b.WriteString("\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd=${COMP_WORDS[1]} flags valued i\n")
	fmt.Fprintf(&b, "\tif ((COMP_CWORD == 1)); then\n\t\tCOMPREPLY=($(compgen -W %q -- \"$cur\"))\n\t\treturn\n\tfi\n", strings.Join(append(cmds, "--help", "--version"), " "))
	b.WriteString("\tcase $cmd in\n")
	for _, c := range app.Commands {
		names, valued := completionFlags(c)
		fmt.Fprintf(&b, "\t%s) flags=%q valued=%q ;;\n", c.Name, strings.Join(names, " "), " "+strings.Join(valued, " ")+" ")
	}
	b.WriteString("\tesac\n")
	b.WriteString("\tif [[ $cmd == help ]]; then\n")
	fmt.Fprintf(&b, "\t\tCOMPREPLY=($(compgen -W %q -- \"$cur\"))\n\t\treturn\n\tfi\n", strings.Join(cmds, " "))
	b.WriteString("\tif [[ $cmd == completion ]]; then\n\t\tCOMPREPLY=($(compgen -W \"bash zsh\" -- \"$cur\"))\n\t\treturn\n\tfi\n")
	b.WriteString("\tif [[ $cmd == record ]]; then\n" +
		"\t\t# After the program, its own arguments.\n" +
		"\t\tfor ((i = 2; i < COMP_CWORD; i++)); do\n" +
		"\t\t\tif [[ ${COMP_WORDS[i]} == -- || ( ${COMP_WORDS[i]} != -* && $valued != *\" ${COMP_WORDS[i-1]} \"* ) ]]; then\n" +
		"\t\t\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n\t\t\t\treturn\n\t\t\tfi\n\t\tdone\n\tfi\n")
	b.WriteString("\tcase $prev in\n")
	for _, flag := range []string{"e", "format", "sort-by"} {
		pat := "-" + flag
		if len(flag) > 1 {
			pat = "--" + flag
		}
		if flag == "format" {
			pat += "|-f"
		}
		if flag == "sort-by" {
			pat += "|-S"
		}
		fmt.Fprintf(&b, "\t%s)\n\t\tCOMPREPLY=($(compgen -W %q -- \"$cur\"))\n", pat, valueWords[flag])
		if flag == "e" {
			b.WriteString("\t\tcompopt -o nospace 2>/dev/null\n")
		}
		b.WriteString("\t\treturn ;;\n")
	}
	b.WriteString("\t-o|--output|-P|--path)\n\t\tCOMPREPLY=($(compgen -f -- \"$cur\"))\n\t\treturn ;;\n")
	b.WriteString("\tesac\n")
	b.WriteString("\tif [[ $valued == *\" $prev \"* ]]; then\n\t\treturn\n\tfi\n")
	b.WriteString("\tif [[ $cur == -* ]]; then\n\t\tCOMPREPLY=($(compgen -W \"$flags\" -- \"$cur\"))\n\t\treturn\n\tfi\n")
	b.WriteString("\tif [[ $cmd == record ]]; then\n\t\tCOMPREPLY=($(compgen -c -- \"$cur\"))\n\t\treturn\n\tfi\n")
	b.WriteString("\t# A trace file, or a directory on the way to one.\n")
	b.WriteString("\tCOMPREPLY=($(compgen -f -X '!*.trc' -- \"$cur\") $(compgen -d -- \"$cur\"))\n}\n")
	b.WriteString("complete -F _trec trec\n")
	return b.String()
}

// zshQuote quotes s for a zsh _arguments spec.
func zshQuote(s string) string {
	r := strings.NewReplacer(`'`, `'\''`, `[`, `\[`, `]`, `\]`, `:`, `\:`)
	return r.Replace(s)
}

// zshCompletion is the zsh completion script.
func zshCompletion(app *cli.App) string {
	var b strings.Builder
	b.WriteString("#compdef trec\n# zsh completion for trec: source <(trec completion zsh)\n_trec() {\n")
	b.WriteString("\tlocal -a cmds\n\tcmds=(\n")
	for _, c := range app.Commands {
		fmt.Fprintf(&b, "\t\t'%s:%s'\n", c.Name, zshQuote(c.Usage))
	}
	b.WriteString("\t)\n\tif (( CURRENT == 2 )); then\n\t\t_describe -t commands 'trec command' cmds\n\t\treturn\n\tfi\n")
	b.WriteString("\tlocal cmd=$words[2]\n\tshift words\n\t(( CURRENT-- ))\n\tcase $cmd in\n")
	for _, c := range app.Commands {
		fmt.Fprintf(&b, "\t%s)\n\t\t_arguments -s -S \\\n", c.Name)
		for _, d := range flagDocs(c.Flags) {
			excl := ""
			if len(d.names) > 1 {
				excl = "(" + strings.Join(d.names, " ") + ")"
			}
			repeat := ""
			if strings.Contains(d.usage, "repeatable") {
				repeat, excl = "*", ""
			}
			action := ""
			if d.placeholder != "" {
				words := ""
				for _, n := range d.names {
					if w, ok := valueWords[strings.TrimLeft(n, "-")]; ok {
						words = "(" + w + ")"
					}
				}
				switch {
				case words != "":
					action = ":" + strings.ToLower(d.placeholder) + ":" + words
				case strings.Contains(d.placeholder, "FILE") || d.placeholder == "OUT" || d.placeholder == "PATH":
					action = ":" + strings.ToLower(d.placeholder) + ":_files"
				default:
					action = ":" + strings.ToLower(d.placeholder) + ": "
				}
			}
			for _, n := range d.names {
				fmt.Fprintf(&b, "\t\t\t'%s%s%s[%s]%s' \\\n", excl, repeat, n, zshQuote(d.usage), action)
			}
		}
		switch {
		case c.Name == "record":
			b.WriteString("\t\t\t'(-)1:program:_command_names -e' \\\n\t\t\t'*::arguments:_normal'\n")
		case c.Name == "help":
			b.WriteString("\t\t\t'1:command:(" + strings.Join(commandNames(app), " ") + ")'\n")
		case c.Name == "completion":
			b.WriteString("\t\t\t'1:shell:(bash zsh)'\n")
		case c.ArgsUsage == "FILE":
			b.WriteString("\t\t\t'1:trace file:_files -g \"*.trc\"'\n")
		default:
			b.WriteString("\n")
		}
		b.WriteString("\t\t;;\n")
	}
	b.WriteString("\tesac\n}\nif [[ $zsh_eval_context[-1] == loadautofunc ]]; then\n\t_trec \"$@\"\nelse\n\tcompdef _trec trec\nfi\n")
	return b.String()
}

func commandNames(app *cli.App) []string {
	var names []string
	for _, c := range app.Commands {
		names = append(names, c.Name)
	}
	return names
}
