package main

import "time"

// scenario is one bench run: a stack of a size, some of it hung, and a load.
type scenario struct {
	name string
	size benchSize
	rate float64       // interactions per second; 0 for none
	load time.Duration // how long the load (or the idle watch) lasts
	// hangEvery hangs every n-th service from the start: 1 all, 2 half, 0 none.
	hangEvery int
	// frozen stops the Worlds' clock from the start, so nothing changes.
	frozen bool
}

// scenarios returns the bench's scenarios in run order. load is the length of the
// steady ones' load; quick shrinks the stacks for a run of about ten seconds each.
func scenarios(load time.Duration, quick bool) []scenario {
	small := benchSize{sonarrs: 7, radarrs: 7, qbits: 6, downloads: 1000}
	large := benchSize{sonarrs: 70, radarrs: 70, qbits: 60, downloads: 20000}
	if quick {
		small = benchSize{sonarrs: 3, radarrs: 3, qbits: 2, downloads: 200}
		large = benchSize{sonarrs: 20, radarrs: 20, qbits: 20, downloads: 3000}
	}
	return []scenario{
		{name: "steady", size: small, rate: 20, load: load},
		{name: "hung", size: small, rate: 20, load: load, hangEvery: 2},
		{name: "storm", size: small, rate: 200, load: max(load/3, 5*time.Second), hangEvery: 1},
		{name: "large", size: large, rate: 5, load: load},
		{name: "idle", size: small, load: load, frozen: true},
	}
}

// settleTime bounds the wait for the boards to show a scenario's stack, before and
// after its load: discarr starts, polls every service once and draws both boards.
func (sc scenario) settleTime() time.Duration {
	return 30*time.Second + time.Duration(sc.size.services())*200*time.Millisecond
}
