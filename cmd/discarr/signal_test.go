package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/discord/discordtest"
	"github.com/discarr/discarr/actors/service/servicetest"
)

// stopBound is how long discarr may take from SIGTERM to exit, whatever its
// backends do: systemd's stop timeout is longer, but a stop must never get near it.
const stopBound = 5 * time.Second

// startupBound is a generous wait for discarr to connect and post its boards.
const startupBound = 30 * time.Second

// binary is the discarr built once for the tests that run it as a process.
var binary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// TestMain removes the binary the process tests built.
func TestMain(m *testing.M) {
	code := m.Run()
	if binary.dir != "" {
		_ = os.RemoveAll(binary.dir)
	}
	os.Exit(code)
}

// daemon builds discarr once for all the tests that run it.
func daemon(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		skipOrFail(t, "no go command on the PATH to build discarr with")
	}
	binary.once.Do(func() {
		binary.dir, binary.err = os.MkdirTemp("", "discarr-bin-")
		if binary.err != nil {
			return
		}
		binary.path = filepath.Join(binary.dir, "discarr")
		out, err := exec.Command("go", "build", "-o", binary.path, ".").CombinedOutput()
		if err != nil {
			binary.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

// syncBuffer collects a process's stderr for the test to read while it runs.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// proc is one running discarr.
type proc struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	done   chan struct{} // closed when the process was waited for
	err    error         // Wait's error, set before done is closed
}

// childEnv is the test's environment without anything that would make the child
// believe it runs under systemd, or configure it behind the test's back.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "DISCARR_"), strings.HasPrefix(name, "WATCHDOG_"),
			strings.HasPrefix(name, "LISTEN_"), name == "NOTIFY_SOCKET", name == "JOURNAL_STREAM",
			name == "STATE_DIRECTORY", name == "CREDENTIALS_DIRECTORY":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// startDaemon runs `discarr run` with the configuration at path. The process is
// killed when the test ends, if it is still running.
func startDaemon(t *testing.T, path string) *proc {
	t.Helper()
	p := &proc{stderr: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(daemon(t), "run", "--config", path)
	p.cmd.Env = childEnv()
	p.cmd.Stdout, p.cmd.Stderr = io.Discard, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
			t.Logf("discarr was still running; killed. Its log:\n%s", p.stderr.String())
		}
	})
	return p
}

// exitCode waits up to d for the process to end and returns its exit status.
func (p *proc) exitCode(t *testing.T, d time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(d):
		t.Fatalf("discarr still running after %s; log:\n%s", d, p.stderr.String())
	}
	var ee *exec.ExitError
	if errors.As(p.err, &ee) {
		return ee.ExitCode()
	}
	if p.err != nil {
		t.Fatalf("wait for discarr: %v", p.err)
	}
	return 0
}

