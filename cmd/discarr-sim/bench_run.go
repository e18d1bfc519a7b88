package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/discarr/discarr/actors/discord/discordtest"
)

// The bench's discarr settings: boards redrawn at most every 5 s, every service
// polled every 5 s with a 2 s timeout.
const (
	benchBoards   = 5 * time.Second
	benchInterval = 5 * time.Second
	benchTimeout  = 2 * time.Second
)

// result is one scenario's figures, as results.json holds them.
type result struct {
	Name         string  `json:"name"`
	Services     int     `json:"services"`
	Downloads    int     `json:"downloads"`
	P50MS        float64 `json:"p50_ms"`
	P99MS        float64 `json:"p99_ms"`
	MaxMS        float64 `json:"max_ms"`
	Late         int     `json:"late"`
	Unanswered   int     `json:"unanswered"`
	Sent         int     `json:"sent"`
	NotSent      int     `json:"not_sent"`
	RateTarget   float64 `json:"rate_target"`
	RateAchieved float64 `json:"rate_achieved"`
	WindowS      float64 `json:"window_s"`
	RSSMB        float64 `json:"rss_mb"`
	CPUS         float64 `json:"cpu_s"`
	CPUPct       float64 `json:"cpu_pct"`
	// Goroutines is discarr's own count at the end, from its metrics endpoint
	// (null when it could not be read); OSThreads is the thread count from /proc.
	Goroutines *int `json:"goroutines"`
	// InnerAckP99MS is the 99th percentile of discarr's own measure of an ack, from
	// the gateway event to the callback request, as its histogram's bucket bound.
	InnerAckP99MS    *float64 `json:"inner_ack_p99_ms"`
	OSThreads        int      `json:"os_threads"`
	RESTCalls        int      `json:"rest_calls"`
	HTTP429          int      `json:"http_429"`
	BoardEditsPerMin float64  `json:"board_edits_per_min"`
	Check            string   `json:"check"`
	Failed           bool     `json:"failed"`
}

// runScenario runs one scenario against a fresh stack and a fresh discarr, writing
// discarr's log to logPath.
func runScenario(ctx context.Context, sc scenario, bin, logPath string) (res result, err error) {
	res = result{Name: sc.name, Services: sc.size.services(), Downloads: sc.size.downloads,
		RateTarget: sc.rate}
	clock := &benchClock{}
	if sc.frozen {
		clock.freeze()
	}
	s, err := newBenchStack(sc.size, clock)
	if err != nil {
		return res, err
	}
	defer s.close()
	hung := s.hang(sc.hangEvery)
	metricsAddr, err := freeAddr()
	if err != nil {
		return res, err
	}
	fmt.Fprintf(os.Stderr, "discarr-sim: %s: discarr's metrics and profiler: http://%s/\n", sc.name, metricsAddr)
	cfg, err := s.writeConfig(stackOptions{interval: benchInterval, timeout: benchTimeout,
		boards: benchBoards, logLevel: "warn", metricsListen: metricsAddr})
	if err != nil {
		return res, err
	}
	logFile, err := os.Create(logPath)
	if err != nil {
		return res, fmt.Errorf("create discarr log: %w", err)
	}
	defer func() { _ = logFile.Close() }()

	proc := &child{bin: bin, config: cfg, out: logFile}
	if err := proc.start(); err != nil {
		return res, err
	}
	defer func() {
		if stopErr := proc.stop(15 * time.Second); stopErr != nil && err == nil {
			err = stopErr
		}
	}()
	if err := waitReady(s, proc, 30*time.Second); err != nil {
		return res, fmt.Errorf("%w; the end of %s:\n%s", err, logPath, logTail(logPath, 10))
	}

	// Let discarr poll everything and draw both boards; idle also waits for the edits
	// to stop, as it measures the quiet that follows.
	if err := waitBoards(ctx, s, hung, sc.settleTime()); err != nil {
		fmt.Fprintf(os.Stderr, "discarr-sim: %s: boards not settled before the load: %v\n", sc.name, err)
	}
	if sc.frozen {
		waitQuiet(ctx, s.emu, 2*benchBoards+time.Second, sc.settleTime())
	}

	res, err = measure(ctx, sc, s, proc, clock, hung, res)
	if err == nil {
		scrapeMetrics(metricsAddr, &res)
	}
	return res, err
}

