// Package servicetest simulates the media services discarr talks to — Sonarr, Radarr and
// qBittorrent — as plain http.Handlers for tests, the demo and the benchmark.
//
// The simulators answer with the shapes of the real applications: the *arr queue, system
// status and health resources of the official OpenAPI documents, and the qBittorrent WebUI
// API v2 of versions 4.x and 5.x, including the odd shapes real servers send (records
// without timeleft, unknown items, season packs, the eta infinity sentinel, renamed
// states and routes, bans and expired sessions).
//
// A World is a deterministic model of downloads advancing with an injectable clock. One
// World can back a Sonarr, a Radarr and a qBittorrent at once, so the same download shows
// in an *arr queue (downloadId in upper case) and in the torrent list (hash in lower
// case). Each simulator can instead be fed raw JSON records for case tests, and each can
// be told to misbehave with a Fault: slow, hang, fail or garbage.
package servicetest
