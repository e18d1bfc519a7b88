package config

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
)

// defaultPorts are the ports a URL leaves out by default.
var defaultPorts = map[string]string{"http": "80", "https": "443"}

// url checks and normalises a base URL. Problems never quote the URL: it may hold a
// password or token by mistake.
func (b *builder) baseURL(key, raw, example string) *url.URL {
	u, msg := parseBaseURL(strings.TrimSpace(raw), example)
	if msg != "" {
		b.p.add(key, msg)
	}
	return u
}

// parseBaseURL returns the normalised URL or what is wrong with it.
func parseBaseURL(raw, example string) (*url.URL, string) {
	absolute := "must be an absolute http or https URL, e.g. " + example
	switch {
	case raw == "":
		return nil, "required, e.g. " + example
	case strings.Contains(raw, "@"):
		return nil, "must not contain credentials: set username and password_file " +
			"(or api_key_file) instead"
	case !strings.Contains(raw, "://"):
		return nil, absolute
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, "not a valid URL: " + err.Error()
	}

	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, absolute
	case u.Hostname() == "":
		return nil, "has no host, e.g. " + example
	case u.RawQuery != "" || u.ForceQuery:
		return nil, "must not contain a query (?...): credentials go in api_key or password"
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, "must not contain a fragment (#...)"
	}
	port := u.Port()
	if n, err := strconv.Atoi(port); port != "" && (err != nil || n < 1 || n > 65535) {
		return nil, "port must be between 1 and 65535"
	}
	return normalise(u), ""
}

// normalise drops the scheme's default port and the path's trailing slashes, keeping
// the base path of a service behind a reverse proxy.
func normalise(u *url.URL) *url.URL {
	host := strings.TrimSuffix(strings.ToLower(u.Host), ":")
	if u.Port() == defaultPorts[u.Scheme] {
		host = strings.TrimSuffix(host, ":"+u.Port())
	}
	out := &url.URL{Scheme: u.Scheme, Host: host, Path: strings.TrimRight(u.Path, "/")}
	if u.RawPath != "" {
		out.RawPath = strings.TrimRight(u.RawPath, "/")
	}
	return out
}
