package realqbit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// Swarm defaults.
const (
	DefaultSwarmSize    = 50 << 20 // bytes
	DefaultLeecherLimit = 2 << 20  // bytes per second
	swarmTick           = 250 * time.Millisecond
	peerRetry           = 5 * time.Second // re-add the seeder when no connection after this long
	swarmStartTimeout   = 3 * time.Minute // cap on StartSwarm when ctx has no earlier deadline
)

// SwarmOptions configures StartSwarm.
type SwarmOptions struct {
	// Size of the generated payload in bytes; 0 means DefaultSwarmSize.
	Size int64
	// LeecherLimit is the leecher's download limit in bytes per second; 0
	// means DefaultLeecherLimit and a negative value means unlimited.
	LeecherLimit int64
	// Username and Password are the WebUI login of both daemons (see Options).
	Username, Password string
	// Dir holds the payload, the .torrent and both daemons; empty means a
	// temporary directory that Close removes.
	Dir string
	// Logger receives start and stop events; nil discards them.
	Logger *slog.Logger
}

// Swarm is a seeder daemon holding a generated single-file torrent and a
// leecher daemon downloading it from the seeder over 127.0.0.1. The torrent
// has no tracker: the leecher knows the seeder only through addPeers.
type Swarm struct {
	// Seeder and Leecher are the two daemons.
	Seeder, Leecher *Daemon
	// Hash is the torrent's lower-case hex info hash.
	Hash string
	// Name is the torrent's name, which is also the payload's file name.
	Name string
	// Size is the payload's size in bytes.
	Size int64
	// TorrentPath is the generated .torrent file.
	TorrentPath string
	// PayloadPath is the seeder's copy of the content; the leecher writes
	// its copy to filepath.Join(Leecher.SavePath, Name).
	PayloadPath string
	// Dir holds everything the swarm made.
	Dir string

	tempDir   bool
	closeOnce sync.Once
	closeErr  error
}

// StartSwarm generates a random payload, makes a tracker-less torrent of it,
// starts a seeder that serves it without hashing it again and a leecher with
// the download limit, adds the torrent to the leecher and points it at the
// seeder. It returns once the leecher lists the torrent and is connected to
// the seeder, so the download is under way.
func StartSwarm(ctx context.Context, opts SwarmOptions) (*Swarm, error) {
	ctx, cancel := context.WithTimeout(ctx, swarmStartTimeout)
	defer cancel()
	s, err := newSwarm(opts)
	if err != nil {
		return nil, err
	}
	if err := s.start(ctx, opts); err != nil {
		return nil, errors.Join(fmt.Errorf("start swarm: %w", err), s.Close())
	}
	return s, nil
}

// newSwarm fills in defaults and creates the swarm's directory.
func newSwarm(opts SwarmOptions) (*Swarm, error) {
	size := opts.Size
	if size <= 0 {
		size = DefaultSwarmSize
	}
	var tag [4]byte
	if _, err := rand.Read(tag[:]); err != nil {
		return nil, fmt.Errorf("start swarm: %w", err)
	}
	s := &Swarm{Name: "realqbit-" + hex.EncodeToString(tag[:]) + ".bin", Size: size, Dir: opts.Dir}
	if s.Dir == "" {
		dir, err := os.MkdirTemp("", "realqbit-swarm-*")
		if err != nil {
			return nil, fmt.Errorf("start swarm: create dir: %w", err)
		}
		s.Dir, s.tempDir = dir, true
	}
	s.TorrentPath = filepath.Join(s.Dir, s.Name+".torrent")
	s.PayloadPath = filepath.Join(s.Dir, "payload", s.Name)
	return s, nil
}

