package discord

import "github.com/discarr/discarr/messages"

// A service is pending from discarr's start, or the reload that added it, until it
// first answers: no poll or probe has ended for it and nothing went wrong starting
// it. The boards say such a service is being asked instead of guessing what it
// holds, and a board from the last run keeps its content while every service is
// pending (see BoardActor.hold).

// pendingRunes bounds the names of the pending services in a board's header.
const pendingRunes = 100

// linePending reports whether a service of the downloads board has not answered yet:
// no good poll and no error.
func linePending(l messages.ServiceLine) bool { return l.Polled.IsZero() && l.Err == "" }

// healthPending reports whether a service was never probed: its state unknown, no
// probe ended, and neither starting it nor its actors failed.
func healthPending(h messages.Health) bool {
	return h.State == messages.HealthUnknown && h.CheckedAt.IsZero() && h.Err == "" && !h.Failed
}

// downloadsPending counts the services of the downloads model that have not
// answered yet, and all its services.
func downloadsPending(b messages.DownloadsBoard) (pending, all int) {
	for _, l := range b.Services {
		if linePending(l) {
			pending++
		}
	}
	return pending, len(b.Services)
}

// healthPendingCount counts the services of the health model never probed yet, and
// all its services.
func healthPendingCount(b messages.HealthBoard) (pending, all int) {
	for _, h := range b.Services {
		if healthPending(h) {
			pending++
		}
	}
	return pending, len(b.Services)
}

// waitingFor says which services have not answered yet: as many of the names as fit
// in pendingRunes, escaped, then "…".
func waitingFor(names []string) string {
	escaped := make([]string, 0, len(names))
	n := 0
	for _, name := range names {
		if n > pendingRunes {
			break // the list is cut here anyway
		}
		escaped = append(escaped, escape(name, serviceNameRunes))
		n += runes(escaped[len(escaped)-1]) + len(", ")
	}
	return "⏳ Waiting for the first answer from " + nameList(escaped, pendingRunes)
}

// healthWaiting is a pending service's first line on the health board.
const healthWaiting = "**Waiting** for the first answer"

// healthMarkOf marks a service on the health board: its state, or that it was never
// probed.
func healthMarkOf(h messages.Health) string {
	if healthPending(h) {
		return "⏳"
	}
	return healthMark(h.State)
}
