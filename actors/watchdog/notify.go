package watchdog

import (
	"fmt"
	"strings"

	"github.com/coreos/go-systemd/v22/daemon"
	"golang.org/x/sys/unix"
)

// Ready tells systemd that discarr has started (READY=1), or has finished reloading
// its configuration, with the text systemctl status shows (STATUS=; none when
// empty). A nil notify sends to $NOTIFY_SOCKET; without one it does nothing.
func Ready(notify func(string) error, status string) error {
	state := daemon.SdNotifyReady
	if status != "" {
		state += "\nSTATUS=" + oneLine(status)
	}
	return send(notify, state, "ready")
}

// Reloading tells systemd that discarr is reloading its configuration (RELOADING=1),
// with the CLOCK_MONOTONIC time the reload started (MONOTONIC_USEC=, in
// microseconds), in one message as systemd requires. Ready ends the reload.
func Reloading(notify func(string) error) error {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return fmt.Errorf("notify systemd reloading: read CLOCK_MONOTONIC: %w", err)
	}
	state := fmt.Sprintf("%s\nMONOTONIC_USEC=%d", daemon.SdNotifyReloading, ts.Nano()/1000)
	return send(notify, state, "reloading")
}

// Stopping tells systemd that discarr has begun to stop (STOPPING=1).
func Stopping(notify func(string) error) error {
	return send(notify, daemon.SdNotifyStopping, "stopping")
}

// send sends one message through notify, or to $NOTIFY_SOCKET when notify is nil.
func send(notify func(string) error, state, what string) error {
	if notify == nil {
		notify = sdNotify
	}
	if err := notify(state); err != nil {
		return fmt.Errorf("notify systemd %s: %w", what, err)
	}
	return nil
}

// sdNotify sends one message to $NOTIFY_SOCKET, leaving the variable set for the
// next; without NOTIFY_SOCKET (not started by systemd) it does nothing.
func sdNotify(state string) error {
	_, err := daemon.SdNotify(false, state)
	return err
}

// oneLine keeps a status text on one line: a newline would start another
// assignment in the sd_notify message.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
