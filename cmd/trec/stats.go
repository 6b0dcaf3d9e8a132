package main

import (
	"errors"

	"github.com/urfave/cli/v2"
)

func statsCommand() *cli.Command {
	return &cli.Command{
		Name:  "stats",
		Usage: "not built yet",
		Action: func(*cli.Context) error {
			return errors.New("stats: not built yet")
		},
	}
}
