package messages

import "time"

// HealthState is a service's health as the health board shows it.
type HealthState uint8

// The health states, from best to least known.
const (
	HealthUnknown HealthState = iota
	HealthOK
	HealthWarning
	HealthCritical
)

// String names the state as people read it.
func (h HealthState) String() string {
	switch h {
	case HealthOK:
		return "OK"
	case HealthWarning:
		return "Warning"
	case HealthCritical:
		return "Critical"
	}
	return "Unknown"
}

// LatencyBand is a coarse latency, so that the health board does not change with every
// probe; exact figures are shown only on request.
type LatencyBand uint8

// The latency bands.
const (
	LatencyNone LatencyBand = iota
	LatencyOK
	LatencySlow
	LatencyTimeout
)

// String names the band.
func (b LatencyBand) String() string {
	switch b {
	case LatencyOK:
		return "ok"
	case LatencySlow:
		return "slow"
	case LatencyTimeout:
		return "timeout"
	}
	return "—"
}

// Warning is one item of an *arr app's own health list.
type Warning struct {
	Source  string
	Level   string // notice, warning, error, or the service's word
	Message string
	WikiURL string // only when it parses as http(s)
}

// Health is the outcome of probing one service.
type Health struct {
	Service, Kind string
	State         HealthState
	// Since is when State was first seen; kept across probes that agree.
	Since time.Time
	// CheckedAt is when the probe ended.
	CheckedAt time.Time
	Latency   time.Duration
	Band      LatencyBand
	Version   string
	// API describes the API level where the service reports one (qBittorrent's WebAPI).
	API      string
	Warnings []Warning
	// Err is the last error in words an admin can act on, secrets already redacted.
	Err string
	// Stats is the client's transfer totals, for download clients.
	Stats *TransferStats
	// Failed is set when the service's actors kept crashing and were given up on.
	Failed bool
}

// TransferStats is a download client's global transfer figures.
type TransferStats struct {
	DownSpeed, UpSpeed int64 // bytes per second
	Downloaded         int64 // bytes this session
	Uploaded           int64
}

// Snapshot is the outcome of one queue poll of one service.
type Snapshot struct {
	Service, Kind string
	At            time.Time
	// Downloads holds the records that decoded; Total is how many downloads the
	// service reported, counted as rows (a season pack's records are one download),
	// which may be larger than len(Downloads) when records could not be read.
	Downloads []Download
	Total     int
	// Skipped counts records that could not be decoded at all.
	Skipped int
	Stats   *TransferStats
	// Err is set when the poll failed: then Downloads is empty and the store keeps the
	// last good snapshot, marked stale.
	Err string
	// Latency of the poll.
	Latency time.Duration
}
