// Command nivaran is the public grievance redressal system: one binary with
// subcommands (serve, migrate, bench, version).
package main

import (
	"os"

	"github.com/nivaran/nivaran/internal/cli"
)

func main() { os.Exit(cli.Run(os.Args[1:])) }
