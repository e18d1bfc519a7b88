package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// freeAddr finds a free loopback port for discarr's metrics endpoint.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// scrapeMetrics reads discarr's goroutine count and its own ack-latency histogram.
// A failure leaves the fields null: they are extras, not checks.
func scrapeMetrics(addr string, res *result) {
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + addr + "/metrics")
	if err != nil {
		return
	}
	defer resp.Body.Close()
	g, p99 := parseMetrics(resp.Body)
	res.Goroutines, res.InnerAckP99MS = g, p99
}

// parseMetrics picks go_goroutines and the 99th percentile bucket bound of
// discarr_interaction_ack_seconds out of the Prometheus text format.
func parseMetrics(r io.Reader) (*int, *float64) {
	var goroutines *int
	buckets := map[float64]float64{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		name, value, ok := strings.Cut(line, " ")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(value), 64)
		if err != nil {
			continue
		}
		switch {
		case name == "go_goroutines":
			n := int(v)
			goroutines = &n
		case strings.HasPrefix(name, `discarr_interaction_ack_seconds_bucket{le="`):
			le := strings.TrimSuffix(strings.TrimPrefix(name, `discarr_interaction_ack_seconds_bucket{le="`), `"}`)
			if bound, err := strconv.ParseFloat(le, 64); err == nil {
				buckets[bound] = v
			}
		}
	}
	return goroutines, percentileBound(buckets, 0.99)
}

// percentileBound is the smallest bucket bound holding at least q of the
// observations, in milliseconds; nil when there were none.
func percentileBound(buckets map[float64]float64, q float64) *float64 {
	bounds := make([]float64, 0, len(buckets))
	for b := range buckets {
		bounds = append(bounds, b)
	}
	sort.Float64s(bounds)
	if len(bounds) == 0 || buckets[bounds[len(bounds)-1]] == 0 {
		return nil
	}
	total := buckets[bounds[len(bounds)-1]] // the +Inf bucket
	for _, b := range bounds {
		if buckets[b] >= q*total {
			ms := b * 1000
			return &ms
		}
	}
	return nil
}
