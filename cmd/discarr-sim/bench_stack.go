package main

import (
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/discarr/discarr/actors/discord/discordtest"
	"github.com/discarr/discarr/actors/service/servicetest"
)

// benchClock is the bench's World clock: it follows the wall clock until frozen,
// then stands still, so the simulators' final state can be compared with the boards.
type benchClock struct {
	mu     sync.Mutex
	frozen bool
	at     time.Time
}

// now is the clock function the Worlds read.
func (c *benchClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.frozen {
		return c.at
	}
	return time.Now()
}

// freeze stops the clock at the current time; later calls keep the first instant.
func (c *benchClock) freeze() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.frozen {
		c.frozen, c.at = true, time.Now()
	}
}

// benchSize is how big a bench stack is.
type benchSize struct {
	sonarrs, radarrs, qbits int
	downloads               int // across every World
}

// services is how many services the size configures.
func (z benchSize) services() int { return z.sonarrs + z.radarrs + z.qbits }

// faulter is what every simulator offers to misbehave on purpose.
type faulter interface {
	SetFault(servicetest.Fault)
}

// newBenchStack builds the emulator and the simulated services for one scenario.
//
// Unlike the demo's single World, the services are dealt into groups of one Sonarr,
// one Radarr and one qBittorrent, each group sharing a World of its own: a home lab
// with several *arr instances gives each its own library, and a single World shared
// by every instance would list each download once per instance. The groups' seeds
// differ, so no two groups share a download.
func newBenchStack(z benchSize, clock *benchClock) (*simStack, error) {
	dir, err := os.MkdirTemp("", "discarr-bench-")
	if err != nil {
		return nil, fmt.Errorf("make temp dir: %w", err)
	}
	s := &simStack{dir: dir}
	groups := max(z.sonarrs, z.radarrs, z.qbits, 1)
	per := z.downloads / groups
	for g := range groups {
		n := per
		if g < z.downloads%groups {
			n++
		}
		// Roughly what a home lab holds: mostly series, then films, then other torrents.
		tv, movies := n*45/100, n*35/100
		w := servicetest.NewWorld(servicetest.WorldOptions{Seed: int64(1000 + g), Clock: clock.now,
			TV: tv, Movies: movies, Torrents: n - tv - movies})
		if s.world == nil {
			s.world = w
		}
		if err := s.addGroup(g, groups, z, w); err != nil {
			return nil, s.closeWith(err)
		}
	}

	extra := map[string]string{}
	for _, svc := range s.services {
		extra[svc.name] = svc.url
	}
	s.emu = discordtest.New(discordtest.Options{Extra: extra})
	if err := s.emu.Listen("127.0.0.1:0"); err != nil {
		return nil, s.closeWith(err)
	}
	s.closers = append(s.closers, s.emu.Close)
	return s, nil
}

// addGroup starts group g's Sonarr, Radarr and qBittorrent, each only if the size has
// that many of its kind.
func (s *simStack) addGroup(g, groups int, z benchSize, w *servicetest.World) error {
	type spec struct {
		kind string
		n    int
		make func(key string) http.Handler
	}
	for _, sp := range []spec{
		{"sonarr", z.sonarrs, func(key string) http.Handler {
			return servicetest.NewSonarr(servicetest.ArrOptions{APIKey: key, World: w})
		}},
		{"radarr", z.radarrs, func(key string) http.Handler {
			return servicetest.NewRadarr(servicetest.ArrOptions{APIKey: key, World: w})
		}},
		{"qbittorrent", z.qbits, func(string) http.Handler {
			return servicetest.NewQBittorrent(servicetest.QBOptions{Username: "admin",
				Password: "bench-qbit-pass", World: w})
		}},
	} {
		if g >= sp.n {
			continue
		}
		name := fmt.Sprintf("%s_%02d", sp.kind, g+1)
		if groups >= 100 {
			name = fmt.Sprintf("%s_%03d", sp.kind, g+1)
		}
		svc := &simService{name: name, kind: sp.kind}
		if sp.kind == "qbittorrent" {
			svc.user, svc.pass = "admin", "bench-qbit-pass"
		} else {
			svc.apiKey = "bench-" + name + "-key"
		}
		svc.handler = sp.make(svc.apiKey)
		url, closeFn, err := servicetest.Listen("127.0.0.1:0", svc.handler)
		if err != nil {
			return err
		}
		svc.url = url
		s.closers = append(s.closers, closeFn)
		s.services = append(s.services, svc)
	}
	return nil
}

// hang makes every n-th service (or all with every 1) hang each request, and
// returns the names of the hung services.
func (s *simStack) hang(every int) map[string]bool {
	hung := map[string]bool{}
	if every <= 0 {
		return hung
	}
	for i, svc := range s.services {
		if i%every != 0 {
			continue
		}
		if f, ok := svc.handler.(faulter); ok {
			f.SetFault(servicetest.Fault{Mode: servicetest.FaultHang})
			hung[svc.name] = true
		}
	}
	return hung
}
