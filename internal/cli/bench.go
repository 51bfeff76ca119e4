package cli

import (
	"context"
	"fmt"
	"io"
	"os"
)

func bench(ctx context.Context, args []string, out io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: nivaran bench intake [flags]")
		return 2
	}
	switch args[0] {
	case "intake":
		return benchIntake(ctx, args[1:], out)
	case "agents":
		return benchAgents(ctx, args[1:], out)
	case "reports":
		return benchReports(ctx, args[1:], out)
	case "sms":
		return benchSMS(ctx, args[1:], out)
	}
	fmt.Fprintf(os.Stderr, "nivaran bench: unknown benchmark %q (have: intake)\n", args[0])
	return 2
}
