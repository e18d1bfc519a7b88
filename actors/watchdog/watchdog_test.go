package watchdog_test

import (
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/discarr/discarr/actors/watchdog"
)

// interval is short so that tests see many rounds; the pingers answer in far less.
const interval = 10 * time.Millisecond

func TestWatchdogFeedsSystemdWhileTheCoreAnswers(t *testing.T) {
	t.Parallel()
	sock, system := listenNotify(t), newSystem()
	core := []*actor.PID{spawn(system, pinger{}), spawn(system, pinger{}), spawn(system, pinger{})}
	stop := watchdog.Start(system, watchdog.Config{Core: core, Interval: interval,
		Deadline: time.Second, Notify: sock.notify})
	t.Cleanup(stop)

	for range 3 {
		if got := sock.next(t); got != "WATCHDOG=1" {
			t.Fatalf("got %q, want WATCHDOG=1 (and no STATUS= without a Status func)", got)
		}
	}
}

func TestWatchdogStarvesWhileACoreActorIsWedged(t *testing.T) {
	t.Parallel()
	sock, system, logs := listenNotify(t), newSystem(), &records{}
	store, gateway := spawn(system, pinger{}), spawn(system, pinger{})
	interactions := spawn(system, pinger{})
	var rounds atomic.Int64
	stop := watchdog.Start(system, watchdog.Config{
		Core: []*actor.PID{store, gateway, interactions}, Interval: interval,
		Deadline: 200 * time.Millisecond, Log: slog.New(logs), Notify: sock.notify,
		Status: func() string { rounds.Add(1); return "connected as discarr" },
	})
	t.Cleanup(stop)
	release := make(chan struct{})
	var once sync.Once
	unwedge := func() { once.Do(func() { close(release) }) }
	t.Cleanup(unwedge) // before stop: cleanups run last-registered first

	// Healthy: fed, and the status arrives once.
	sock.waitFor(t, "STATUS=connected as discarr")
	sock.waitFor(t, "WATCHDOG=1")

	// Wedge the gateway. Every message after the status naming it comes from a later
	// round; over three more rounds none may feed the watchdog.
	system.Root.Send(gateway, wedge{release: release})
	sock.waitFor(t, "STATUS=connected as discarr; not answering: "+gateway.GetId())
	seen := rounds.Load()
	waitUntil(t, "three rounds while wedged", func() bool { return rounds.Load() >= seen+3 })
	if got := sock.buffered(t); len(got) > 0 {
		t.Fatalf("sent %s while the gateway was wedged, want nothing", summary(got))
	}
	if n := logs.count(slog.LevelWarn, "actor", gateway.GetId()); n != 1 {
		t.Errorf("%d warnings naming the gateway over %d rounds, want 1: %q",
			n, rounds.Load()-seen+1, logs.texts())
	}
	if n := logs.count(slog.LevelWarn, "actor", ""); n != 1 {
		t.Errorf("%d warnings, want only the gateway's: %q", n, logs.texts())
	}

	// Released: fed again, the status is clean again, and the recovery is logged.
	unwedge()
	sock.waitFor(t, "WATCHDOG=1")
	sock.waitFor(t, "STATUS=connected as discarr")
	waitUntil(t, "recovery logged", func() bool {
		return logs.count(slog.LevelInfo, "silent_for", "") == 1
	})
}

