package store

// The board models are pure functions of what the store holds (Merge, HealthBoard,
// Sort), so they are tested without any actor running.

import (
	"cmp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/discarr/discarr/messages"
)

// StaleInfo says that a service's last poll failed, so the downloads shown for it
// come from an older snapshot.
type StaleInfo struct {
	// Err is the failing poll's error, already redacted.
	Err string
	// Since is when the last good poll ended; zero when no poll ever succeeded.
	Since time.Time
	// Polled is when the failing poll ended. A snapshot newer than Polled means the
	// service recovered, and the stale mark is ignored.
	Polled time.Time
	// Kind is the service's kind, used when no good snapshot exists yet.
	Kind string
}

// arrKinds are the services that know what a download will become (series, movie,
// album, book) and whether it was imported. Every other kind is a download client.
var arrKinds = map[string]bool{"sonarr": true, "radarr": true, "lidarr": true, "readarr": true}

// Merge builds the downloads board from each service's latest snapshot.
//
// An *arr record and a download client's item with the same ClientID (compared
// case-insensitively) become one row: what it is and its import state come from the
// *arr side, how it transfers (speed, exact size and progress, ETA, client states)
// from the client side. Client items no *arr app tracks are rows of their own. When
// two clients hold the same id, the one whose service sorts first is joined. Rows
// keep the Key of their *arr record (or of the client item when it stands alone), so
// keys are stable across polls.
func Merge(snaps map[string]messages.Snapshot, stale map[string]StaleInfo,
	now time.Time) messages.DownloadsBoard {
	names := serviceNames(snaps, stale)
	clients := clientIndex(snaps, names)
	joined := make(map[string]bool)
	n := 0
	for _, s := range snaps {
		n += len(s.Downloads)
	}
	rows := make([]messages.Download, 0, n)

	// The *arr apps' records first, each joined with its client item.
	for _, name := range names {
		s, ok := snaps[name]
		if !ok || !isArr(s.Kind) {
			continue
		}
		for _, d := range s.Downloads {
			if c, ok := clients[normID(d.ClientID)]; ok && normID(d.ClientID) != "" {
				d = join(d, *c)
				joined[c.Key] = true
			}
			rows = append(rows, d)
		}
	}

	// Then the client items no *arr record claimed.
	for _, name := range names {
		s, ok := snaps[name]
		if !ok || isArr(s.Kind) {
			continue
		}
		for _, d := range s.Downloads {
			if !joined[d.Key] {
				rows = append(rows, d)
			}
		}
	}

	Sort(rows)
	return messages.DownloadsBoard{At: now, Downloads: rows, Services: serviceLines(names, snaps, stale)}
}

func isArr(kind string) bool { return arrKinds[strings.ToLower(kind)] }

func normID(id string) string {
	id = strings.TrimSpace(id)
	for i := 0; i < len(id); i++ {
		if c := id[i]; c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return strings.ToLower(id)
		}
	}
	return id
}