// start runs the steps of StartSwarm; on error the caller closes s.
func (s *Swarm) start(ctx context.Context, opts SwarmOptions) error {
	limit := opts.LeecherLimit
	switch {
	case limit == 0:
		limit = DefaultLeecherLimit
	case limit < 0:
		limit = 0
	}
	daemonOpts := func(role string, limit int64) Options {
		return Options{Username: opts.Username, Password: opts.Password, DownloadLimit: limit,
			Dir: filepath.Join(s.Dir, role), Logger: opts.Logger}
	}

	// The daemons start while the payload is written and hashed.
	var wg sync.WaitGroup
	var seedErr, leechErr error
	wg.Go(func() { s.Seeder, seedErr = Start(ctx, daemonOpts("seeder", 0)) })
	wg.Go(func() { s.Leecher, leechErr = Start(ctx, daemonOpts("leecher", limit)) })
	payloadDir := filepath.Dir(s.PayloadPath)
	metaErr := s.makeMetainfo(ctx)
	wg.Wait()
	if err := errors.Join(metaErr, seedErr, leechErr); err != nil {
		return err
	}

	if err := s.Seeder.AddTorrentFile(ctx, s.TorrentPath,
		AddOptions{SavePath: payloadDir, SkipChecking: true}); err != nil {
		return err
	}
	if err := s.awaitSeeding(ctx); err != nil {
		return err
	}
	if err := s.Leecher.AddTorrentFile(ctx, s.TorrentPath, AddOptions{}); err != nil {
		return err
	}
	return s.awaitConnected(ctx)
}

// makeMetainfo writes the payload, makes the .torrent and reads its info hash.
func (s *Swarm) makeMetainfo(ctx context.Context) error {
	if err := os.MkdirAll(filepath.Dir(s.PayloadPath), 0o700); err != nil {
		return fmt.Errorf("create payload dir: %w", err)
	}
	if err := writePayload(s.PayloadPath, s.Size); err != nil {
		return err
	}
	if err := makeTorrent(ctx, s.PayloadPath, s.TorrentPath, s.Size); err != nil {
		return err
	}
	hash, err := infoHashFile(s.TorrentPath)
	s.Hash = hash
	return err
}

// awaitSeeding waits until the seeder has the whole torrent.
func (s *Swarm) awaitSeeding(ctx context.Context) error {
	return poll(ctx, "seeder to seed "+s.Hash, func() (bool, error) {
		t, ok, err := s.Seeder.Torrent(ctx, s.Hash)
		return ok && t.Progress >= 1, err
	})
}

// awaitConnected waits until the leecher lists the torrent and is connected
// to the seeder, naming the seeder again every peerRetry while it is not.
func (s *Swarm) awaitConnected(ctx context.Context) error {
	var added time.Time
	return poll(ctx, "leecher to connect to the seeder", func() (bool, error) {
		t, ok, err := s.Leecher.Torrent(ctx, s.Hash)
		if err != nil || !ok {
			return false, err
		}
		if t.NumSeeds > 0 || t.Progress > 0 {
			return true, nil
		}
		if time.Since(added) >= peerRetry {
			added = time.Now()
			return false, s.Connect(ctx)
		}
		return false, nil
	})
}

// Connect names the seeder to the leecher as a peer of the torrent; the
// leecher has no other way to find it.
func (s *Swarm) Connect(ctx context.Context) error {
	return s.Leecher.AddPeers(ctx, s.Hash, "127.0.0.1:"+strconv.Itoa(s.Seeder.SessionPort))
}

// Close stops both daemons and removes the swarm's directory when
// StartSwarm created it. It is safe to call more than once.
func (s *Swarm) Close() error {
	s.closeOnce.Do(func() {
		var wg sync.WaitGroup
		var seedErr, leechErr error
		if s.Seeder != nil {
			wg.Go(func() { seedErr = s.Seeder.Close() })
		}
		if s.Leecher != nil {
			wg.Go(func() { leechErr = s.Leecher.Close() })
		}
		wg.Wait()
		s.closeErr = errors.Join(seedErr, leechErr)
		if s.tempDir {
			if err := os.RemoveAll(s.Dir); err != nil {
				s.closeErr = errors.Join(s.closeErr, fmt.Errorf("remove %s: %w", s.Dir, err))
			}
		}
	})
	return s.closeErr
}

// poll calls cond every swarmTick until it reports done, returns an error,
// or ctx ends.
func poll(ctx context.Context, what string, cond func() (bool, error)) error {
	tick := time.NewTicker(swarmTick)
	defer tick.Stop()
	for {
		done, err := cond()
		if err != nil {
			return fmt.Errorf("wait for %s: %w", what, err)
		}
		if done {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for %s: %w", what, ctx.Err())
		case <-tick.C:
		}
	}
}
