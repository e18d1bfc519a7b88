package messages

import "time"

// Media is what a download will become once imported.
type Media string

// The media kinds a download can have.
const (
	MediaTV    Media = "tv"
	MediaMovie Media = "movie"
	MediaMusic Media = "music"
	MediaBook  Media = "book"
	MediaOther Media = "other"
)

// State is where a download stands, in discarr's own words. Each service's states map
// onto these; a value a service invents later maps to StateUnknown with the service's
// word kept in Download.RawState.
type State string

// The states a download can be in.
const (
	StateQueued        State = "queued"
	StateMetadata      State = "metadata"
	StateDownloading   State = "downloading"
	StateStalled       State = "stalled"
	StatePaused        State = "paused"
	StateChecking      State = "checking"
	StateImporting     State = "importing"
	StateImportBlocked State = "import-blocked"
	StateFailed        State = "failed"
	StateCompleted     State = "completed"
	StateSeeding       State = "seeding"
	StateUnknown       State = "unknown"
)

// Stuck reports whether the state needs a person: nothing will move by itself.
func (s State) Stuck() bool {
	switch s {
	case StateStalled, StateImportBlocked, StateFailed, StateMetadata:
		return true
	}
	return false
}

// Active reports whether bytes are expected to flow.
func (s State) Active() bool {
	return s == StateDownloading || s == StateMetadata || s == StateChecking
}

// ETAKind says how much is known about when a download finishes.
type ETAKind uint8

// The kinds of ETA.
const (
	// ETAUnknown: the service did not say.
	ETAUnknown ETAKind = iota
	// ETAKnown: ETA.At holds the expected finish.
	ETAKnown
	// ETAInfinite: the service said it will never finish at the current rate.
	ETAInfinite
	// ETANone: nothing is left to download.
	ETANone
)

// ETA is when a download is expected to finish.
type ETA struct {
	Kind ETAKind
	At   time.Time
}

// KnownETA returns an ETA at t.
func KnownETA(t time.Time) ETA { return ETA{Kind: ETAKnown, At: t} }

// Download is one item of a queue: an *arr queue record or a download client's torrent
// or job. Every field but Key, Service and Kind may be zero: services omit fields for
// some records, and one odd record must never cost the others.
type Download struct {
	// Key is stable across polls: service, then the service's own record id.
	Key string
	// Service is the configured instance name; Kind its kind (sonarr, qbittorrent...).
	Service, Kind string
	// ClientID is the download client's id for the item (a torrent hash, an NZB id),
	// lower-cased so that an *arr record and a client's torrent can be joined.
	ClientID string
	// Title is what people read: series and episode, movie and year, or the release.
	Title string
	// Release is the raw release name.
	Release string
	Media   Media
	// Protocol is torrent or usenet; Client the download client's name in the *arr app.
	Protocol, Client string
	State            State
	// RawState is the service's own word(s) for the state, shown when State is unknown.
	RawState string
	// Reason says why a download is stuck or failed, in the service's words.
	Reason string
	// Warning is set when the *arr app flags the item although it still moves.
	Warning bool
	// Size and Left are bytes; Left < 0 means unknown.
	Size, Left int64
	// Speed is the download rate in bytes per second.
	Speed int64
	ETA   ETA
	Added time.Time
	// Indexer the release came from, where known.
	Indexer string
	// Episodes counts the queue records collapsed into this row (a season pack).
	Episodes int
}

// Progress is the done fraction in [0, 1]; 0 when the size is unknown.
func (d Download) Progress() float64 {
	if d.Size <= 0 || d.Left < 0 {
		if d.State == StateCompleted || d.State == StateSeeding {
			return 1
		}
		return 0
	}
	if d.Left >= d.Size {
		return 0
	}
	return float64(d.Size-d.Left) / float64(d.Size)
}

// Done is the number of bytes downloaded, or 0 when unknown.
func (d Download) Done() int64 {
	if d.Size <= 0 || d.Left < 0 || d.Left > d.Size {
		return 0
	}
	return d.Size - d.Left
}