// waitUntil polls cond every 20 ms until it holds, failing the test after d.
func waitUntil(t *testing.T, d time.Duration, what string, p *proc, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		select {
		case <-p.done:
			t.Fatalf("discarr exited while waiting for %s; log:\n%s", what, p.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s; log:\n%s", d, what, p.stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// bothBoards reports whether the channel shows a downloads and a health board.
func bothBoards(emu *discordtest.Emulator) bool {
	var downloads, health bool
	for _, m := range emu.Messages(emu.Info().ChannelID) {
		if len(m.Embeds) == 0 {
			continue
		}
		downloads = downloads || strings.HasPrefix(m.Embeds[0].Title, "Downloads")
		health = health || strings.HasPrefix(m.Embeds[0].Title, "Health")
	}
	return downloads && health
}

// freeAddr returns a 127.0.0.1 address that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// httpGet fetches a URL and returns the status and the body; status 0 on no answer.
func httpGet(url string) (int, string) {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestSIGTERMStopsPromptlyWhileEveryServiceHangs runs the real binary against
// services that never answer, waits for both boards, and proves that SIGTERM ends
// it with status 0 within stopBound. While it runs, /healthz says ok (a hung
// service is not a sick discarr) and /metrics serves discarr's series.
func TestSIGTERMStopsPromptlyWhileEveryServiceHangs(t *testing.T) {
	t.Parallel()
	s := newTestStack(t)
	sims := []interface {
		SetFault(servicetest.Fault)
		InFlight() int
	}{s.sonarr, s.radarr, s.qbit}
	for _, sim := range sims {
		sim.SetFault(servicetest.Fault{Mode: servicetest.FaultHang})
	}
	addr := freeAddr(t)
	cfg := s.cfg
	cfg.interval, cfg.timeout = "1m", "1m" // the calls still hang when the signal comes
	cfg.extra = "metrics: { listen: " + strconv.Quote(addr) + " }\nlog: { format: json }\n"
	p := startDaemon(t, cfg.write(t))

	waitUntil(t, startupBound, "both boards", p, func() bool { return bothBoards(s.emu) })
	waitUntil(t, startupBound, "/healthz ok", p, func() bool {
		status, body := httpGet("http://" + addr + "/healthz")
		return status == http.StatusOK && body == "ok"
	})
	if status, body := httpGet("http://" + addr + "/metrics"); status != http.StatusOK ||
		!strings.Contains(body, `discarr_service_health{kind="sonarr",service="sonarr"`) {
		t.Errorf("/metrics: %d, without sonarr's health:\n%s", status, body)
	}

	waitUntil(t, startupBound, "a hanging call to every service", p, func() bool {
		for _, sim := range sims {
			if sim.InFlight() == 0 {
				return false
			}
		}
		return true
	})

	sent := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	code := p.exitCode(t, 2*startupBound)
	took := time.Since(sent)
	t.Logf("exit %d %s after SIGTERM", code, took.Round(time.Millisecond))
	if code != exitOK {
		t.Errorf("exit %d after SIGTERM, want %d; log:\n%s", code, exitOK, p.stderr.String())
	}
	if took > stopBound {
		t.Errorf("stopping took %s, more than %s; log:\n%s", took, stopBound, p.stderr.String())
	}
	for _, want := range []string{`"msg":"stopping","signal":"terminated"`, `"msg":"stopped"`} {
		if !strings.Contains(p.stderr.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, p.stderr.String())
		}
	}
	// The calls that stopping cut short are not reported as services going down.
	_, after, _ := strings.Cut(p.stderr.String(), `"msg":"stopping"`)
	if strings.Contains(after, "service is down") {
		t.Errorf("stopping made services look down:\n%s", after)
	}
}

// TestSecondInstanceExitsFourNamingTheFirst proves a second discarr on the same
// state directory refuses to start with status 4 and names the first one's PID,
// leaving the first running.
func TestSecondInstanceExitsFourNamingTheFirst(t *testing.T) {
	t.Parallel()
	s := newTestStack(t)
	path := s.cfg.write(t)
	first := startDaemon(t, path)
	lock := filepath.Join(s.cfg.stateDir, "discarr.lock")
	pid := strconv.Itoa(first.cmd.Process.Pid)
	waitUntil(t, startupBound, "the first discarr's lock", first, func() bool {
		raw, err := os.ReadFile(lock)
		return err == nil && strings.TrimSpace(string(raw)) == pid
	})

	second := startDaemon(t, path)
	if code := second.exitCode(t, startupBound); code != exitAlreadyRuning {
		t.Errorf("second discarr: exit %d, want %d", code, exitAlreadyRuning)
	}
	if log := second.stderr.String(); !strings.Contains(log, "pid "+pid) {
		t.Errorf("second discarr's log does not name pid %s:\n%s", pid, log)
	}
	select {
	case <-first.done:
		t.Fatalf("the first discarr exited too; log:\n%s", first.stderr.String())
	default:
	}
	if err := first.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := first.exitCode(t, startupBound); code != exitOK {
		t.Errorf("first discarr: exit %d after SIGTERM, want %d", code, exitOK)
	}
}

// TestRefusedTokenExitsThree proves a token Discord refuses ends discarr with
// status 3 and one plain log line saying so, no stack trace.
func TestRefusedTokenExitsThree(t *testing.T) {
	t.Parallel()
	s := newTestStack(t)
	cfg := s.cfg
	cfg.token = "ZGlzY2Fycg.refused.not-the-emulators-token"
	cfg.extra = "log: { format: text }\n"
	p := startDaemon(t, cfg.write(t))
	code := p.exitCode(t, 2*startupBound)
	log := p.stderr.String()
	t.Logf("log:\n%s", log)
	if code != exitTokenRefused {
		t.Errorf("exit %d, want %d", code, exitTokenRefused)
	}
	var said bool
	for _, line := range strings.Split(log, "\n") {
		if strings.Contains(line, "ERR") && strings.Contains(line, "stopping") &&
			(strings.Contains(line, "token") || strings.Contains(line, "401")) {
			said = true
		}
	}
	if !said {
		t.Error("no error line says Discord refused the token")
	}
	if strings.Contains(log, "goroutine ") || strings.Contains(log, "panic") {
		t.Error("the log holds a stack trace")
	}
	if strings.Contains(log, cfg.token) {
		t.Error("the log shows the token")
	}
}
