package service

import (
	"fmt"
	"strings"

	"github.com/discarr/discarr/messages"
)

// radarrApp is what sets Radarr apart from the other *arr apps: its queue options and
// movie titles.
var radarrApp = arrApp{
	media:        messages.MediaMovie,
	includes:     []string{"includeMovie"},
	unknownParam: "includeUnknownMovieItems",
	mediaID:      func(r *arrRecord) int64 { return r.MovieID.V },
	title:        radarrTitle,
}

// radarrTitle names a group: "Title (Year)", the title alone when the year is unknown,
// "Unknown item: <release>" for items matched to no movie, else the release.
func radarrTitle(g *arrGroup) string {
	r := g.recs[0]
	if r.Movie == nil || strings.TrimSpace(r.Movie.Title.String()) == "" {
		if r.Movie == nil && r.MovieID.V == 0 {
			return unknownTitle(r)
		}
		return fallbackTitle(r)
	}
	name := strings.TrimSpace(r.Movie.Title.String())
	if r.Movie.Year.OK && r.Movie.Year.V > 0 {
		return fmt.Sprintf("%s (%d)", name, r.Movie.Year.V)
	}
	return name
}
