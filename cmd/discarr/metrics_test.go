package main

import "testing"

func TestLoopbackTellsWhatStaysOnTheMachine(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]bool{
		"127.0.0.1:9713": true, "[::1]:9713": true, "localhost:9713": true,
		":9713": false, "0.0.0.0:9713": false, "192.168.1.5:9713": false, "nonsense": false,
	} {
		if got := loopback(addr); got != want {
			t.Errorf("loopback(%q) = %v, want %v", addr, got, want)
		}
	}
}
