package main

import (
	"strings"
	"testing"
)

func TestParseMetricsFindsGoroutinesAndAckPercentile(t *testing.T) {
	t.Parallel()
	text := `# HELP go_goroutines Number of goroutines.
go_goroutines 42
discarr_interaction_ack_seconds_bucket{le="0.001"} 90
discarr_interaction_ack_seconds_bucket{le="0.005"} 99
discarr_interaction_ack_seconds_bucket{le="0.01"} 100
discarr_interaction_ack_seconds_bucket{le="+Inf"} 100
`
	g, p99 := parseMetrics(strings.NewReader(text))
	if g == nil || *g != 42 {
		t.Fatalf("goroutines = %v, want 42", g)
	}
	if p99 == nil || *p99 != 5 {
		t.Fatalf("p99 = %v, want the 5 ms bucket", p99)
	}
	if _, none := parseMetrics(strings.NewReader("go_goroutines 3\n")); none != nil {
		t.Fatalf("p99 without observations = %v, want nil", *none)
	}
}
