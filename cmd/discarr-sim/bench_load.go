package main

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/discarr/discarr/actors/discord/discordtest"
)

// The waits each interaction of the load gets: the first callback is waited for past
// Discord's 3 s deadline so that late acks are measured, not lost; the edit after a
// deferred ack is not part of the ack latency and gets little.
const (
	loadWait      = 3500 * time.Millisecond
	loadDeferWait = 100 * time.Millisecond
	lateAfter     = 3000.0 // ms
	// maxInFlight bounds the interactions waiting at once; a tick finding it full
	// sends nothing, which shows as a lower achieved rate.
	maxInFlight = 4000
)

// loadResult is what the open-loop load measured.
type loadResult struct {
	sent, failed, skipped int
	elapsed               time.Duration
	acks                  []float64 // ack_ms of every answered interaction
	late, unanswered      int
}

// runLoad sends rate interactions a second for d on a schedule, each in its own
// goroutine, whether or not earlier ones were answered, and waits for the last.
func runLoad(ctx context.Context, emu *discordtest.Emulator, rate float64, d time.Duration) loadResult {
	var (
		mu     sync.Mutex
		res    loadResult
		wg     sync.WaitGroup
		flight atomic.Int64
	)
	rng := rand.New(rand.NewPCG(7, 11))
	start := time.Now()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()

	// Each tick sends what the schedule owes by now: rate × elapsed minus what went.
	due := 0
	var presses []press
	var scanned time.Time
	for el := time.Duration(0); el < d; el = time.Since(start) {
		if time.Since(scanned) > 500*time.Millisecond {
			presses, scanned = boardPresses(emu), time.Now()
		}
		for want := int(rate * el.Seconds()); due < want; due++ {
			if flight.Load() >= maxInFlight {
				res.skipped++
				continue
			}
			req := pickInteraction(presses, rng)
			flight.Add(1)
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer flight.Add(-1)
				r, err := emu.Interact(ctx, req)
				mu.Lock()
				defer mu.Unlock()
				res.record(r, err)
			}()
		}
		select {
		case <-ctx.Done():
			wg.Wait()
			res.elapsed = time.Since(start)
			return res
		case <-tick.C:
		}
	}
	res.elapsed = time.Since(start)
	wg.Wait()
	return res
}

// record counts one interaction's outcome.
func (l *loadResult) record(r discordtest.InteractResult, err error) {
	if err != nil && r.ID == "" {
		l.failed++ // never dispatched: not connected, or no such component any more
		return
	}
	l.sent++
	if r.AckMS == nil || r.CallbackType == nil {
		l.unanswered++
		return
	}
	l.acks = append(l.acks, *r.AckMS)
	if *r.AckMS > lateAfter {
		l.late++
	}
}

// percentile returns the p-th percentile (0..100) of sorted values, nearest rank.
func percentile(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(p/100*float64(len(sorted)) + 0.5)
	i = min(max(i-1, 0), len(sorted)-1)
	return sorted[i]
}

// stats returns p50, p99 and max of the acks.
func (l *loadResult) stats() (p50, p99, maxMS float64) {
	s := slices.Clone(l.acks)
	slices.Sort(s)
	if len(s) == 0 {
		return 0, 0, 0
	}
	return percentile(s, 50), percentile(s, 99), s[len(s)-1]
}

// pickInteraction chooses the next interaction: a third /downloads, a sixth /health,
// the rest a press on a component of one of the boards.
func pickInteraction(presses []press, rng *rand.Rand) discordtest.InteractRequest {
	req := discordtest.InteractRequest{Wait: loadWait, DeferWait: loadDeferWait}
	switch n := rng.IntN(6); {
	case n < 2:
		req.Command = "downloads"
		return req
	case n < 3:
		req.Command = "health"
		return req
	}
	if len(presses) == 0 {
		req.Command = "downloads"
		return req
	}
	p := presses[rng.IntN(len(presses))]
	req.MessageID, req.CustomID, req.Values = p.messageID, p.customID, p.values
	return req
}

// press is one component on a board someone could use.
type press struct {
	messageID, customID string
	values              []string
}

// rawComponent is the part of a message component the load needs.
type rawComponent struct {
	Type       int            `json:"type"`
	CustomID   string         `json:"custom_id"`
	Disabled   bool           `json:"disabled"`
	Options    []rawOption    `json:"options"`
	Components []rawComponent `json:"components"`
}

type rawOption struct {
	Value string `json:"value"`
}

// boardPresses lists the enabled buttons and select picks of the public boards.
// Refresh buttons are left out: each one asks every service for a poll, which would
// make the services' poll rate a function of the load rather than of their interval.
func boardPresses(emu *discordtest.Emulator) []press {
	var out []press
	for _, m := range emu.Messages(emu.Options().ChannelID) {
		if m.InteractionID != "" || m.Webhook || len(m.Components) == 0 {
			continue
		}
		var rows []rawComponent
		if json.Unmarshal(m.Components, &rows) != nil {
			continue
		}
		walkComponents(rows, func(c rawComponent) {
			if c.CustomID == "" || c.Disabled || strings.Contains(c.CustomID, ":refresh") {
				return
			}
			switch c.Type {
			case 2: // button
				out = append(out, press{messageID: m.ID, customID: c.CustomID})
			case 3: // string select
				for _, o := range c.Options {
					out = append(out, press{messageID: m.ID, customID: c.CustomID, values: []string{o.Value}})
				}
			}
		})
	}
	return out
}

func walkComponents(cs []rawComponent, f func(rawComponent)) {
	for _, c := range cs {
		f(c)
		walkComponents(c.Components, f)
	}
}
