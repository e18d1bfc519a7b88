package main

import (
	"os"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/discord/discordtest"
)

func TestPercentileIsNearestRank(t *testing.T) {
	t.Parallel()
	hundred := make([]float64, 100)
	for i := range hundred {
		hundred[i] = float64(i + 1)
	}
	tests := []struct {
		name   string
		values []float64
		p      float64
		want   float64
	}{
		{"none", nil, 50, 0},
		{"one", []float64{7}, 99, 7},
		{"median of hundred", hundred, 50, 50},
		{"p99 of hundred", hundred, 99, 99},
		{"p100 is the max", hundred, 100, 100},
		{"p0 is the min", hundred, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := percentile(tt.values, tt.p); got != tt.want {
				t.Errorf("percentile(%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}

func TestRestFiguresCountInsideTheWindow(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	t1 := t0.Add(30 * time.Second)
	edit := "/api/v10/channels/1/messages/2"
	tests := []struct {
		name      string
		reqs      []discordtest.Request
		calls     int
		http429   int
		editsPerM float64
	}{
		{"empty", nil, 0, 0, 0},
		{"edits inside count per minute", []discordtest.Request{
			{At: t0.Add(time.Second), Method: "PATCH", Path: edit, Status: 200},
			{At: t0.Add(2 * time.Second), Method: "PATCH", Path: edit, Status: 200},
			{At: t0.Add(3 * time.Second), Method: "POST", Path: "/api/v10/interactions/1/t/callback", Status: 204},
		}, 3, 0, 4},
		{"outside the window only 429s count", []discordtest.Request{
			{At: t0.Add(-time.Second), Method: "PATCH", Path: edit, Status: 429},
			{At: t1.Add(time.Second), Method: "PATCH", Path: edit, Status: 200},
		}, 0, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			calls, h429, epm := restFigures(tt.reqs, t0, t1)
			if calls != tt.calls || h429 != tt.http429 || epm != tt.editsPerM {
				t.Errorf("restFigures = %d, %d, %v; want %d, %d, %v", calls, h429, epm,
					tt.calls, tt.http429, tt.editsPerM)
			}
		})
	}
}

func TestReadProcReadsThisProcess(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc on this system: the bench samples Linux's /proc only")
	}
	p, err := readProc(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if p.hwmMB <= 0 || p.rssMB <= 0 || p.threads < 1 || p.cpuS < 0 {
		t.Errorf("readProc = %+v, want positive memory and threads", p)
	}
}
