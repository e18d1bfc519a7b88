package discordtest

import (
	"net/http"
	"net/url"
)

// Transport returns a RoundTripper that sends requests for discord.com to this
// emulator and everything else through base (http.DefaultTransport when nil). A
// discordgo Session computes its endpoint URLs at init, so this is how one is pointed
// at the emulator: session.Client = &http.Client{Transport: e.Transport(nil)}.
// The emulator must be listening.
func (e *Emulator) Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	u, _ := url.Parse(e.URL())
	return rewrite{target: u, base: base}
}

type rewrite struct {
	target *url.URL
	base   http.RoundTripper
}

// RoundTrip rewrites the scheme and host of discord.com requests.
func (rw rewrite) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Host == "discord.com" && rw.target != nil {
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host, r.Host = rw.target.Scheme, rw.target.Host, rw.target.Host
	}
	return rw.base.RoundTrip(r)
}
