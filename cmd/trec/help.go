package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// The help text, the manual page and the shell completions are all made
// from the commands' definitions here, so they cannot disagree.

// Flag categories, in the order help lists them.
const (
	catRecord = "Recording"
	catOutput = "Output"
	catFilter = "Filters"
	catExec   = "Running the program again"
)

var categories = []string{catRecord, catOutput, catFilter, catExec, ""}

// sameLetters says where one letter means different things.
const sameLetters = `-s is the size of the buffers record captures, and the length of the strings
dump prints. -o is the trace record writes (default trec.trc), the trace
filter writes (required), and the file export writes (default standard
output).`

// helpFooter ends every command's help.
const helpFooter = `Flags may come before or after FILE. "trec man" prints the manual page.`

// flagDoc is what help, man and completion need of one flag.
type flagDoc struct {
	names       []string // "-p", "--pid"
	placeholder string   // "PID", "" for a switch
	usage       string
	def         string // the default value worth showing, or ""
	category    string
	// hidden flags are spellings help does not list (-tt, -ttt: -t
	// counts), which completion still offers.
	hidden bool
}

// flagDocs describes a command's flags, the help flag left out.
func flagDocs(flags []cli.Flag) []flagDoc {
	var docs []flagDoc
	for _, f := range flags {
		names := f.Names()
		if slices.Contains(names, "help") {
			continue
		}
		d := flagDoc{}
		// Short names first: -p, --pid.
		slices.SortStableFunc(names, func(a, b string) int { return len(a) - len(b) })
		for _, n := range names {
			d.names = append(d.names, dashed(n))
		}
		if g, ok := f.(cli.DocGenerationFlag); ok {
			d.placeholder, d.usage = unquote(g.GetUsage())
			if g.TakesValue() {
				if d.placeholder == "" {
					d.placeholder = "VALUE"
				}
				switch v := g.GetDefaultText(); v {
				case "", "0", "false", "[]":
				default:
					d.def = strings.Trim(v, `"`)
				}
			} else {
				d.placeholder = ""
			}
		}
		if c, ok := f.(cli.CategorizableFlag); ok {
			d.category = c.GetCategory()
			d.hidden = !c.IsVisible()
		}
		docs = append(docs, d)
	}
	return docs
}

// dashed returns a flag name as it is typed: strace's letters (-t, and
// -tt, -ttt: one letter repeated) with one dash, words with two.
func dashed(name string) string {
	if strings.Trim(name, name[:1]) == "" && len(name) <= 3 {
		return "-" + name
	}
	return "--" + name
}

// unquote splits urfave/cli's `PLACEHOLDER` out of a usage string.
func unquote(usage string) (placeholder, text string) {
	i := strings.IndexByte(usage, '`')
	if i < 0 {
		return "", usage
	}
	j := strings.IndexByte(usage[i+1:], '`')
	if j < 0 {
		return "", usage
	}
	name := usage[i+1 : i+1+j]
	return name, usage[:i] + name + usage[i+2+j:]
}

// label is a flag's names and placeholder as help shows them.
func (d flagDoc) label() string {
	s := strings.Join(d.names, ", ")
	if d.placeholder != "" {
		s += " " + d.placeholder
	}
	return s
}

// text is a flag's usage with its default.
func (d flagDoc) text() string {
	if d.def != "" {
		return d.usage + " (default: " + d.def + ")"
	}
	return d.usage
}

// wrap breaks s into lines of at most width columns.
func wrap(s string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// reflow wraps text at width columns: lines that start with two spaces
// (commands to type) are kept as they are, the others joined into
// paragraphs.
func reflow(text string, width int) []string {
	var out []string
	para := ""
	flush := func() {
		if para != "" {
			out = append(out, wrap(para, width)...)
			para = ""
		}
	}
	for _, l := range strings.Split(strings.TrimSpace(text), "\n") {
		if strings.HasPrefix(l, "  ") {
			flush()
			out = append(out, l)
			continue
		}
		para += " " + l
	}
	flush()
	return out
}

// appendFlagTable appends the flags of each category under its title.
func appendFlagTable(b *strings.Builder, docs []flagDoc, title func(string) string) {
	width := 0
	for _, d := range docs {
		width = max(width, len(d.label()))
	}
	width = min(width, 26)
	for _, cat := range categories {
		first := true
		for _, d := range docs {
			if d.category != cat || d.hidden {
				continue
			}
			if first {
				b.WriteString("\n" + title(cat) + ":\n")
				first = false
			}
			label := d.label()
			lines := wrap(d.text(), 78-4-width)
			if len(label) > width {
				fmt.Fprintf(b, "  %s\n", label)
				label = ""
			}
			fmt.Fprintf(b, "  %-*s  %s\n", width, label, lines[0])
			for _, l := range lines[1:] {
				fmt.Fprintf(b, "  %-*s  %s\n", width, "", l)
			}
		}
	}
}

// usageLine is a command's synopsis: "trec dump [flags] FILE".
func usageLine(cmd *cli.Command) string {
	s := "trec " + cmd.Name
	if len(flagDocs(cmd.Flags)) > 0 {
		s += " [flags]"
	}
	if cmd.ArgsUsage != "" {
		s += " " + cmd.ArgsUsage
	}
	return s
}

// commandHelp is the help of one command.
func commandHelp(cmd *cli.Command) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: %s\n\n", usageLine(cmd))
	for _, l := range wrap(sentence(cmd.Usage), 78) {
		b.WriteString(l + "\n")
	}
	appendFlagTable(&b, flagDocs(cmd.Flags), func(cat string) string {
		if cat == "" {
			return "Flags"
		}
		return cat
	})
	if cmd.Description != "" {
		b.WriteString("\n")
		for _, l := range reflow(cmd.Description, 78) {
			b.WriteString(l + "\n")
		}
	}
	if cmd.ArgsUsage == "FILE" {
		b.WriteString("\n" + helpFooter + "\n")
	}
	return b.String()
}

// appHelp is trec's own help: the commands.
func appHelp(app *cli.App) string {
	var b strings.Builder
	b.WriteString("trec records the syscalls, signals, forks, execs and exits of a program and\nits children, and reads the traces it writes.\n\n")
	b.WriteString("Usage: trec COMMAND [flags] [args]\n\nCommands:\n")
	width := 0
	for _, c := range app.Commands {
		width = max(width, len(c.Name))
	}
	for _, c := range app.Commands {
		lines := wrap(c.Usage, 78-4-width)
		fmt.Fprintf(&b, "  %-*s  %s\n", width, c.Name, lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(&b, "  %-*s  %s\n", width, "", l)
		}
	}
	b.WriteString("\nFlags:\n  -h, --help      show help\n  -v, --version   print trec's version\n\n")
	b.WriteString("Run \"trec help COMMAND\" (or trec COMMAND --help) for a command's flags.\n\n")
	b.WriteString("The same letter on two commands:\n" + sameLetters + "\n")
	return b.String()
}

// sentence capitalizes s and ends it with a period.
func sentence(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:] + "."
}

// asTemplate makes literal text safe to hand to urfave/cli as a help
// template.
func asTemplate(s string) string {
	return strings.ReplaceAll(s, "{{", `{{"{{"}}`)
}
