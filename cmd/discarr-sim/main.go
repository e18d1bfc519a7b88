// Command discarr-sim runs a simulated Discord and media stack around the real
// discarr binary, for people to look at and scripts to drive.
//
//	discarr-sim demo [--addr 127.0.0.1:8780] [--discarr bin/discarr]
//	discarr-sim bench [--discarr bin/discarr] [--out bin/bench/results.json]
//	                  [--scenario NAME] [--duration 60s] [--quick]
//
// bench measures discarr under load (interaction ack latency, memory, CPU, REST
// calls and board edits) in the scenarios steady, hung, storm, large and idle, and
// exits non-zero when a scenario's boards disagree with the simulated services or
// its load could not be sent.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: discarr-sim demo|bench [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "demo":
		err = demo(os.Args[2:])
	case "bench":
		err = bench(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q (demo, bench)", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "discarr-sim:", err)
		os.Exit(1)
	}
}
