package servicetest

import (
	"fmt"
	"math/rand"
	"strings"
)

// The catalogue below is invented: made-up shows, films, groups and indexers, so the
// simulated queues look like a homelab's without naming anything real.

// showNames are the series a World's TV downloads belong to.
var showNames = []struct {
	title   string
	year    int
	network string
}{
	{"The Quiet Harbor", 2019, "Northwave"},
	{"Orbit Station Nine", 2021, "Skyline+"},
	{"Paper Lanterns", 2016, "Channel Seven"},
	{"Copper & Salt", 2023, "Vista"},
	{"The Long Field", 2012, "BCN"},
	{"Night Shift Diaries", 2020, "Streamly"},
	{"Glass Mountain", 2018, "Northwave"},
	{"Undertow", 2024, "Vista"},
	{"Small Town Radio", 2015, "Channel Seven"},
	{"The Cartographers", 2022, "Skyline+"},
}

// movieNames are the films a World's movie downloads are.
var movieNames = []struct {
	title string
	year  int
}{
	{"Winter Signal", 2023}, {"The Last Lighthouse", 2021}, {"Seven Bridges", 2019},
	{"Red Meridian", 2024}, {"A House of Clocks", 2017}, {"Desert Static", 2022},
	{"The Ninth Orchard", 2020}, {"Silver Tide", 2018}, {"Paper Moon Motel", 2016},
	{"Far from Kestrel", 2025}, {"Hollow Crown Road", 2014}, {"Blue Hour", 2023},
}

// otherNames are the torrents no *arr application tracks.
var otherNames = []string{
	"debian-12.7.0-amd64-DVD-1.iso", "archlinux-2025.01.01-x86_64.iso",
	"Sintel.2010.1080p.Open.Movie", "ubuntu-24.04.1-desktop-amd64.iso",
	"Creative.Commons.Music.Pack.FLAC", "fedora-workstation-41-x86_64.iso",
}

// unknownNames are client torrents in an *arr category that match nothing in its library.
var unknownNames = []string{
	"Some.Unmatched.Show.S01E05.1080p.WEB.h264-NOGRP",
	"Unmatched.Feature.2022.1080p.BluRay.x264-NOGRP",
}

var episodeWords = []string{
	"Arrival", "The Return", "Low Tide", "Signals", "Crossing", "Aftermath", "The Offer",
	"Northbound", "Static", "Homecoming", "Open Water", "The Ledger",
}

var groups = []string{"NTB", "FLUX", "KOGI", "SMURF", "EDITH", "HONE", "PLAYWEB"}

var indexers = []string{"Tracker One (Prowlarr)", "OpenTrackr (Prowlarr)", "Nyx (Prowlarr)"}

// qualityTV and qualityMovie are the qualities simulated releases come in.
var qualityTV = []quality{
	{3, "WEBDL-1080p", "web", 1080, "1080p.WEB.h264"},
	{5, "WEBDL-720p", "web", 720, "720p.WEB.h264"},
	{9, "HDTV-1080p", "television", 1080, "1080p.HDTV.x264"},
}

var qualityMovie = []quality{
	{3, "WEBDL-1080p", "webdl", 1080, "1080p.WEB.H264"},
	{18, "WEBDL-2160p", "webdl", 2160, "2160p.WEB.H265"},
	{7, "Bluray-1080p", "bluray", 1080, "1080p.BluRay.x264"},
}

// quality is one *arr quality definition plus the tag its release names carry.
type quality struct {
	id         int
	name       string
	source     string
	resolution int
	tag        string
}

// dotted turns a title into a release-name prefix: "Copper & Salt" → "Copper.and.Salt".
func dotted(title string) string {
	r := strings.NewReplacer("&", "and", ":", "", "'", "", ",", "")
	return strings.Join(strings.Fields(r.Replace(title)), ".")
}

// slug turns a title into an *arr title slug: "Copper & Salt" → "copper-and-salt".
func slug(title string) string {
	return strings.ToLower(strings.ReplaceAll(dotted(title), ".", "-"))
}

// hashFrom draws a lower-case 40-digit hex info hash.
func hashFrom(rng *rand.Rand) string {
	var b strings.Builder
	for range 20 {
		fmt.Fprintf(&b, "%02x", rng.Intn(256))
	}
	return b.String()
}

// pick returns a random element of s.
func pick[T any](rng *rand.Rand, s []T) T {
	return s[rng.Intn(len(s))]
}
