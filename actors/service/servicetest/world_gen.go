package servicetest

import (
	"fmt"
	"math/rand"
	"time"
)

// behaviorCycle is the mix of behaviours tracked downloads are dealt from, before the
// seeded shuffle: mostly finishing, some stalled, blocked, queued and paused.
var behaviorCycle = []Behavior{
	BehaviorFinish, BehaviorStall, BehaviorFinish, BehaviorBlock,
	BehaviorQueued, BehaviorFinish, BehaviorWarnDownloading, BehaviorPaused,
}

// Categories the simulated *arr applications put their torrents in.
const (
	CategorySonarr = "tv-sonarr"
	CategoryRadarr = "radarr"
)

// generate draws every download of a World from its seed.
func generate(opts WorldOptions, start time.Time) []Download {
	rng := rand.New(rand.NewSource(opts.Seed))
	behaviors := dealBehaviors(rng, opts.TV+opts.Movies)

	var out []Download
	for i := range opts.TV {
		out = append(out, newTV(rng, i, behaviors[i], opts.Speed, start))
	}
	for i := range opts.Movies {
		out = append(out, newMovie(rng, i, behaviors[opts.TV+i], opts.Speed, start))
	}
	for i := range opts.Torrents {
		out = append(out, newOther(rng, i, opts.Speed, start))
	}

	// Blocked downloads alternate between the two statusMessages shapes *arr versions
	// send, and between importBlocked and importPending.
	n := 0
	for i := range out {
		d := &out[i]
		if d.Behavior == BehaviorBlock || d.Behavior == BehaviorWarnDownloading {
			d.blockState, d.messages = blockMessages(d, n)
			n++
		}
		d.stallAsWarning = i%2 == 0
	}
	return out
}

// dealBehaviors returns n behaviours from behaviorCycle, shuffled, with exactly one
// BehaviorMetadata when there are at least four tracked downloads.
func dealBehaviors(rng *rand.Rand, n int) []Behavior {
	out := make([]Behavior, n)
	for i := range out {
		out[i] = behaviorCycle[i%len(behaviorCycle)]
	}
	if n >= 4 {
		out[n-1] = BehaviorMetadata
	}
	rng.Shuffle(n, func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// common fills what every kind of download shares.
func common(rng *rand.Rand, d *Download, speed float64, start time.Time) {
	d.Hash = hashFrom(rng)
	d.Rate = speed * (0.5 + rng.Float64())
	d.Added = start.Add(-time.Duration(10+rng.Intn(3*24*60)) * time.Minute).Truncate(time.Second)
	d.Indexer = pick(rng, indexers)
	frac := rng.Float64()
	switch d.Behavior {
	case BehaviorBlock:
		d.StartDone = d.Size
	case BehaviorFinish:
		d.StartDone = int64(float64(d.Size) * 0.95 * frac)
	case BehaviorStall, BehaviorWarnDownloading, BehaviorPaused:
		d.StartDone = int64(float64(d.Size) * (0.1 + 0.6*frac))
	case BehaviorQueued:
		d.StartAfter = time.Duration(60+rng.Intn(240)) * time.Second
	}
}

// newTV draws the i-th Sonarr download: one episode, or a season pack one time in four.
func newTV(rng *rand.Rand, i int, b Behavior, speed float64, start time.Time) Download {
	show := showNames[i%len(showNames)]
	q := pick(rng, qualityTV)
	d := Download{
		Kind: KindTV, Behavior: b, Category: CategorySonarr, quality: q,
		Series: show.title, Year: show.year, SeriesID: 100 + i%len(showNames),
		TvdbID: 300000 + 37*(i%len(showNames)), Season: 1 + rng.Intn(4),
	}
	count := 1
	if rng.Intn(4) == 0 {
		count = 3 + rng.Intn(4)
	}
	first := 1 + rng.Intn(6)
	if count > 1 {
		first = 1
	}
	epSize := int64(400<<20) + rng.Int63n(2600<<20)
	for k := range count {
		n := first + k
		d.Episodes = append(d.Episodes, Episode{
			Number: n, Title: pick(rng, episodeWords),
			EpisodeID: 10000 + 1000*i + 100*d.Season + n, QueueID: 1_000_000 + 1000*i + k,
		})
	}
	d.Size = epSize * int64(count)
	group := pick(rng, groups)
	if count > 1 {
		d.Title = fmt.Sprintf("%s.S%02d.%s-%s", dotted(show.title), d.Season, q.tag, group)
	} else {
		d.Title = fmt.Sprintf("%s.S%02dE%02d.%s-%s", dotted(show.title), d.Season, first, q.tag, group)
	}
	common(rng, &d, speed, start)
	return d
}

// newMovie draws the i-th Radarr download.
func newMovie(rng *rand.Rand, i int, b Behavior, speed float64, start time.Time) Download {
	m := movieNames[i%len(movieNames)]
	q := pick(rng, qualityMovie)
	d := Download{
		Kind: KindMovie, Behavior: b, Category: CategoryRadarr, quality: q,
		Movie: m.title, Year: m.year, MovieID: 200 + i, TmdbID: 500000 + 41*i,
		QueueID: 2_000_000 + i, Size: int64(2<<30) + rng.Int63n(13<<30),
	}
	d.Title = fmt.Sprintf("%s.%d.%s-%s", dotted(m.title), m.year, q.tag, pick(rng, groups))
	common(rng, &d, speed, start)
	return d
}

// newOther draws the i-th untracked torrent. The first two are unknown items of Sonarr
// and Radarr; the rest seed, stop or download outside any *arr application.
func newOther(rng *rand.Rand, i int, speed float64, start time.Time) Download {
	d := Download{Kind: KindOther, Size: int64(500<<20) + rng.Int63n(4<<30), QueueID: 3_000_000 + i}
	switch {
	case i < len(unknownNames):
		d.Title, d.Unknown, d.Behavior = unknownNames[i], true, BehaviorFinish
		d.Category = []string{CategorySonarr, CategoryRadarr}[i]
	default:
		d.Title = otherNames[(i-len(unknownNames))%len(otherNames)]
		d.Behavior = []Behavior{BehaviorFinish, BehaviorPaused, BehaviorFinish}[i%3]
	}
	common(rng, &d, speed, start)
	if d.Unknown || i%3 != 2 {
		d.StartDone = d.Size // unknown items and most untracked torrents are complete
	}
	return d
}

// blockMessages returns the tracked state and statusMessages of the n-th blocked
// download. Even n use the older shape (generic title, reason in messages); odd n the
// newer one (reason in title, messages empty).
func blockMessages(d *Download, n int) (string, []StatusMessage) {
	state := "importBlocked"
	if d.Behavior == BehaviorBlock && n%2 == 1 {
		state = "importPending"
	}
	item := "episode"
	if d.Kind == KindMovie {
		item = "movie"
	}
	if n%2 == 0 {
		return state, []StatusMessage{
			{Title: "One or more " + item + "s expected in this release were not imported", Messages: []string{}},
			{Title: d.Title + ".mkv", Messages: []string{"Not an upgrade for existing " + item + " file(s)"}},
		}
	}
	return state, []StatusMessage{
		{Title: "Not a Custom Format upgrade for existing " + item + " file(s)", Messages: []string{}},
	}
}
