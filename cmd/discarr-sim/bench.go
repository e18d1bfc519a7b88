package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

// bench runs the real discarr against the emulator and the simulated services under
// each scenario's load, prints a line of figures per scenario and writes them all as
// JSON. It fails when a board check fails or a scenario could not send its load.
func bench(args []string) error {
	fs := flag.NewFlagSet("discarr-sim bench", flag.ContinueOnError)
	bin := fs.String("discarr", "bin/discarr", "the discarr binary to run")
	out := fs.String("out", "bin/bench/results.json", "where to write the results")
	only := fs.String("scenario", "", "run only this scenario (steady, hung, storm, large, idle)")
	load := fs.Duration("duration", 60*time.Second, "length of each scenario's load")
	quick := fs.Bool("quick", false, "small stacks and about 10 s of load each")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *quick && !flagSet(fs, "duration") {
		*load = 10 * time.Second
	}
	var run []scenario
	for _, sc := range scenarios(*load, *quick) {
		if *only == "" || *only == sc.name {
			run = append(run, sc)
		}
	}
	if len(run) == 0 {
		return fmt.Errorf("no scenario named %q", *only)
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o755); err != nil {
		return fmt.Errorf("make results dir: %w", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	results, runErr := runAll(ctx, run, *bin, *out)
	if err := writeResults(*out, results); err != nil {
		return err
	}
	fmt.Printf("results: %s\n", *out)
	return errors.Join(runErr, verdict(results))
}

// runAll runs the scenarios in turn, printing each one's line as it ends.
func runAll(ctx context.Context, run []scenario, bin, out string) ([]result, error) {
	var results []result
	for _, sc := range run {
		fmt.Fprintf(os.Stderr, "discarr-sim: %s: %d services, %d downloads, %.0f interactions/s for %s\n",
			sc.name, sc.size.services(), sc.size.downloads, sc.rate, sc.load)
		res, err := runScenario(ctx, sc, bin, logPathFor(out, sc.name))
		if err != nil {
			res.Check, res.Failed = err.Error(), true
		}
		results = append(results, res)
		printResult(os.Stdout, res)
		if ctx.Err() != nil {
			return results, ctx.Err()
		}
	}
	return results, nil
}

// verdict fails the run for any failed scenario, and for an idle scenario that edited
// the boards while steady (which shows edits are counted at all) did.
func verdict(results []result) error {
	var errs []error
	byName := map[string]*result{}
	for i := range results {
		r := &results[i]
		byName[r.Name] = r
		if r.Failed {
			errs = append(errs, fmt.Errorf("scenario %s: %s", r.Name, r.Check))
		}
	}
	idle, steady := byName["idle"], byName["steady"]
	switch {
	case idle == nil:
	case steady == nil:
		fmt.Fprintln(os.Stderr, "discarr-sim: idle's edit count is judged only beside steady's; run both")
	case steady.BoardEditsPerMin == 0:
		errs = append(errs, errors.New("steady made no board edits, so idle's zero proves nothing"))
	case idle.BoardEditsPerMin > 0:
		errs = append(errs, fmt.Errorf("idle edited the boards %.1f times a minute with nothing changing",
			idle.BoardEditsPerMin))
	}
	return errors.Join(errs...)
}

// printResult prints one scenario's line of figures.
func printResult(w io.Writer, r result) {
	inner, goroutines := "—", "—"
	if r.InnerAckP99MS != nil {
		inner = fmt.Sprintf("≤%gms", *r.InnerAckP99MS)
	}
	if r.Goroutines != nil {
		goroutines = fmt.Sprint(*r.Goroutines)
	}
	fmt.Fprintf(w, "%-6s p50 %6.2fms  p99 %7.2fms  max %7.1fms  inner p99 %s  late %d  unanswered %d  "+
		"rate %.1f/%.0f  rss %.1fMB  cpu %.2fs (%.1f%%)  goroutines %s  rest %d  429s %d  "+
		"edits/min %.1f  check %s\n",
		r.Name, r.P50MS, r.P99MS, r.MaxMS, inner, r.Late, r.Unanswered, r.RateAchieved, r.RateTarget,
		r.RSSMB, r.CPUS, r.CPUPct, goroutines, r.RESTCalls, r.HTTP429, r.BoardEditsPerMin, r.Check)
}

func writeResults(path string, results []result) error {
	if results == nil {
		results = []result{}
	}
	b, err := json.MarshalIndent(results, "", "  ")
	if err != nil {
		return fmt.Errorf("encode results: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return nil
}

func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
