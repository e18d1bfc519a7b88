package supervision

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"
)

func TestBackoffDelayDoublesUpToMax(t *testing.T) {
	t.Parallel()
	b := &Backoff{Initial: 500 * time.Millisecond, Max: 30 * time.Second}
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second,
		8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second}
	for i, w := range want {
		if got := b.delay(i + 1); got != w {
			t.Errorf("crash %d: delay %s, want %s", i+1, got, w)
		}
	}
}

// crasher panics on every string it gets and counts its starts.
type crasher struct{ starts chan<- struct{} }

func (c *crasher) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
		c.starts <- struct{}{}
	case string:
		panic(m)
	}
}

// syncBuffer is a log destination safe for the actors' goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestCrashingChildIsRestartedThenGivenUp crashes a child again and again: it is
// restarted (each crash logged with its stack) until it crashed more than Limit
// times, then stopped, and OnGiveUp is told why.
func TestCrashingChildIsRestartedThenGivenUp(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, nil))
	system := NewSystem(log)
	gaveUp := make(chan any, 1)
	strategy := &Backoff{Initial: time.Millisecond, Max: 4 * time.Millisecond, Window: time.Minute, Limit: 3,
		GiveUp: func(*actor.PID) bool { return true }, Log: log,
		OnGiveUp: func(_ *actor.PID, reason any) { gaveUp <- reason }}
	starts := make(chan struct{}, 16)
	child := make(chan *actor.PID, 1)
	parent := actor.PropsFromFunc(func(c actor.Context) {
		if _, ok := c.Message().(*actor.Started); ok {
			child <- c.Spawn(Props(log, func() actor.Actor { return &crasher{starts: starts} }))
		}
	}, actor.WithSupervisor(strategy))
	system.Root.Spawn(parent)
	pid := <-child
	deadline := time.After(30 * time.Second)
	for crash := 1; crash <= 4; crash++ {
		select {
		case <-starts:
		case <-deadline:
			t.Fatalf("the child did not start before crash %d", crash)
		}
		system.Root.Send(pid, "boom")
	}
	select {
	case reason := <-gaveUp:
		if reason != "boom" {
			t.Fatalf("OnGiveUp was told %v, want the panic's value", reason)
		}
	case <-deadline:
		t.Fatal("the strategy never gave up on a child that crashed 4 times")
	}
	if n := strings.Count(logs.String(), "actor crashed; its supervisor restarts it"); n != 4 {
		t.Fatalf("%d crash lines, want 4:\n%s", n, logs)
	}
	if !strings.Contains(logs.String(), "supervision.(*crasher).Receive") {
		t.Fatalf("the crash lines carry no stack:\n%s", logs)
	}
	if n := strings.Count(logs.String(), "restarting actor"); n != 3 {
		t.Fatalf("%d restarts logged, want 3:\n%s", n, logs)
	}
}

// TestGoCarriesAPanicBack runs background work that panics: the actor gets a
// Crashed with the value and the stack, and the process lives.
func TestGoCarriesAPanicBack(t *testing.T) {
	t.Parallel()
	system := actor.NewActorSystem()
	got := make(chan any, 2)
	pid := system.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		switch m := c.Message().(type) {
		case Crashed, int:
			got <- m
		}
	}))
	Go(system, pid, func() any { return 42 })
	Go(system, pid, func() any { panic("disk on fire") })
	var crashed *Crashed
	for range 2 {
		select {
		case m := <-got:
			if c, ok := m.(Crashed); ok {
				crashed = &c
			}
		case <-time.After(30 * time.Second):
			t.Fatal("background work never answered")
		}
	}
	if crashed == nil || crashed.Value != "disk on fire" || !strings.Contains(crashed.String(), "supervision_test.go") {
		t.Fatalf("got %+v, want the panic's value and a stack through the work", crashed)
	}
}
