package messages

import "time"

// Filter selects downloads for a view of the downloads board.
type Filter string

// The filters people can choose.
const (
	FilterAll    Filter = "all"
	FilterTV     Filter = "tv"
	FilterMovies Filter = "movies"
	FilterMusic  Filter = "music"
	FilterBooks  Filter = "books"
	FilterActive Filter = "active"
	FilterStuck  Filter = "stuck"
)

// Filters lists every filter in menu order.
var Filters = []Filter{FilterAll, FilterTV, FilterMovies, FilterMusic, FilterBooks, FilterActive, FilterStuck}

// ParseFilter returns the filter named s, or FilterAll and false.
func ParseFilter(s string) (Filter, bool) {
	for _, f := range Filters {
		if string(f) == s {
			return f, true
		}
	}
	return FilterAll, false
}

// Match reports whether d belongs in a view with filter f.
func (f Filter) Match(d Download) bool {
	switch f {
	case FilterTV:
		return d.Media == MediaTV
	case FilterMovies:
		return d.Media == MediaMovie
	case FilterMusic:
		return d.Media == MediaMusic
	case FilterBooks:
		return d.Media == MediaBook
	case FilterActive:
		return d.State.Active()
	case FilterStuck:
		return d.State.Stuck()
	}
	return true
}

// ServiceLine is one service's standing on the downloads board.
type ServiceLine struct {
	Service, Kind string
	// Count is how many downloads the service contributed; Total what it reported.
	Count, Total int
	// Err is the last poll's error; StaleSince when the shown data was last fresh.
	Err        string
	StaleSince time.Time
	// Polled is when the last good poll ended; zero until the first.
	Polled time.Time
}

// DownloadsBoard is the model the downloads board renders: every service's downloads
// merged, deduplicated and sorted, with each service's standing.
type DownloadsBoard struct {
	At        time.Time
	Downloads []Download
	Services  []ServiceLine
}

// HealthBoard is the model the health board renders.
type HealthBoard struct {
	At       time.Time
	Services []Health
}
