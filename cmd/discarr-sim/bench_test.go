package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// TestBenchQuickSteady builds discarr and runs the quick steady scenario against it.
// It takes about a minute and starts real processes, so it runs only on request;
// make bench runs the whole bench.
//
// It does not run in parallel: it takes DISCARR_BENCH_TEST out of the process's
// environment, which the discarr children inherit, because discarr reads every
// DISCARR_ variable as configuration and rejects one it does not know.
func TestBenchQuickSteady(t *testing.T) {
	if os.Getenv("DISCARR_BENCH_TEST") != "1" {
		t.Skip("the bench starts discarr and runs for about a minute; set DISCARR_BENCH_TEST=1 to run it")
	}
	if err := os.Unsetenv("DISCARR_BENCH_TEST"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Setenv("DISCARR_BENCH_TEST", "1") })
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	dir := t.TempDir()
	bin := filepath.Join(dir, "discarr")

	build := exec.Command("go", "build", "-o", bin, "./cmd/discarr")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build discarr: %v\n%s", err, out)
	}

	out := filepath.Join(dir, "results.json")
	if err := bench([]string{"--quick", "--scenario", "steady", "--discarr", bin, "--out", out}); err != nil {
		t.Errorf("bench: %v", err)
	}

	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("read results: %v", err)
	}
	var results []map[string]any
	if err := json.Unmarshal(raw, &results); err != nil {
		t.Fatalf("decode results: %v", err)
	}
	if len(results) != 1 || results[0]["name"] != "steady" {
		t.Fatalf("results = %s, want one steady scenario", raw)
	}
	for _, key := range []string{"p50_ms", "p99_ms", "max_ms", "late", "unanswered", "rate_achieved",
		"rss_mb", "cpu_s", "goroutines", "rest_calls", "http_429", "board_edits_per_min"} {
		if _, ok := results[0][key]; !ok {
			t.Errorf("results lack %s", key)
		}
	}
	if sent, _ := results[0]["sent"].(float64); sent == 0 {
		t.Errorf("no interaction was sent")
	}
}
