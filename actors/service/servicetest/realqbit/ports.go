package realqbit

import (
	"errors"
	"fmt"
	"net"
	"sync"
)

// handedOut remembers every port this process gave to a daemon, so that two
// daemons started at the same moment never get the same one.
var handedOut = struct {
	sync.Mutex
	ports map[int]bool
}{ports: map[int]bool{}}

// freePort returns a loopback port that is free for TCP and, when udp is set,
// for UDP too (the BitTorrent session listens for uTP on the same number).
//
// Limitation: the port is closed again before the daemon binds it, so another
// process may take it in between; Start notices that and retries.
func freePort(udp bool) (int, error) {
	for range 20 {
		port, err := tryPort(udp)
		if err != nil {
			return 0, err
		}
		handedOut.Lock()
		taken := handedOut.ports[port]
		handedOut.ports[port] = true
		handedOut.Unlock()
		if !taken && port > 0 {
			return port, nil
		}
	}
	return 0, errors.New("find free loopback port: every candidate was already handed out")
}

// tryPort asks the kernel for one free TCP port, then checks UDP on it.
// A port whose UDP side is taken is reported as 0.
func tryPort(udp bool) (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find free loopback port: %w", err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	if !udp {
		return port, nil
	}
	u, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: port})
	if err != nil {
		return 0, nil
	}
	_ = u.Close() // only a probe that the port is free
	return port, nil
}
