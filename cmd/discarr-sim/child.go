package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// child runs the real discarr binary and can stop and start it again.
type child struct {
	bin, config string
	out         io.Writer

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

// start launches discarr. It is an error to start a running child.
func (c *child) start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cmd != nil {
		return fmt.Errorf("discarr is already running")
	}
	cmd := exec.Command(c.bin, "run", "--config", c.config)
	cmd.Stdout, cmd.Stderr = c.out, c.out
	cmd.Env = append(os.Environ(), "NO_COLOR=")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", c.bin, err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	c.cmd, c.done = cmd, done
	return nil
}

// stop sends SIGTERM and waits, killing discarr if it takes longer than grace.
func (c *child) stop(grace time.Duration) error {
	c.mu.Lock()
	cmd, done := c.cmd, c.done
	c.cmd, c.done = nil, nil
	c.mu.Unlock()
	if cmd == nil {
		return nil
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(grace):
		_ = cmd.Process.Kill()
		<-done
		return fmt.Errorf("discarr did not stop within %s; killed it", grace)
	}
	return nil
}

// exited is closed when the running discarr ends by itself.
func (c *child) exited() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.done
}

// pid is the running discarr's process ID, or 0.
func (c *child) pid() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cmd == nil || c.cmd.Process == nil {
		return 0
	}
	return c.cmd.Process.Pid
}