// serviceNames lists every service that has a snapshot or a stale mark, sorted.
func serviceNames(snaps map[string]messages.Snapshot, stale map[string]StaleInfo) []string {
	names := make([]string, 0, len(snaps)+len(stale))
	for name := range snaps {
		names = append(names, name)
	}
	for name := range stale {
		if _, ok := snaps[name]; !ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// clientIndex maps each client id to the first download client item carrying it.
func clientIndex(snaps map[string]messages.Snapshot, names []string) map[string]*messages.Download {
	idx := make(map[string]*messages.Download)
	for _, name := range names {
		s, ok := snaps[name]
		if !ok || isArr(s.Kind) {
			continue
		}
		for i := range s.Downloads {
			id := normID(s.Downloads[i].ClientID)
			if _, taken := idx[id]; id != "" && !taken {
				idx[id] = &s.Downloads[i]
			}
		}
	}
	return idx
}

// join lays a client's view of a download over the *arr record for it.
func join(arr, client messages.Download) messages.Download {
	d := arr
	d.State = mergeState(arr.State, client.State)
	if d.State == client.State && client.State != arr.State {
		d.RawState = client.RawState
		if isTransferring(client.State) && (arr.State == messages.StateImportBlocked ||
			arr.State == messages.StateImporting) {
			// The *arr app already complains, but bytes still move: keep its reason
			// as a warning on a transferring row.
			d.Warning = true
		}
	}
	if client.Size > 0 && client.Left >= 0 {
		d.Size, d.Left = client.Size, client.Left
	}
	d.Speed = client.Speed
	if client.ETA.Kind != messages.ETAUnknown {
		d.ETA = client.ETA
	}
	d.Warning = d.Warning || client.Warning
	if d.Reason == "" {
		d.Reason = client.Reason
	}
	d.Release = cmp.Or(d.Release, client.Title)
	d.Protocol = cmp.Or(d.Protocol, client.Protocol)
	d.Client = cmp.Or(d.Client, client.Service)
	if d.Added.IsZero() {
		d.Added = client.Added
	}
	return d
}

// mergeState decides a joined row's state. The *arr app knows about failing and
// importing; the client knows best how the transfer itself goes.
func mergeState(arr, client messages.State) messages.State {
	if client == "" || client == messages.StateUnknown {
		return arr
	}
	switch arr {
	case messages.StateFailed:
		return arr
	case messages.StateImportBlocked, messages.StateImporting:
		if isTransferring(client) {
			return client
		}
		return arr
	}
	return client
}

// isTransferring reports whether the client still has bytes to fetch.
func isTransferring(s messages.State) bool {
	switch s {
	case messages.StateQueued, messages.StateMetadata, messages.StateDownloading,
		messages.StateStalled, messages.StatePaused, messages.StateChecking:
		return true
	}
	return false
}

// serviceLines gives each service's standing on the board, in name order.
func serviceLines(names []string, snaps map[string]messages.Snapshot,
	stale map[string]StaleInfo) []messages.ServiceLine {
	lines := make([]messages.ServiceLine, 0, len(names))
	for _, name := range names {
		s, hasSnap := snaps[name]
		st, isStale := stale[name]
		if isStale && hasSnap && s.Err == "" && !st.Polled.IsZero() && s.At.After(st.Polled) {
			isStale = false // a good poll came after the failing one
		}
		l := messages.ServiceLine{Service: name, Kind: cmp.Or(s.Kind, st.Kind),
			Count: len(s.Downloads), Total: max(s.Total, len(s.Downloads))}
		if hasSnap && s.Err == "" {
			l.Polled = s.At
		}
		switch {
		case isStale && st.Err != "":
			l.Err = st.Err
			l.StaleSince = st.Since
			if l.StaleSince.IsZero() {
				l.StaleSince = l.Polled
			}
			if l.Polled.IsZero() || st.Since.After(l.Polled) {
				l.Polled = st.Since
			}
		case hasSnap && s.Err != "":
			l.Err = s.Err
		}
		lines = append(lines, l)
	}
	return lines
}

// HealthBoard builds the health board: worst first (Critical, Warning, Unknown, OK),
// then by service name. A service whose actors were given up on is Critical.
func HealthBoard(h map[string]messages.Health, now time.Time) messages.HealthBoard {
	out := make([]messages.Health, 0, len(h))
	for name, x := range h {
		x.Service = cmp.Or(x.Service, name)
		if x.Failed {
			x.State = messages.HealthCritical
		}
		x.Warnings = slices.Clone(x.Warnings)
		if x.Stats != nil {
			st := *x.Stats
			x.Stats = &st
		}
		out = append(out, x)
	}
	slices.SortFunc(out, func(a, b messages.Health) int {
		return cmp.Or(cmp.Compare(healthRank(a.State), healthRank(b.State)),
			strings.Compare(a.Service, b.Service))
	})
	return messages.HealthBoard{At: now, Services: out}
}

func healthRank(s messages.HealthState) int {
	switch s {
	case messages.HealthCritical:
		return 0
	case messages.HealthWarning:
		return 1
	case messages.HealthOK:
		return 3
	}
	return 2
}

// Sort orders downloads as the board lists them: downloading first, soonest known
// ETA first and unknown or infinite ETAs after; then what waits (queued, metadata,
// stalled, paused, checking); then what needs a person (import-blocked, failed);
// then what is done. Ties go by title, case-insensitively, then by key, so the order
// is the same on every poll.
func Sort(ds []messages.Download) {
	// Downloads are large values: sort their indices, then move each value once.
	idx := make([]int, len(ds))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		return cmp.Or(compareDownloads(&ds[a], &ds[b]), cmp.Compare(a, b))
	})
	sorted := make([]messages.Download, len(ds))
	for i, j := range idx {
		sorted[i] = ds[j]
	}
	copy(ds, sorted)
}

// etaOrderStep is how close two ETAs may be and still count as equal in the order.
const etaOrderStep = 5 * time.Minute

func compareDownloads(a, b *messages.Download) int {
	ga, gb := sortGroup(a.State), sortGroup(b.State)
	if ga != gb {
		return cmp.Compare(ga, gb)
	}
	if ga == 0 {
		ka, kb := a.ETA.Kind == messages.ETAKnown, b.ETA.Kind == messages.ETAKnown
		switch {
		case ka && !kb:
			return -1
		case kb && !ka:
			return 1
		case ka && kb:
			// In steps of etaOrderStep: ETAs move a little with every poll (a service reports
			// time left, not a finish time), and rows whose ETAs are that close must
			// not swap places from one poll to the next.
			if c := a.ETA.At.Truncate(etaOrderStep).Compare(b.ETA.At.Truncate(etaOrderStep)); c != 0 {
				return c
			}
		}
	}
	if c := foldCompare(a.Title, b.Title); c != 0 {
		return c
	}
	if c := strings.Compare(a.Title, b.Title); c != 0 {
		return c
	}
	return strings.Compare(a.Key, b.Key)
}

func sortGroup(s messages.State) int {
	switch s {
	case messages.StateDownloading:
		return 0
	case messages.StateImportBlocked, messages.StateFailed:
		return 2
	case messages.StateImporting, messages.StateCompleted, messages.StateSeeding:
		return 3
	}
	return 1
}

// foldCompare compares two strings ignoring case, without allocating.
func foldCompare(a, b string) int {
	for a != "" && b != "" {
		if ca, cb := a[0], b[0]; ca < utf8.RuneSelf && cb < utf8.RuneSelf {
			if c := cmp.Compare(lowerASCII(ca), lowerASCII(cb)); c != 0 {
				return c
			}
			a, b = a[1:], b[1:]
			continue
		}
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if c := cmp.Compare(unicode.ToLower(ra), unicode.ToLower(rb)); c != 0 {
			return c
		}
		a, b = a[na:], b[nb:]
	}
	return cmp.Compare(len(a), len(b))
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
