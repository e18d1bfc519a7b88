package realqbit_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/service/servicetest/realqbit"
)

// childEnv makes the test binary act as a process that starts a daemon and
// then waits to be killed.
const childEnv = "REALQBIT_ORPHAN_CHILD"

// TestMain lets the test binary play the child of TestDaemonDiesWithItsStarter.
func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		orphanChild()
	}
	os.Exit(m.Run())
}

// orphanChild starts a daemon, says which, and waits to be killed.
func orphanChild() {
	d, err := realqbit.Start(context.Background(), realqbit.Options{})
	if err != nil {
		fmt.Println("start:", err)
		os.Exit(1)
	}
	fmt.Printf("daemon pid=%d dir=%s\n", d.PID(), d.Dir)
	select {} // until killed
}

func TestDaemonDiesWithItsStarter(t *testing.T) {
	t.Parallel()
	realqbit.Require(t)

	child := exec.CommandContext(t.Context(), os.Args[0])
	child.Env = append(os.Environ(), childEnv+"=1")
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	pid, dir := readDaemonLine(t, bufio.NewScanner(stdout))
	t.Cleanup(func() {
		if processAlive(pid) { // leave no orphan even when the test fails
			_ = syscall.Kill(pid, syscall.SIGKILL) // it may exit on its own meanwhile
		}
		_ = os.RemoveAll(dir)
	})

	// Kill the starter the way a timed-out test binary dies: no cleanup runs.
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait() // it reports the kill just sent

	deadline := time.After(20 * time.Second)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for processAlive(pid) {
		select {
		case <-deadline:
			t.Fatalf("daemon %d still running 20s after its starter was killed", pid)
		case <-tick.C:
		}
	}
}

// readDaemonLine scans the child's output for the daemon's pid and dir.
func readDaemonLine(t *testing.T, sc *bufio.Scanner) (pid int, dir string) {
	t.Helper()
	var seen []string
	for sc.Scan() {
		line := sc.Text()
		if _, err := fmt.Sscanf(line, "daemon pid=%d dir=%s", &pid, &dir); err == nil {
			return pid, dir
		}
		seen = append(seen, line)
	}
	t.Fatalf("child printed no daemon line:\n%s", strings.Join(seen, "\n"))
	return 0, ""
}

// processAlive reports whether pid names a process that is neither gone nor
// a zombie waiting to be reaped.
func processAlive(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}
