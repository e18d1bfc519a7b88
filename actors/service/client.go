package service

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/discarr/discarr/messages"
)

// Defaults for the Options a caller leaves zero.
const (
	// DefaultTimeout bounds one request when Options.Timeout is zero.
	DefaultTimeout = 10 * time.Second
	// DefaultMaxBody caps a response body when Options.MaxBody is zero.
	DefaultMaxBody = 16 << 20
)

// Options configure one client; the caller builds them from the config.
type Options struct {
	// Name is the instance name; Kind its kind: "sonarr", "radarr", "qbittorrent".
	Name, Kind string
	// URL is the base URL including any base path (urlBase or a reverse-proxy path).
	URL *url.URL
	// APIKey is the *arr API key; Username and Password the qBittorrent login.
	APIKey, Username, Password string
	// Timeout bounds each request; the caller's context deadline applies as well.
	Timeout time.Duration
	// IncludeUnknown asks an *arr app for queue items matched to no series or movie.
	IncludeUnknown bool
	// HTTP is the client to send requests with; nil means NewHTTPClient(TLSOptions{}).
	HTTP *http.Client
	// Logger receives the client's Debug lines and its rare warnings; nil discards them.
	Logger *slog.Logger
	// MaxBody caps the size of a response body; zero means DefaultMaxBody.
	MaxBody int64
}

// Client is one service's API. Its methods are safe to call from one goroutine at a
// time: the service actor and the probe actor each own a Client of their own.
type Client interface {
	// Poll reads the service's queue. The Snapshot's Service, Kind, At, Latency, Total
	// and Skipped are filled in on success; on failure Err holds the error's Summary.
	Poll(ctx context.Context) (messages.Snapshot, error)
	// Probe checks liveness and reads the version, API level, warnings and transfer
	// stats. On failure the Probe holds what was learned before the failing call.
	Probe(ctx context.Context) (Probe, error)
}

// Probe is the outcome of one health probe.
type Probe struct {
	// Version is the application's version; API its API level ("v3", or qBittorrent's
	// WebAPI version such as "2.11.2").
	Version, API string
	// Warnings are the service's own health items (the *arr /health list).
	Warnings []messages.Warning
	// Stats holds a download client's global transfer figures; nil for other kinds.
	Stats *messages.TransferStats
	// Latency is how long the first call of the probe, the liveness check, took.
	Latency time.Duration
}

// constructor builds the client of one kind from checked Options.
type constructor func(o Options, a *api) (Client, error)

// builders is the registry of the kinds that have a client.
var builders = map[string]constructor{
	"sonarr":      func(o Options, a *api) (Client, error) { return newArr(o, a, sonarrApp), nil },
	"radarr":      func(o Options, a *api) (Client, error) { return newArr(o, a, radarrApp), nil },
	"qbittorrent": newQBittorrent,
}

// planned lists the kinds discarr knows of but has no client for yet.
var planned = []string{
	"lidarr", "readarr", "prowlarr", "transmission", "deluge", "sabnzbd", "nzbget",
	"plex", "jellyfin",
}

// appNames are the kinds' names as people write them.
var appNames = map[string]string{
	"sonarr": "Sonarr", "radarr": "Radarr", "qbittorrent": "qBittorrent",
}

// Kinds lists the kinds New can build a client for, sorted.
func Kinds() []string {
	kinds := make([]string, 0, len(builders))
	for k := range builders {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	return kinds
}

// New builds the client for o.Kind. A kind discarr knows but cannot talk to yet gets
// an error saying it is not supported yet; any other kind is an error too.
func New(o Options) (Client, error) {
	build, ok := builders[o.Kind]
	if !ok {
		if slices.Contains(planned, o.Kind) {
			return nil, fmt.Errorf("new client for %s: kind %s is not supported yet",
				o.Name, o.Kind)
		}
		return nil, fmt.Errorf("new client for %s: unknown kind %q", o.Name, o.Kind)
	}
	a, err := newAPI(&o)
	if err != nil {
		return nil, fmt.Errorf("new %s client for %s: %w", o.Kind, o.Name, err)
	}
	return build(o, a)
}

// newAPI checks o, fills its defaults in place and builds the request plumbing.
func newAPI(o *Options) (*api, error) {
	if o.URL == nil {
		return nil, fmt.Errorf("no URL")
	}
	base, err := normalizeBase(o.URL)
	if err != nil {
		return nil, err
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	o.Logger = o.Logger.With("service", o.Name, "kind", o.Kind)
	if o.HTTP == nil {
		if o.HTTP, err = NewHTTPClient(TLSOptions{}); err != nil {
			return nil, err
		}
	}
	a := &api{
		app:     appNames[o.Kind],
		service: o.Name,
		base:    base,
		client:  guardRedirects(o.HTTP),
		timeout: o.Timeout,
		maxBody: o.MaxBody,
	}
	for _, s := range []string{o.APIKey, o.Password} {
		if s != "" {
			a.secrets = append(a.secrets, s)
		}
	}
	return a, nil
}

// normalizeBase checks a base URL and returns a copy without query, fragment, trailing
// slashes or a default port (a proxy's Host or Origin check may compare it literally).
func normalizeBase(u *url.URL) (*url.URL, error) {
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("URL scheme %q: want http or https", u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("URL has no host")
	}
	b := *u
	b.RawQuery, b.Fragment, b.RawFragment, b.ForceQuery = "", "", "", false
	if p := b.Port(); (b.Scheme == "http" && p == "80") || (b.Scheme == "https" && p == "443") {
		b.Host = strings.TrimSuffix(b.Host, ":"+p)
	}
	b.Path = strings.TrimRight(b.Path, "/")
	b.RawPath = strings.TrimRight(b.RawPath, "/")
	return &b, nil
}
