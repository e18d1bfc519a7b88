package service_test

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/asynkron/protoactor-go/actor"

	"github.com/discarr/discarr/actors/service"
	"github.com/discarr/discarr/actors/supervision"
	"github.com/discarr/discarr/messages"
)

// stuckClient's first poll waits for release and fails; later polls succeed.
type stuckClient struct {
	polls   atomic.Int32
	release chan struct{}
}

func (s *stuckClient) Poll(ctx context.Context) (messages.Snapshot, error) {
	if s.polls.Add(1) == 1 {
		select {
		case <-s.release:
		case <-ctx.Done():
		}
		return messages.Snapshot{}, errors.New("timed out")
	}
	return messages.Snapshot{}, nil
}

func (s *stuckClient) Probe(context.Context) (service.Probe, error) { return service.Probe{}, nil }

// TestPollAskedDuringAHungPollFollowsAtOnce asks for a poll while one hangs, as a
// probe does when it sees the service back: once the hung poll fails, the next
// starts at once, not after the back-off (here an hour).
func TestPollAskedDuringAHungPollFollowsAtOnce(t *testing.T) {
	t.Parallel()
	log := slog.New(slog.DiscardHandler)
	system := supervision.NewSystem(log)
	store := system.Root.Spawn(actor.PropsFromFunc(func(actor.Context) {}))
	client := &stuckClient{release: make(chan struct{})}
	pid := system.Root.Spawn(supervision.Props(log, service.NewActor(service.ActorConfig{
		Name: "sonarr", Kind: "sonarr", Client: client, Interval: time.Hour, Timeout: time.Minute,
		Store: store, Ctx: t.Context(), Log: log,
	})))
	deadline := time.Now().Add(10 * time.Second)
	for client.polls.Load() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the first poll never started")
		}
		time.Sleep(5 * time.Millisecond)
	}
	system.Root.Send(pid, messages.PollNow{})
	// PollNow is handled before the release: ServiceStatus queues behind it.
	if _, err := system.Root.RequestFuture(pid, messages.ServiceStatus{}, 5*time.Second).Result(); err != nil {
		t.Fatal(err)
	}
	close(client.release)
	for client.polls.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatal("no poll followed the hung one; the next waits for the back-off")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
