package realqbit_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/service/servicetest/realqbit"
)

// Polling of the leecher while it downloads.
const (
	downloadDeadline = 120 * time.Second
	downloadTick     = 500 * time.Millisecond
)

func TestSwarmDownloadsFromSeeder(t *testing.T) {
	t.Parallel()
	realqbit.Require(t)
	ctx, cancel := context.WithTimeout(t.Context(), 4*time.Minute)
	defer cancel()

	began := time.Now()
	s, err := realqbit.StartSwarm(ctx, realqbit.SwarmOptions{Username: "tester", Password: "swarm pass"})
	if err != nil {
		t.Fatalf("StartSwarm: %v", err)
	}
	defer func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	}()
	setup := time.Since(began)
	if s.Size != realqbit.DefaultSwarmSize || len(s.Hash) != 40 {
		t.Fatalf("swarm size %d hash %q, want %d bytes and a 40-digit hash",
			s.Size, s.Hash, realqbit.DefaultSwarmSize)
	}

	firstByte, done := watchDownload(t, ctx, s)
	t.Logf("setup %s, first progress after %s, complete after %s (%d bytes at %d B/s limit)",
		setup.Round(time.Millisecond), firstByte.Round(time.Millisecond),
		done.Round(time.Millisecond), s.Size, realqbit.DefaultLeecherLimit)

	if !sameContent(t, s.PayloadPath, filepath.Join(s.Leecher.SavePath, s.Name)) {
		t.Error("leecher's copy differs from the seeder's payload")
	}
}

// watchDownload polls the leecher until its torrent is complete, checking
// that progress was seen between 0 and 1 on the way, and returns how long it
// took to show partial progress and to finish.
func watchDownload(t *testing.T, ctx context.Context, s *realqbit.Swarm) (firstByte, done time.Duration) {
	t.Helper()
	start := time.Now()
	deadline := time.NewTimer(downloadDeadline)
	defer deadline.Stop()
	tick := time.NewTicker(downloadTick)
	defer tick.Stop()
	var last realqbit.Torrent
	partial := false
	for {
		tor, ok, err := s.Leecher.Torrent(ctx, s.Hash)
		if err != nil {
			t.Fatalf("leecher torrent: %v", err)
		}
		if !ok {
			t.Fatalf("leecher no longer lists %s", s.Hash)
		}
		last = tor
		if tor.Progress > 0 && tor.Progress < 1 && !partial {
			partial, firstByte = true, time.Since(start)
		}
		if tor.Progress >= 1 {
			if !partial {
				t.Error("progress went from 0 to 1 between two polls: no partial progress seen")
			}
			return firstByte, time.Since(start)
		}
		select {
		case <-deadline.C:
			t.Fatalf("leecher not complete after %s: state %s progress %.3f seeds %d",
				downloadDeadline, last.State, last.Progress, last.NumSeeds)
		case <-tick.C:
		}
	}
}

// sameContent reports whether two files have equal SHA-256 sums.
func sameContent(t *testing.T, a, b string) bool {
	t.Helper()
	return bytes.Equal(fileSum(t, a), fileSum(t, b))
}

// fileSum returns the SHA-256 of the file at path.
func fileSum(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }() // opened read-only
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		t.Fatal(err)
	}
	return h.Sum(nil)
}
