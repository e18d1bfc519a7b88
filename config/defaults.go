package config

import "time"

// Kind names, as written in a service's kind key.
const (
	KindSonarr       = "sonarr"
	KindRadarr       = "radarr"
	KindLidarr       = "lidarr"
	KindReadarr      = "readarr"
	KindProwlarr     = "prowlarr"
	KindQBittorrent  = "qbittorrent"
	KindTransmission = "transmission"
	KindDeluge       = "deluge"
	KindSABnzbd      = "sabnzbd"
	KindNZBGet       = "nzbget"
	KindPlex         = "plex"
	KindJellyfin     = "jellyfin"
)

// Kinds lists every service kind discarr knows, in the order the docs present them.
var Kinds = []string{
	KindSonarr, KindRadarr, KindLidarr, KindReadarr, KindProwlarr,
	KindQBittorrent, KindTransmission, KindDeluge, KindSABnzbd, KindNZBGet,
	KindPlex, KindJellyfin,
}

// auth is how a kind authenticates.
type auth int

const (
	authAPIKey        auth = iota // api_key required; username and password not used
	authLoginOptional             // username and password together, or neither
	authPasswordOnly              // password required; username not used
)

// kindInfo is what validation needs to know about a kind.
type kindInfo struct {
	auth auth
	port string // the kind's usual port, for example URLs in messages
}

var kindInfos = map[string]kindInfo{
	KindSonarr:       {authAPIKey, "8989"},
	KindRadarr:       {authAPIKey, "7878"},
	KindLidarr:       {authAPIKey, "8686"},
	KindReadarr:      {authAPIKey, "8787"},
	KindProwlarr:     {authAPIKey, "9696"},
	KindQBittorrent:  {authLoginOptional, "8080"},
	KindTransmission: {authLoginOptional, "9091"},
	KindDeluge:       {authPasswordOnly, "8112"},
	KindSABnzbd:      {authAPIKey, "8080"},
	KindNZBGet:       {authLoginOptional, "6789"},
	KindPlex:         {authAPIKey, "32400"},
	KindJellyfin:     {authAPIKey, "8096"},
}

// Ranges the validated durations must fall in.
const (
	minBoardRefresh = 2 * time.Second
	maxBoardRefresh = time.Hour
	minInterval     = 5 * time.Second
	maxInterval     = 24 * time.Hour
	minTimeout      = time.Second
	maxTimeout      = 5 * time.Minute
)

// defaultStateDir is used when neither state_dir nor $STATE_DIRECTORY is set; it is
// relative to the working directory.
const defaultStateDir = "state"

// defaults returns every top-level key with its default value. It is the single place
// defaults live, and also the schema: a key missing here is an unknown key. Services are
// a map keyed by instance name, so each entry's keys live in serviceDefaults.
// An empty state_dir means $STATE_DIRECTORY, else ./state; an empty alerts_channel_id
// means channel_id.
func defaults() map[string]any {
	return map[string]any{
		"discord": map[string]any{
			"token":             "",
			"token_file":        "",
			"application_id":    "",
			"guild_id":          "",
			"channel_id":        "",
			"alerts_channel_id": "",
			"admin_role_ids":    []string{},
			"admin_user_ids":    []string{},
			"mention_role_id":   "",
			"api_url":           "https://discord.com/",
			"board_refresh":     "30s",
		},
		"services":  map[string]any{},
		"state_dir": "",
		"log": map[string]any{
			"level":  "info",
			"format": "auto",
		},
		"metrics": map[string]any{
			"listen": "",
		},
	}
}

// serviceDefaults returns every key of one services entry with its default value.
func serviceDefaults() map[string]any {
	return map[string]any{
		"kind":                 "",
		"url":                  "",
		"api_key":              "",
		"api_key_file":         "",
		"username":             "",
		"password":             "",
		"password_file":        "",
		"interval":             "30s",
		"timeout":              "10s",
		"ca_file":              "",
		"insecure_skip_verify": false,
		"include_unknown":      false,
	}
}
