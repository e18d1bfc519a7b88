// Package service owns discarr's view of one media-service instance: the actor that polls
// it and the HTTP client that speaks its API.
//
// The clients (Sonarr and Radarr over /api/v3, qBittorrent over WebUI API v2) turn what a
// service answers into the domain types of package messages. They decode leniently: the
// page envelope first, then every record on its own, so that one odd record costs only
// itself. Every failure is an *Error whose Summary says in an admin's words what went
// wrong and what to check; secrets travel in headers or form bodies only and never reach
// an error or a log line.
package service
