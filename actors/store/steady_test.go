package store

import (
	"testing"
	"time"

	"github.com/discarr/discarr/messages"
)

func TestSteadyETAsKeepsTheOldETAUntilItMovedEnough(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	old := now.Add(10 * time.Minute)
	prev := []messages.Download{{Key: "a", Left: 500, ETA: messages.KnownETA(old)}}
	for _, tc := range []struct {
		name string
		eta  messages.ETA
		want time.Time
	}{
		{"seconds of wobble", messages.KnownETA(old.Add(20 * time.Second)), old},
		{"a minute earlier", messages.KnownETA(old.Add(-time.Minute)), old},
		{"five minutes later", messages.KnownETA(old.Add(5 * time.Minute)), old.Add(5 * time.Minute)},
		{"later, but not a byte moved", messages.KnownETA(old.Add(10 * time.Minute)), old},
		{"no longer known", messages.ETA{Kind: messages.ETAInfinite}, time.Time{}},
	} {
		left := int64(400)
		if tc.name == "later, but not a byte moved" {
			left = 500
		}
		next := []messages.Download{{Key: "a", Left: left, ETA: tc.eta}}
		steadyETAs(next, prev, now)
		if !next[0].ETA.At.Equal(tc.want) {
			t.Errorf("%s: ETA %v, want %v", tc.name, next[0].ETA.At, tc.want)
		}
	}
}
