// Command discarr keeps a homelab's Discord server informed about, and in control of,
// its media stack: a live downloads board, a health board, and slash commands.
//
//	discarr [run|check|version] [--config PATH] [--log-level LEVEL]
//
// Exit codes: 0 ok; 1 a check failed; 2 the configuration is invalid; 3 Discord
// refused the token; 4 another discarr holds the state directory.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// Exit codes.
const (
	exitOK            = 0
	exitCheckFailed   = 1
	exitBadConfig     = 2
	exitTokenRefused  = 3
	exitAlreadyRuning = 4
)

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdout, os.Stderr))
}

// flags are the command line of every subcommand.
type flags struct {
	config   string
	logLevel string
	offline  bool
}

const usage = `usage: discarr [run|check|version|help] [--config PATH] [--log-level LEVEL]

  run            serve: keep the boards current and answer commands (the default)
  check          validate the config, then test every service and Discord
  check --offline
                 validate the config only; connect to nothing
  version        print the version
`

// splitCommand finds the subcommand wherever it stands among the flags, so that
// "discarr --config x.yaml check" works as well as "discarr check --config x.yaml".
func splitCommand(args []string) (string, []string) {
	takesValue := map[string]bool{"-config": true, "--config": true, "-log-level": true, "--log-level": true}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--version" || a == "-version":
			return a, append(append([]string{}, args[:i]...), args[i+1:]...)
		case strings.HasPrefix(a, "-"):
			if takesValue[a] {
				i++ // the flag's value
			}
		default:
			return a, append(append([]string{}, args[:i]...), args[i+1:]...)
		}
	}
	return "run", args
}

func realMain(args []string, stdout, stderr io.Writer) int {
	cmd, args := splitCommand(args)
	switch cmd {
	case "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	case "--version", "-version":
		cmd = "version"
	}

	var f flags
	fs := flag.NewFlagSet("discarr "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.config, "config", "", "config file (default: ./discarr.yaml, then /etc/discarr/discarr.yaml)")
	fs.StringVar(&f.logLevel, "log-level", "", "debug, info, warn or error; overrides log.level")
	if cmd == "check" {
		fs.BoolVar(&f.offline, "offline", false, "validate the configuration only; connect to nothing")
	}
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fmt.Fprintf(stderr, "\nflags of %s:\n", cmd)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitBadConfig
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "discarr %s: unexpected argument %q\n", cmd, fs.Arg(0))
		return exitBadConfig
	}

	switch cmd {
	case "run":
		return run(f, stderr)
	case "check":
		return check(f, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "discarr", version)
		return exitOK
	}
	fmt.Fprintf(stderr, "discarr: unknown command %q\n%s", cmd, usage)
	return exitBadConfig
}
