package supervisor_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/discarr/discarr/actors/service"
	"github.com/discarr/discarr/config"
)

// dnsStub is a DNS server on a 127.0.0.1 UDP port that answers every query with
// NXDOMAIN and remembers the names asked for.
type dnsStub struct {
	conn  net.PacketConn
	mu    sync.Mutex
	names []string
}

// startDNSStub runs a dnsStub until the test ends.
func startDNSStub(t *testing.T) *dnsStub {
	t.Helper()
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := &dnsStub{conn: conn}
	go d.serve()
	t.Cleanup(func() { _ = conn.Close() })
	return d
}

func (d *dnsStub) serve() {
	buf := make([]byte, 1500)
	for {
		n, from, err := d.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		name, reply := nxdomain(buf[:n])
		if reply == nil {
			continue
		}
		d.mu.Lock()
		d.names = append(d.names, name)
		d.mu.Unlock()
		_, _ = d.conn.WriteTo(reply, from)
	}
}

// asked reports whether a query for host (any case, with or without the root dot)
// reached the stub.
func (d *dnsStub) asked(host string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, n := range d.names {
		if strings.EqualFold(strings.TrimSuffix(n, "."), host) {
			return true
		}
	}
	return false
}

// nxdomain parses a query's header and question and returns the queried name and an
// answer saying the name does not exist; nil for a packet that is not a query.
func nxdomain(q []byte) (string, []byte) {
	const header = 12
	if len(q) < header || q[2]&0x80 != 0 || q[4] != 0 || q[5] != 1 {
		return "", nil // too short, a response, or not exactly one question
	}
	var labels []string
	i := header
	for i < len(q) && q[i] != 0 {
		l := int(q[i])
		if l > 63 || i+1+l > len(q) {
			return "", nil
		}
		labels = append(labels, string(q[i+1:i+1+l]))
		i += 1 + l
	}
	end := i + 1 + 4 // the root label, then QTYPE and QCLASS
	if end > len(q) {
		return "", nil
	}

	r := make([]byte, 0, end)
	r = append(r, q[0], q[1])             // the query's ID
	r = append(r, 0x80|(q[2]&0x79))       // QR, the query's opcode and RD
	r = append(r, 0x80|3)                 // RA, RCODE 3: the name does not exist
	r = append(r, 0, 1, 0, 0, 0, 0, 0, 0) // one question, no records
	r = append(r, q[header:end]...)
	return strings.Join(labels, ".") + ".", r
}

// resolvingThrough returns an Options.HTTP hook: the service named name gets an HTTP
// client whose every lookup goes to the DNS server at addr, and nowhere else; the
// other services get discarr's own client.
func resolvingThrough(name, addr string) func(config.Service) (*http.Client, error) {
	resolver := &net.Resolver{PreferGo: true,
		Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "udp", addr)
		}}
	dialer := &net.Dialer{Timeout: 5 * time.Second, Resolver: resolver}
	return func(sc config.Service) (*http.Client, error) {
		if sc.Name == name {
			return &http.Client{Transport: &http.Transport{DialContext: dialer.DialContext}}, nil
		}
		return service.NewHTTPClient(service.TLSOptions{CAFile: sc.CAFile,
			InsecureSkipVerify: sc.InsecureSkipVerify})
	}
}
