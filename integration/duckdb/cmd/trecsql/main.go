// Command trecsql runs one SQL query with DuckDB and prints the result as
// a table, for trying queries on trec's Parquet export without the DuckDB
// CLI:
//
//	go run ./cmd/trecsql "SELECT syscall, count(*) FROM 'runs/*.parquet' GROUP BY ALL"
package main

import (
	"database/sql"
	"fmt"
	"io"
	"os"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: trecsql QUERY")
		os.Exit(2)
	}
	if err := query(os.Stdout, os.Args[1]); err != nil {
		fmt.Fprintf(os.Stderr, "trecsql: %v\n", err)
		os.Exit(1)
	}
}

// query runs q and prints its columns and rows aligned, as DuckDB's CLI
// does in its box mode.
func query(out io.Writer, q string) error {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.Query(q)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	types, err := rows.ColumnTypes()
	if err != nil {
		return err
	}
	table := [][]string{cols, make([]string, len(cols))}
	for i, t := range types {
		table[1][i] = strings.ToLower(t.DatabaseTypeName())
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		line := make([]string, len(cols))
		for i, v := range vals {
			switch v := v.(type) {
			case nil:
				line[i] = "NULL"
			case float64:
				line[i] = fmt.Sprintf("%.1f", v)
			default:
				line[i] = fmt.Sprint(v)
			}
		}
		table = append(table, line)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	width := make([]int, len(cols))
	for _, line := range table {
		for i, s := range line {
			width[i] = max(width[i], len(s))
		}
	}
	rule := func(l, m, r string) {
		parts := make([]string, len(cols))
		for i, w := range width {
			parts[i] = strings.Repeat("─", w+2)
		}
		fmt.Fprintln(out, l+strings.Join(parts, m)+r)
	}
	rule("┌", "┬", "┐")
	for n, line := range table {
		if n == 2 {
			rule("├", "┼", "┤")
		}
		fmt.Fprint(out, "│")
		for i, s := range line {
			if n >= 2 && isNumber(s) {
				fmt.Fprintf(out, " %*s │", width[i], s)
			} else {
				fmt.Fprintf(out, " %-*s │", width[i], s)
			}
		}
		fmt.Fprintln(out)
	}
	rule("└", "┴", "┘")
	return nil
}

func isNumber(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != '.' && r != '-' {
			return false
		}
	}
	return true
}
