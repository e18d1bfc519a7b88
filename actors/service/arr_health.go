package service

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/discarr/discarr/messages"
)

// arrAPILevel is the API level the Sonarr and Radarr clients speak.
const arrAPILevel = "v3"

// arrStatus is the part of /system/status a probe reads.
type arrStatus struct {
	Version flexString `json:"version"`
	AppName flexString `json:"appName"`
}

// arrHealthItem is one item of /health. wikiUrl is a plain string or null on the wire,
// though the OpenAPI document describes an object; both are accepted.
type arrHealthItem struct {
	Source  flexString `json:"source"`
	Type    flexString `json:"type"`
	Message flexString `json:"message"`
	WikiURL wikiURL    `json:"wikiUrl"`
}

// wikiURL is a health item's link, from a string or from an object's fullUri.
type wikiURL string

// UnmarshalJSON implements json.Unmarshaler.
func (w *wikiURL) UnmarshalJSON(b []byte) error {
	*w = ""
	if jsonKind(b) == '{' {
		var obj struct {
			FullURI flexString `json:"fullUri"`
		}
		if json.Unmarshal(b, &obj) == nil {
			*w = wikiURL(obj.FullURI)
		}
		return nil
	}
	text, err := scalarText(b, reflect.TypeFor[string]())
	if err == nil {
		*w = wikiURL(text)
	}
	return nil
}

// Probe reads /system/status (the liveness check) and /health.
func (c *arrClient) Probe(ctx context.Context) (Probe, error) {
	p := Probe{API: arrAPILevel}
	start := time.Now()
	var st arrStatus
	err := c.api.getJSON(ctx, "get system status", "api/v3/system/status", nil, &st)
	p.Latency = time.Since(start)
	if err != nil {
		return p, err
	}
	p.Version = strings.TrimSpace(st.Version.String())
	if got := strings.TrimSpace(st.AppName.String()); got != "" && !strings.EqualFold(got, c.api.app) {
		// Swapped ports (7878 and 8989) answer with the wrong app's data.
		return p, &Error{Op: "get system status", App: c.api.app, Service: c.api.service, Kind: NotFound,
			summary: fmt.Sprintf("this URL answers as %s, not %s: check the url", got, c.api.app)}
	}

	var raws []json.RawMessage
	if err := c.api.getJSON(ctx, "get health", "api/v3/health", nil, &raws); err != nil {
		return p, err
	}
	p.Warnings = c.warnings(raws)
	return p, nil
}

// warnings maps health items, skipping "ok" items and items that cannot be read.
func (c *arrClient) warnings(raws []json.RawMessage) []messages.Warning {
	out := make([]messages.Warning, 0, len(raws))
	for _, raw := range raws {
		var it arrHealthItem
		if err := json.Unmarshal(raw, &it); err != nil {
			c.shapes.note("health item", err)
			continue
		}
		level := healthLevel(it.Type.String())
		if level == "" {
			continue
		}
		out = append(out, messages.Warning{
			Source:  strings.TrimSpace(it.Source.String()),
			Level:   level,
			Message: strings.TrimSpace(it.Message.String()),
			WikiURL: httpLink(string(it.WikiURL)),
		})
	}
	return out
}

// healthLevel maps a health item's type: notice, warning and error stay, "ok" is no
// warning at all (""), and anything else counts as a warning.
func healthLevel(t string) string {
	switch t = strings.ToLower(strings.TrimSpace(t)); t {
	case "ok":
		return ""
	case "notice", "warning", "error":
		return t
	}
	return "warning"
}

// httpLink returns s when it is an absolute http(s) URL with a host, else "".
func httpLink(s string) string {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return s
}
