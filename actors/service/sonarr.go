package service

import (
	"fmt"
	"slices"
	"strings"

	"github.com/discarr/discarr/messages"
)

// sonarrApp is what sets Sonarr apart from the other *arr apps: its queue options, one
// record per episode, and series-and-episode titles.
var sonarrApp = arrApp{
	media:        messages.MediaTV,
	includes:     []string{"includeSeries", "includeEpisode"},
	unknownParam: "includeUnknownSeriesItems",
	mediaID:      func(r *arrRecord) int64 { return r.SeriesID.V },
	title:        sonarrTitle,
}

// sonarrTitle names a group: "Series S01E02" for one episode, "Series S01 (E01–E03)" for
// a season pack, "Series S01–S02" across seasons, "Unknown item: <release>" for items
// matched to no series, else the release.
func sonarrTitle(g *arrGroup) string {
	r := g.recs[0]
	if r.Series == nil || strings.TrimSpace(r.Series.Title.String()) == "" {
		if r.Series == nil && r.SeriesID.V == 0 {
			return unknownTitle(r)
		}
		return fallbackTitle(r)
	}
	name := strings.TrimSpace(r.Series.Title.String())

	type ep struct{ season, episode int64 }
	var eps []ep
	for _, rec := range g.recs {
		if e := rec.Episode; e != nil && e.SeasonNumber.OK && e.EpisodeNumber.OK {
			eps = append(eps, ep{e.SeasonNumber.V, e.EpisodeNumber.V})
		}
	}
	if len(eps) == 0 {
		if r.SeasonNumber.OK {
			return fmt.Sprintf("%s S%02d", name, r.SeasonNumber.V)
		}
		return name
	}
	slices.SortFunc(eps, func(a, b ep) int {
		if a.season != b.season {
			return int(a.season - b.season)
		}
		return int(a.episode - b.episode)
	})
	first, last := eps[0], eps[len(eps)-1]
	switch {
	case first == last:
		return fmt.Sprintf("%s S%02dE%02d", name, first.season, first.episode)
	case first.season == last.season:
		return fmt.Sprintf("%s S%02d (E%02d–E%02d)",
			name, first.season, first.episode, last.episode)
	}
	return fmt.Sprintf("%s S%02d–S%02d", name, first.season, last.season)
}
