package main

import (
	"errors"

	"github.com/urfave/cli/v2"
)

func filterCommand() *cli.Command {
	return &cli.Command{
		Name:  "filter",
		Usage: "not built yet",
		Action: func(*cli.Context) error {
			return errors.New("filter: not built yet")
		},
	}
}
