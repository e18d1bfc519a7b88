package servicetest

import (
	"sync"
	"time"
)

// Kind says which application tracks a download.
type Kind string

// Download kinds.
const (
	// KindTV is tracked by Sonarr.
	KindTV Kind = "tv"
	// KindMovie is tracked by Radarr.
	KindMovie Kind = "movie"
	// KindOther is tracked by no *arr application (or shows there only as an unknown item).
	KindOther Kind = "other"
)

// Behavior is how a download moves through its life.
type Behavior string

// Download behaviours.
const (
	// BehaviorFinish downloads at its rate, completes, is imported and leaves the *arr
	// queue ImportAfter later; the torrent seeds (uploading, then stalledUP).
	BehaviorFinish Behavior = "finish"
	// BehaviorStall never moves: dlspeed 0, eta 8640000, no timeleft in the *arr queue.
	BehaviorStall Behavior = "stall"
	// BehaviorBlock is complete and stays in the *arr queue as importBlocked or
	// importPending with statusMessages.
	BehaviorBlock Behavior = "block"
	// BehaviorQueued waits StartAfter in the client's queue, then downloads and finishes.
	BehaviorQueued Behavior = "queued"
	// BehaviorMetadata is a magnet still fetching metadata (metaDL) forever.
	BehaviorMetadata Behavior = "metadata"
	// BehaviorWarnDownloading keeps downloading while the *arr reports importBlocked.
	BehaviorWarnDownloading Behavior = "warn-downloading"
	// BehaviorPaused starts paused (pausedDL on 4.x, stoppedDL on 5.x) until resumed.
	BehaviorPaused Behavior = "paused"
)

// Phase is where a download is at one instant.
type Phase string

// Download phases.
const (
	PhaseQueued      Phase = "queued"      // waiting in the client's queue
	PhaseMetadata    Phase = "metadata"    // fetching metadata
	PhaseDownloading Phase = "downloading" // transferring
	PhaseStalled     Phase = "stalled"     // incomplete, no peers
	PhasePaused      Phase = "paused"      // incomplete, stopped by the user
	PhaseUploading   Phase = "uploading"   // complete, seeding with traffic
	PhaseSeeding     Phase = "seeding"     // complete, seeding without traffic (stalledUP)
	PhaseStopped     Phase = "stopped"     // complete, stopped by the user
)

// StatusMessage is one entry of an *arr queue record's statusMessages.
type StatusMessage struct {
	Title    string   `json:"title"`
	Messages []string `json:"messages"`
}

// Episode is one episode a TV download holds; a season pack holds several.
type Episode struct {
	Number    int    // episodeNumber
	Title     string // episode title
	EpisodeID int    // episodeId
	QueueID   int    // id of this episode's queue record
}

// Download is one simulated download as the World created it. Its progress at a given
// instant is a DownloadStatus.
type Download struct {
	Hash     string   // lower-case 40-digit info hash, as qBittorrent shows it
	Title    string   // release name
	Size     int64    // bytes
	Kind     Kind     // which application tracks it
	Behavior Behavior // how it moves
	Category string   // qBittorrent category
	Rate     float64  // bytes/s while downloading
	Added    time.Time
	Indexer  string

	StartDone  int64         // bytes already downloaded when the World began
	StartAfter time.Duration // BehaviorQueued: time spent queued

	// Unknown marks a torrent in an *arr category that matches nothing: it shows in the
	// queue only when unknown items are asked for, without series/movie.
	Unknown bool
	QueueID int // queue record id (movies and unknown items; TV uses Episodes)

	Series   string // TV: series title
	SeriesID int
	TvdbID   int
	Season   int
	Episodes []Episode
	Movie    string // movie title
	MovieID  int
	TmdbID   int
	Year     int // series or movie year

	quality quality
	// blockState and messages are what the *arr reports for BehaviorBlock and
	// BehaviorWarnDownloading.
	blockState     string
	messages       []StatusMessage
	stallAsWarning bool
}

// WorldOptions configures NewWorld.
type WorldOptions struct {
	Seed  int64            // same seed, same downloads
	Clock func() time.Time // nil: time.Now
	// TV, Movies and Torrents are how many Sonarr downloads, Radarr downloads and
	// untracked torrents to create. The first two untracked torrents sit in the Sonarr
	// and Radarr categories and show as unknown items there.
	TV, Movies, Torrents int
	Speed                float64       // mean bytes/s per active download; 0: DefaultSpeed
	ImportAfter          time.Duration // completion to leaving the *arr queue; 0: 30 s
	SeedFor              time.Duration // uploading before stalledUP; 0: 2 min
}

// DefaultSpeed is the mean download rate of a World's active downloads: 4 MiB/s.
const DefaultSpeed = 4 << 20

// World is a deterministic model of downloads shared by simulated *arr applications
// and download clients. It is safe for concurrent use.
type World struct {
	clock       func() time.Time
	start       time.Time
	importAfter time.Duration
	seedFor     time.Duration

	mu        sync.Mutex
	downloads []*entry
}

// entry is a Download plus what users did to it.
type entry struct {
	Download
	paused      bool
	pausedAt    time.Time     // when the current pause began
	pausedTotal time.Duration // sum of finished pauses
	removed     bool
}

// NewWorld creates the downloads opts asks for, as they are at the clock's current time.
func NewWorld(opts WorldOptions) *World {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Speed <= 0 {
		opts.Speed = DefaultSpeed
	}
	if opts.ImportAfter <= 0 {
		opts.ImportAfter = 30 * time.Second
	}
	if opts.SeedFor <= 0 {
		opts.SeedFor = 2 * time.Minute
	}
	w := &World{
		clock: opts.Clock, start: opts.Clock(),
		importAfter: opts.ImportAfter, seedFor: opts.SeedFor,
	}
	for _, d := range generate(opts, w.start) {
		e := &entry{Download: d}
		if d.Behavior == BehaviorPaused {
			e.paused, e.pausedAt = true, w.start
		}
		w.downloads = append(w.downloads, e)
	}
	return w
}

// Now returns the World's clock reading.
func (w *World) Now() time.Time { return w.clock() }

// Downloads returns every download not removed, in creation order.
func (w *World) Downloads() []Download {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]Download, 0, len(w.downloads))
	for _, e := range w.downloads {
		if !e.removed {
			out = append(out, e.Download)
		}
	}
	return out
}
