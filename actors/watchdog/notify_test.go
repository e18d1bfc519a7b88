package watchdog_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/discarr/discarr/actors/watchdog"
)

func TestNotificationsHaveSystemdsShape(t *testing.T) {
	t.Parallel()
	ready := func(status string) func(func(string) error) error {
		return func(notify func(string) error) error { return watchdog.Ready(notify, status) }
	}
	cases := []struct {
		name string
		send func(notify func(string) error) error
		want string // the exact message; empty for Reloading, which checkReloading checks
	}{
		{"ready with status", ready("connected as discarr#0042"),
			"READY=1\nSTATUS=connected as discarr#0042"},
		{"ready without status", ready(""), "READY=1"},
		{"ready keeps the status on one line", ready("reloaded:\n3 services\tWATCHDOG=1"),
			"READY=1\nSTATUS=reloaded: 3 services WATCHDOG=1"},
		{"stopping", watchdog.Stopping, "STOPPING=1"},
		{"reloading", watchdog.Reloading, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			sock := listenNotify(t)
			before := monotonicUsec(t)
			if err := c.send(sock.notify); err != nil {
				t.Fatal(err)
			}
			after := monotonicUsec(t)
			got := sock.next(t)
			if c.want != "" {
				if got != c.want {
					t.Errorf("sent %q, want %q", got, c.want)
				}
				return
			}
			checkReloading(t, got, before, after)
		})
	}
}

// checkReloading wants RELOADING=1 and the CLOCK_MONOTONIC time of the call, in one
// message: systemd ignores a MONOTONIC_USEC= sent on its own.
func checkReloading(t *testing.T, got string, before, after uint64) {
	t.Helper()
	lines := strings.Split(got, "\n")
	if len(lines) != 2 || lines[0] != "RELOADING=1" ||
		!strings.HasPrefix(lines[1], "MONOTONIC_USEC=") {
		t.Fatalf("sent %q, want RELOADING=1 and MONOTONIC_USEC=", got)
	}
	usec, err := strconv.ParseUint(strings.TrimPrefix(lines[1], "MONOTONIC_USEC="), 10, 64)
	if err != nil {
		t.Fatalf("MONOTONIC_USEC in %q: %v", got, err)
	}
	if usec < before || usec > after {
		t.Errorf("MONOTONIC_USEC=%d, want within [%d, %d] (CLOCK_MONOTONIC around the call)",
			usec, before, after)
	}
}

func TestNotificationErrorsAreReturned(t *testing.T) {
	t.Parallel()
	refused := errors.New("connection refused")
	fail := func(string) error { return refused }
	cases := []struct {
		name string
		err  error
	}{
		{"ready", watchdog.Ready(fail, "up")},
		{"reloading", watchdog.Reloading(fail)},
		{"stopping", watchdog.Stopping(fail)},
	}
	for _, c := range cases {
		if !errors.Is(c.err, refused) || !strings.Contains(c.err.Error(), c.name) {
			t.Errorf("%s: error %v, want it wrapped and naming %q", c.name, c.err, c.name)
		}
	}
}

func monotonicUsec(t *testing.T) uint64 {
	t.Helper()
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		t.Fatal(err)
	}
	return uint64(ts.Nano() / 1000)
}
