package realqbit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"time"
)

// Timings of a daemon's life.
const (
	startTimeout = 90 * time.Second // cap on Start when ctx has no earlier deadline
	startTick    = 100 * time.Millisecond
	stopGrace    = 15 * time.Second // SIGTERM to SIGKILL
	startTries   = 3                // attempts when a port was taken meanwhile
)

// Daemon is one running qbittorrent-nox.
type Daemon struct {
	// URL is the WebUI base, http://127.0.0.1:<port>, without a trailing slash.
	URL string
	// SessionPort is the BitTorrent listen port (TCP and uTP) on 127.0.0.1.
	SessionPort int
	// Username and Password are the WebUI login; Password is empty when
	// authentication is off for 127.0.0.1.
	Username, Password string
	// Dir is Options.Dir or the temporary directory Start made. Profile,
	// SavePath and OutputPath sit in its subdirectory tryN, N counting the
	// attempts a start needed (see Start).
	Dir string
	// Profile is the directory passed as --profile.
	Profile string
	// SavePath is the default save path of new torrents.
	SavePath string
	// OutputPath is the file receiving the process's stdout and stderr.
	OutputPath string

	log     *slog.Logger
	cmd     *exec.Cmd
	exited  chan struct{} // closed when the process has been reaped
	waitErr error         // set before exited is closed
	tempDir bool          // Close removes Dir

	clientMu  sync.Mutex
	client    *http.Client // logged-in client for the harness's own calls
	closeOnce sync.Once
	closeErr  error
}

// errPortTaken marks a start that lost one of its ports to another process.
var errPortTaken = errors.New("port taken by another process")

// Start runs a qbittorrent-nox with opts and returns once its WebUI answers
// as this daemon and its session listens on SessionPort. When another
// process took one of the chosen ports first, Start tries again with new
// ones, up to three attempts. The process outlives ctx; only Close (or the
// death of this process) stops it.
func Start(ctx context.Context, opts Options) (*Daemon, error) {
	ctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()

	dir, temp := opts.Dir, opts.Dir == ""
	if temp {
		d, err := os.MkdirTemp("", "realqbit-*")
		if err != nil {
			return nil, fmt.Errorf("start qbittorrent-nox: create dir: %w", err)
		}
		dir = d
	}

	var errs []error
	for try := range startTries {
		d, err := startOnce(ctx, opts, filepath.Join(dir, "try"+strconv.Itoa(try)))
		if err == nil {
			d.Dir, d.tempDir = dir, temp
			return d, nil
		}
		errs = append(errs, err)
		if !errors.Is(err, errPortTaken) {
			break
		}
	}
	if temp {
		_ = os.RemoveAll(dir) // best effort: the start error is the one to report
	}
	return nil, fmt.Errorf("start qbittorrent-nox: %w", errors.Join(errs...))
}

// startOnce makes one attempt at Start in its own directory.
func startOnce(ctx context.Context, opts Options, dir string) (*Daemon, error) {
	webPort, err := freePort(false)
	if err != nil {
		return nil, err
	}
	sessionPort, err := freePort(true)
	if err != nil {
		return nil, err
	}
	d := &Daemon{
		URL:         "http://127.0.0.1:" + strconv.Itoa(webPort),
		SessionPort: sessionPort,
		Username:    opts.username(),
		Password:    opts.Password,
		Profile:     filepath.Join(dir, "profile"),
		SavePath:    filepath.Join(dir, "downloads"),
		OutputPath:  filepath.Join(dir, "qbittorrent-nox.out"),
		log:         opts.logger(),
	}
	conf := profileConf{
		webPort:       webPort,
		sessionPort:   sessionPort,
		username:      d.Username,
		password:      d.Password,
		downloadLimit: opts.DownloadLimit,
		savePath:      d.SavePath,
	}
	if err := os.MkdirAll(d.SavePath, 0o700); err != nil {
		return nil, fmt.Errorf("create save path: %w", err)
	}
	if err := conf.write(d.Profile); err != nil {
		return nil, err
	}
	if err := d.spawn(dir); err != nil {
		return nil, err
	}
	if err := d.awaitReady(ctx); err != nil {
		return nil, errors.Join(err, d.stop())
	}
	d.log.Info("qbittorrent-nox started", "url", d.URL, "session_port", d.SessionPort,
		"pid", d.cmd.Process.Pid, "dir", dir)
	return d, nil
}

// Close stops the daemon, first with SIGTERM and after a grace period with
// SIGKILL, and removes its directory when Start created it. It is safe to
// call more than once.
func (d *Daemon) Close() error {
	d.closeOnce.Do(func() {
		d.closeErr = d.stop()
		if d.tempDir {
			if err := os.RemoveAll(d.Dir); err != nil {
				d.closeErr = errors.Join(d.closeErr, fmt.Errorf("remove %s: %w", d.Dir, err))
			}
		}
		d.log.Info("qbittorrent-nox stopped", "url", d.URL)
	})
	return d.closeErr
}

// PID is the daemon's process id.
func (d *Daemon) PID() int { return d.cmd.Process.Pid }

// Exited is closed once the daemon's process has ended, for whatever reason.
func (d *Daemon) Exited() <-chan struct{} { return d.exited }
