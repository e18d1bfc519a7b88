// Command discarr-sim runs a simulated Discord and media stack around the real
// discarr binary, for people to look at and scripts to drive.
//
//	discarr-sim demo [--addr 127.0.0.1:8780] [--discarr bin/discarr]
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: discarr-sim demo [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "demo":
		err = demo(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q (demo)", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "discarr-sim:", err)
		os.Exit(1)
	}
}