// measure runs the load window, then freezes the World and checks the boards.
func measure(ctx context.Context, sc scenario, s *simStack, proc *child, clock *benchClock,
	hung map[string]bool, res result) (result, error) {
	pid := proc.pid()
	p0, err := readProc(pid)
	if err != nil {
		return res, err
	}
	t0 := time.Now()
	var load loadResult
	if sc.rate > 0 {
		load = runLoad(ctx, s.emu, sc.rate, sc.load)
	} else {
		select {
		case <-ctx.Done():
		case <-proc.exited():
		case <-time.After(sc.load):
		}
	}
	t1 := time.Now()
	p1, err := readProc(pid)
	if err != nil {
		return res, fmt.Errorf("discarr ended during the load: %w", err)
	}

	// Stop the World and wait for the boards to show where it stopped.
	frozenAt := time.Now()
	clock.freeze()
	checkErr := waitBoards(ctx, s, hung, sc.settleTime())
	fmt.Fprintf(os.Stderr, "discarr-sim: %s: final board check took %s\n", sc.name,
		time.Since(frozenAt).Round(100*time.Millisecond))
	end, err := readProc(pid)
	if err != nil {
		return res, fmt.Errorf("discarr ended before the board check: %w", err)
	}

	window := t1.Sub(t0)
	res.WindowS = window.Seconds()
	res.P50MS, res.P99MS, res.MaxMS = load.stats()
	res.Late, res.Unanswered, res.Sent, res.NotSent = load.late, load.unanswered, load.sent,
		load.failed+load.skipped
	if sc.rate > 0 && load.elapsed > 0 {
		res.RateAchieved = float64(load.sent) / load.elapsed.Seconds()
	}
	res.RSSMB, res.OSThreads = end.hwmMB, end.threads
	res.CPUS = p1.cpuS - p0.cpuS
	res.CPUPct = 100 * res.CPUS / window.Seconds()
	res.RESTCalls, res.HTTP429, res.BoardEditsPerMin = restFigures(s.emu.Requests(), t0, t1)

	if sc.frozen && res.BoardEditsPerMin > 0 {
		explainEdits(os.Stderr, sc.name, s.emu.Requests(), t0, t1)
	}

	res.Check = "ok"
	if checkErr != nil {
		res.Check, res.Failed = checkErr.Error(), true
	}
	if sc.rate > 0 && res.RateAchieved < 0.9*sc.rate {
		res.Failed = true
		res.Check += fmt.Sprintf("; ran short: %.1f of %.0f interactions/s", res.RateAchieved, sc.rate)
	}
	return res, nil
}

// restFigures counts the REST requests and board edits (PATCH of a channel message)
// inside the window, and the 429 answers over the whole run.
func restFigures(reqs []discordtest.Request, t0, t1 time.Time) (calls, http429 int, editsPerMin float64) {
	edits := 0
	for _, r := range reqs {
		if r.Status == 429 {
			http429++
		}
		if r.At.Before(t0) || r.At.After(t1) {
			continue
		}
		calls++
		if r.Method == "PATCH" && strings.Contains(r.Path, "/channels/") && strings.Contains(r.Path, "/messages/") {
			edits++
		}
	}
	return calls, http429, float64(edits) / t1.Sub(t0).Minutes()
}

// waitQuiet waits until no channel message was edited for quiet, or for at most d.
func waitQuiet(ctx context.Context, emu *discordtest.Emulator, quiet, d time.Duration) {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		last := time.Time{}
		for _, r := range emu.Requests() {
			if r.Method == "PATCH" && strings.Contains(r.Path, "/messages/") && r.At.After(last) {
				last = r.At
			}
		}
		if time.Since(last) >= quiet {
			return
		}
		select {
		case <-ctx.Done():
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// logTail returns the last n lines of a log file, or why it cannot.
func logTail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// logPathFor is where a scenario's discarr log goes, beside the results.
func logPathFor(out, name string) string {
	return filepath.Join(filepath.Dir(out), name+".log")
}

// explainEdits tells, for each message edited inside the window, how often, and where
// its last two edits differ: what keeps changing when nothing should.
func explainEdits(w io.Writer, name string, reqs []discordtest.Request, t0, t1 time.Time) {
	bodies := map[string][]string{}
	before := map[string]string{} // the content a message had when the window began
	var order []string
	for _, r := range reqs {
		if (r.Method != "PATCH" && r.Method != "POST") || !strings.Contains(r.Path, "/messages") || r.At.After(t1) {
			continue
		}
		if r.At.Before(t0) {
			before[r.Path] = r.Body
			continue
		}
		if r.Method != "PATCH" {
			continue
		}
		if _, ok := bodies[r.Path]; !ok {
			order = append(order, r.Path)
			if prev, ok := before[r.Path]; ok {
				bodies[r.Path] = []string{prev}
			}
		}
		bodies[r.Path] = append(bodies[r.Path], r.Body)
	}
	for _, p := range order {
		b := bodies[p]
		edits := len(b)
		if _, ok := before[p]; ok {
			edits--
		}
		fmt.Fprintf(w, "discarr-sim: %s: %d edits of %s", name, edits, p)
		if n := len(b); n >= 2 {
			fmt.Fprintf(w, "; the last two differ at %s", firstDifference(b[n-2], b[n-1]))
		}
		fmt.Fprintln(w)
	}
}

// firstDifference shows a little of both texts from a few runes before they part.
func firstDifference(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	if i == len(a) && i == len(b) {
		return "nowhere (the same body twice)"
	}
	from := max(0, i-40)
	cut := func(s string) string { return s[min(from, len(s)):min(i+40, len(s))] }
	return fmt.Sprintf("%q versus %q", cut(a), cut(b))
}
