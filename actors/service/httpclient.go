package service

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"
)

// TLSOptions say which certificates a client trusts.
type TLSOptions struct {
	// CAFile names a PEM bundle trusted in addition to the system's roots.
	CAFile string
	// InsecureSkipVerify turns certificate verification off altogether.
	InsecureSkipVerify bool
}

// Limits of the transport NewHTTPClient builds. A request's own deadline comes from
// Options.Timeout and the caller's context; these only stop a wedged stage early.
const (
	dialTimeout           = 10 * time.Second
	tlsHandshakeTimeout   = 10 * time.Second
	responseHeaderTimeout = 60 * time.Second
	idleConnTimeout       = 90 * time.Second
	maxRedirects          = 5
)

// NewHTTPClient returns an HTTP client with a transport of its own (never
// http.DefaultTransport), bounded dial, TLS and response-header stages, the proxy
// settings of the environment, and the system roots plus o.CAFile as trusted CAs.
func NewHTTPClient(o TLSOptions) (*http.Client, error) {
	tc := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: o.InsecureSkipVerify, //nolint:gosec // the admin's explicit choice
	}
	if o.CAFile != "" {
		pool, err := loadCAFile(o.CAFile)
		if err != nil {
			return nil, err
		}
		tc.RootCAs = pool
	}
	dialer := &net.Dialer{Timeout: dialTimeout, KeepAlive: 30 * time.Second}
	t := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           dialer.DialContext,
		TLSClientConfig:       tc,
		TLSHandshakeTimeout:   tlsHandshakeTimeout,
		ResponseHeaderTimeout: responseHeaderTimeout,
		ExpectContinueTimeout: time.Second,
		IdleConnTimeout:       idleConnTimeout,
		MaxIdleConnsPerHost:   4,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{Transport: t, CheckRedirect: checkRedirect}, nil
}

// loadCAFile returns the system roots with the certificates of a PEM file added.
func loadCAFile(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read ca_file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("read ca_file %s: no PEM certificate in it", path)
	}
	return pool, nil
}

// checkRedirect follows a few redirects, and drops the API key when one leads to
// another host or from https to http: net/http only drops its own credential headers.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return errors.New("stopped after 5 redirects")
	}
	first := via[0].URL
	if req.URL.Host != first.Host || (first.Scheme == "https" && req.URL.Scheme != "https") {
		req.Header.Del(apiKeyHeader)
	}
	return nil
}

// guardRedirects returns a copy of c that uses checkRedirect unless c has a redirect
// policy of its own, so a caller's client cannot leak the API key on a redirect.
func guardRedirects(c *http.Client) *http.Client {
	cc := *c
	if cc.CheckRedirect == nil {
		cc.CheckRedirect = checkRedirect
	}
	return &cc
}
