package store_test

import (
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/store"
	"github.com/discarr/discarr/actors/supervision"
	"github.com/discarr/discarr/messages"
)

func TestStoreAnswersAtOnceAndCatchesUpWithEverySnapshot(t *testing.T) {
	t.Parallel()
	system := supervision.NewSystem(slog.New(slog.DiscardHandler))
	pid := system.Root.Spawn(supervision.Props(slog.New(slog.DiscardHandler), store.New()))
	ask := func(q any) any {
		t.Helper()
		res, err := system.Root.RequestFuture(pid, q, 5*time.Second).Result()
		if err != nil {
			t.Fatalf("ask %T: %v", q, err)
		}
		return res
	}

	system.Root.Send(pid, messages.ServicesChanged{Services: map[string]string{"qbit": "qbittorrent"}})
	if b := ask(messages.QueryDownloads{}).(messages.DownloadsBoard); len(b.Downloads) != 0 {
		t.Fatalf("board before any poll has %d downloads", len(b.Downloads))
	}
	for n := 1; n <= 50; n++ {
		ds := make([]messages.Download, n)
		for i := range ds {
			ds[i] = messages.Download{Key: fmt.Sprintf("qbit:%d", i), Service: "qbit", Kind: "qbittorrent",
				Title: fmt.Sprint(i), State: messages.StateDownloading}
		}
		system.Root.Send(pid, messages.Snapshot{Service: "qbit", Kind: "qbittorrent", At: time.Now(),
			Downloads: ds, Total: n})
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		b := ask(messages.QueryDownloads{}).(messages.DownloadsBoard)
		if len(b.Downloads) == 50 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the board never caught up with the last snapshot: %d downloads", len(b.Downloads))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, ok := ask(messages.Ping{}).(messages.Pong); !ok {
		t.Fatal("store does not answer Ping")
	}
}

// TestServiceGivenUpBeforeItsFirstPollShowsFailing: a service the supervisor gave
// up on before it ever answered is not left "waiting" on the downloads board.
func TestServiceGivenUpBeforeItsFirstPollShowsFailing(t *testing.T) {
	t.Parallel()
	system := supervision.NewSystem(slog.New(slog.DiscardHandler))
	pid := system.Root.Spawn(supervision.Props(slog.New(slog.DiscardHandler), store.New()))
	system.Root.Send(pid, messages.ServicesChanged{Services: map[string]string{"sonarr": "sonarr"}})
	system.Root.Send(pid, messages.ServiceFailed{Service: "sonarr", Kind: "sonarr",
		Reason: "discarr gave up on this service after repeated crashes", At: time.Now()})
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := system.Root.RequestFuture(pid, messages.QueryDownloads{}, 5*time.Second).Result()
		if err != nil {
			t.Fatal(err)
		}
		b := res.(messages.DownloadsBoard)
		if len(b.Services) == 1 && b.Services[0].Err != "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the board still shows sonarr as never polled: %+v", b.Services)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