func TestWatchdogStarvesWhenACoreActorCannotAnswer(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		core func(system *actor.ActorSystem) (pid *actor.PID, name string)
	}{
		{"never started", func(*actor.ActorSystem) (*actor.PID, string) {
			return nil, "core actor 1"
		}},
		{"stopped", func(system *actor.ActorSystem) (*actor.PID, string) {
			pid := spawn(system, pinger{})
			system.Root.Stop(pid) // a system message: handled before any Ping
			return pid, pid.GetId()
		}},
		{"answers something else", func(system *actor.ActorSystem) (*actor.PID, string) {
			pid := spawn(system, impostor{})
			return pid, pid.GetId()
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			sock, system := listenNotify(t), newSystem()
			bad, name := c.core(system)
			var rounds atomic.Int64
			stop := watchdog.Start(system, watchdog.Config{
				Core: []*actor.PID{spawn(system, pinger{}), bad}, Interval: interval,
				Deadline: 200 * time.Millisecond, Notify: sock.notify,
				Status: func() string { rounds.Add(1); return "" },
			})
			t.Cleanup(stop)

			before := sock.waitFor(t, "STATUS=not answering: "+name)
			seen := rounds.Load()
			waitUntil(t, "three more rounds", func() bool { return rounds.Load() >= seen+3 })
			if got := append(before, sock.buffered(t)...); len(got) > 0 {
				t.Fatalf("sent %s, want nothing but the status", summary(got))
			}
		})
	}
}

func TestStopReturnsWhileAPingIsUnanswered(t *testing.T) {
	t.Parallel()
	sock, system := listenNotify(t), newSystem()
	pinged := make(chan struct{}, 1)
	stop := watchdog.Start(system, watchdog.Config{Core: []*actor.PID{spawn(system, silent{pinged})},
		Interval: interval, Deadline: time.Hour, Notify: sock.notify})
	select {
	case <-pinged:
	case <-time.After(waitLimit):
		t.Fatalf("no ping within %s", waitLimit)
	}

	stopped := make(chan struct{})
	go func() {
		stop()
		stop() // a second call is harmless
		close(stopped)
	}()
	select {
	case <-stopped:
	case <-time.After(waitLimit):
		t.Fatalf("stop still waiting for an hour-long ping after %s", waitLimit)
	}
	if got := sock.buffered(t); len(got) > 0 {
		t.Errorf("sent %s without an answer", summary(got))
	}
}

// The tests below change the process environment, which sd_notify reads, and so
// cannot run in parallel with anything.

func TestDefaultsFollowSystemdsEnvironment(t *testing.T) {
	sock, system := listenNotify(t), newSystem()
	t.Setenv("NOTIFY_SOCKET", sock.path)
	t.Setenv("WATCHDOG_USEC", strconv.Itoa(int(2*interval/time.Microsecond)))
	t.Setenv("WATCHDOG_PID", strconv.Itoa(os.Getpid()))

	// No Interval: half of WATCHDOG_USEC. No Notify: daemon.SdNotify to NOTIFY_SOCKET.
	stop := watchdog.Start(system, watchdog.Config{Core: []*actor.PID{spawn(system, pinger{})}})
	sock.waitFor(t, "WATCHDOG=1")
	stop()
	sock.buffered(t)

	if err := watchdog.Ready(nil, "up"); err != nil {
		t.Fatal(err)
	}
	if got := sock.next(t); got != "READY=1\nSTATUS=up" {
		t.Errorf("Ready(nil) sent %q", got)
	}
}

func TestWatchdogOffWithoutWatchdogSec(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	t.Setenv("WATCHDOG_USEC", "")
	logs, system := &records{}, newSystem()
	var rounds atomic.Int64
	stop := watchdog.Start(system, watchdog.Config{Core: []*actor.PID{spawn(system, pinger{})},
		Log: slog.New(logs), Status: func() string { rounds.Add(1); return "" }})
	stop()
	if got := logs.texts(); len(got) != 1 || !strings.HasPrefix(got[0], "watchdog off") {
		t.Errorf("logged %q, want that the watchdog is off", got)
	}
	if rounds.Load() != 0 {
		t.Errorf("%d rounds with the watchdog off", rounds.Load())
	}
	// Outside systemd the notifications do nothing and report no error.
	errs := []error{watchdog.Ready(nil, "up"), watchdog.Reloading(nil), watchdog.Stopping(nil)}
	for _, err := range errs {
		if err != nil {
			t.Errorf("without NOTIFY_SOCKET: %v", err)
		}
	}
}
