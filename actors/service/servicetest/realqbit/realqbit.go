// Package realqbit runs real qbittorrent-nox daemons (Debian's 4.5.2, WebAPI
// 2.8.19) on 127.0.0.1 for end-to-end tests and the demo: one daemon with a
// known WebUI login, or a two-daemon swarm in which a leecher downloads a
// generated torrent from a seeder at a limited rate, so that a download's
// progress can be watched as it moves.
//
// Every daemon gets its own profile directory, listens on loopback only, has
// DHT, LSD, PeX and port forwarding off, and never bans a client for failed
// logins. Daemons die with the process that started them.
package realqbit

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"testing"
)

// Programs the harness runs.
const (
	qbittorrentBin = "qbittorrent-nox"
	mktorrentBin   = "mktorrent"
)

// Available reports whether qbittorrent-nox and mktorrent are installed; the
// error names what is missing and the Debian packages that bring it.
func Available() error {
	var missing []error
	for _, bin := range []string{qbittorrentBin, mktorrentBin} {
		if _, err := exec.LookPath(bin); err != nil {
			missing = append(missing, fmt.Errorf("%s not installed (apt-get install %s): %w", bin, bin, err))
		}
	}
	return errors.Join(missing...)
}

// Require skips t when Available reports a missing program, saying which; with
// CI=true in the environment it fails t instead, because CI must run it.
func Require(t testing.TB) {
	t.Helper()
	err := Available()
	if err == nil {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("real qBittorrent required under CI=true: %v", err)
	}
	t.Skipf("real qBittorrent unavailable: %v", err)
}

// Options configures one daemon.
type Options struct {
	// Username is the WebUI user; empty means "admin".
	Username string
	// Password is the WebUI password. Empty turns authentication off for
	// clients on 127.0.0.1 (WebUI\LocalHostAuth=false), which is all of them.
	Password string
	// DownloadLimit is the global download limit in bytes per second (stored
	// rounded up to whole KiB/s); 0 means unlimited.
	DownloadLimit int64
	// Dir holds the profile, the downloads and the logs. Empty means a new
	// temporary directory that Close removes; a given Dir is kept.
	Dir string
	// Logger receives start and stop events; nil discards them.
	Logger *slog.Logger
}

// logger returns the configured logger or one that discards.
func (o Options) logger() *slog.Logger {
	if o.Logger != nil {
		return o.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// username returns the configured WebUI user or qBittorrent's default.
func (o Options) username() string {
	if o.Username != "" {
		return o.Username
	}
	return "admin"
}
