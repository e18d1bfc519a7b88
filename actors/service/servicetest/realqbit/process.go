package realqbit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// tailLines is how many lines of a daemon's output go into an error.
const tailLines = 15

// spawn starts the process with its output in d.OutputPath. The child gets
// SIGKILL when the thread that started it dies, so a killed test binary
// leaves no daemon behind; its own process group lets Close signal it alone.
func (d *Daemon) spawn(dir string) error {
	out, err := os.Create(d.OutputPath)
	if err != nil {
		return fmt.Errorf("create output file: %w", err)
	}
	defer func() { _ = out.Close() }() // the child holds its own copy; this one is never written

	home := filepath.Join(dir, "home")
	cmd := exec.Command(qbittorrentBin, "--profile="+d.Profile)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Env = append(os.Environ(),
		"HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"),
	)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("run %s: %w", qbittorrentBin, err)
	}

	d.cmd = cmd
	d.exited = make(chan struct{})
	go func() {
		d.waitErr = cmd.Wait()
		close(d.exited)
	}()
	return nil
}

// stop ends the process group: SIGTERM, then SIGKILL after stopGrace.
func (d *Daemon) stop() error {
	if d.cmd == nil {
		return nil
	}
	pgid := d.cmd.Process.Pid
	select {
	case <-d.exited:
		return nil
	default:
	}
	if err := syscall.Kill(-pgid, syscall.SIGTERM); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("stop qbittorrent-nox: %w", err)
	}
	timer := time.NewTimer(stopGrace)
	defer timer.Stop()
	select {
	case <-d.exited:
		return nil
	case <-timer.C:
	}
	if err := syscall.Kill(-pgid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("kill qbittorrent-nox: %w", err)
	}
	<-d.exited
	return fmt.Errorf("stop qbittorrent-nox: killed after %s without exiting on SIGTERM", stopGrace)
}

// awaitReady polls until the WebUI answers as this daemon and the session
// listens, or the process exits, or ctx ends.
func (d *Daemon) awaitReady(ctx context.Context) error {
	tick := time.NewTicker(startTick)
	defer tick.Stop()
	var last error
	for {
		last = d.checkReady(ctx)
		if last == nil || errors.Is(last, errPortTaken) {
			return d.withTail(last)
		}
		select {
		case <-d.exited:
			return d.withTail(fmt.Errorf("qbittorrent-nox exited during start (%v): %w", d.waitErr, last))
		case <-ctx.Done():
			return d.withTail(fmt.Errorf("wait for WebUI at %s: %w (last: %w)", d.URL, ctx.Err(), last))
		case <-tick.C:
		}
	}
}

// checkReady makes one readiness check. It returns errPortTaken when the
// daemon's log says it found a port taken or when another daemon
// answers on our WebUI port.
func (d *Daemon) checkReady(ctx context.Context) error {
	log := d.readLog()
	if strings.Contains(log, "Web UI: Unable to bind") {
		return fmt.Errorf("WebUI port of %s: %w", d.URL, errPortTaken)
	}
	if strings.Contains(log, "Failed to listen on IP") {
		return fmt.Errorf("session port %d: %w", d.SessionPort, errPortTaken)
	}

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.URL+"/api/v2/app/webapiVersion", nil)
	if err != nil {
		return fmt.Errorf("probe WebUI: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("probe WebUI: %w", err)
	}
	resp.Body.Close()

	// The WebUI answers; prove it is ours and that the session is listening.
	prefs, err := d.preferences(ctx)
	if err != nil {
		return err
	}
	if prefs.SavePath != d.SavePath+"/" && prefs.SavePath != d.SavePath {
		return fmt.Errorf("WebUI at %s serves save path %q: %w", d.URL, prefs.SavePath, errPortTaken)
	}
	listening := fmt.Sprintf(`Successfully listening on IP. IP: "127.0.0.1". Port: "TCP/%d"`, d.SessionPort)
	if !strings.Contains(log, listening) {
		return fmt.Errorf("session not yet listening on 127.0.0.1:%d", d.SessionPort)
	}
	return nil
}

// logPath is the daemon's own log file inside its profile.
func (d *Daemon) logPath() string {
	return filepath.Join(d.Profile, "qBittorrent", "data", "logs", "qbittorrent.log")
}

// readLog returns the daemon's own log file, or "" while it does not exist.
func (d *Daemon) readLog() string {
	b, err := os.ReadFile(d.logPath())
	if err != nil {
		return ""
	}
	return string(b)
}

// withTail adds the last lines of the process output and of the daemon's
// log to err, so that a failed start explains itself.
func (d *Daemon) withTail(err error) error {
	if err == nil {
		return nil
	}
	out, _ := os.ReadFile(d.OutputPath)
	return fmt.Errorf("%w\n--- %s (last lines) ---\n%s\n--- %s (last lines) ---\n%s",
		err, d.OutputPath, lastLines(out, tailLines), d.logPath(), lastLines([]byte(d.readLog()), tailLines))
}

// lastLines returns at most n trailing lines of b.
func lastLines(b []byte, n int) string {
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}
