package discord

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"context"
	"crypto/tls"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// errReconnectEarly is what reading the gateway returns when Discord sends op 7
// (reconnect) before the session is ready. discordgo's Open would handle that op
// while holding the Session's lock and take the same lock to close the socket: it
// would wait for itself forever. Failing the read makes Open return instead.
var errReconnectEarly = errors.New("discord asked to reconnect before the session was ready")

// maxInspected bounds the frames read whole while a session opens; HELLO and READY
// are far smaller, and a larger frame goes through unread.
const maxInspected = 4 << 20

// connWatch follows the gateway's current connection for the gateway actor. It sees
// what discordgo keeps to itself: the close code Discord ended the connection with,
// and an op 7 that arrives while Open runs. It also keeps the raw TCP connection, so
// that an Open stuck on a silent server can be freed by closing it.
type connWatch struct {
	opening atomic.Bool  // an Open call is running
	beat    atomic.Int64 // the heartbeat interval HELLO asked for, in ms

	mu   sync.Mutex
	raw  net.Conn
	code int // the close code of the connection's close frame, or 0
}

// dialer returns the websocket dialer for a Session: every connection it makes,
// plain or TLS, goes through the watch. tlsConf, when not nil, replaces the system's
// roots and settings for wss.
func (w *connWatch) dialer(tlsConf *tls.Config) *websocket.Dialer {
	tcp := &net.Dialer{Timeout: 15 * time.Second}
	return &websocket.Dialer{
		HandshakeTimeout: 15 * time.Second,
		NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			raw, err := tcp.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return w.watch(raw, raw), nil
		},
		NetDialTLSContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			raw, err := tcp.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			conf := &tls.Config{MinVersion: tls.VersionTLS12}
			if tlsConf != nil {
				conf = tlsConf.Clone()
			}
			if conf.ServerName == "" {
				conf.ServerName, _, _ = net.SplitHostPort(addr)
			}
			tc := tls.Client(raw, conf)
			if err := tc.HandshakeContext(ctx); err != nil {
				_ = raw.Close()
				return nil, err
			}
			return w.watch(raw, tc), nil
		},
	}
}

// watch makes raw the current connection and returns conn, the stream the
// websocket reads (raw itself, or TLS over it), wrapped to be watched.
func (w *connWatch) watch(raw, conn net.Conn) net.Conn {
	w.mu.Lock()
	w.raw, w.code = raw, 0
	w.mu.Unlock()
	return &watchedConn{Conn: conn, watch: w, in: bufio.NewReader(conn)}
}

// closeCode is the code of the close frame that ended the current connection, or 0
// when none came (the connection dropped, or is still open).
func (w *connWatch) closeCode() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.code
}

func (w *connWatch) setCode(code int) {
	w.mu.Lock()
	w.code = code
	w.mu.Unlock()
}

// close closes the current raw connection, which fails every read and write on it.
func (w *connWatch) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.raw != nil {
		_ = w.raw.Close()
		w.raw = nil
	}
}

// watchedConn passes the server's bytes through unchanged: first the HTTP answer to
// the upgrade, then WebSocket frames, reading each frame's header on the way. Close
// frames, and while the session opens every message frame, are read whole first so
// that they can be looked into. An answer other than 101 is passed on unread.
type watchedConn struct {
	net.Conn
	watch    *connWatch
	in       *bufio.Reader
	upgraded bool   // the HTTP answer has been passed on
	plain    bool   // not a websocket: pass everything on unread
	ready    []byte // read and looked at, not yet handed on
	left     int64  // bytes of the current frame's payload still to pass through unread
	err      error  // a sticky refusal
}

// WebSocket frame opcodes (RFC 6455, section 5.2).
const (
	opText   = 0x1
	opBinary = 0x2
	opClose  = 0x8
)

// Read hands on the server's bytes.
func (c *watchedConn) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	if c.plain && len(c.ready) == 0 {
		return c.in.Read(p)
	}
	if len(c.ready) == 0 && c.left == 0 {
		next := c.nextFrame
		if !c.upgraded {
			next = c.upgrade
		}
		if err := next(); err != nil {
			return 0, err
		}
	}
	if len(c.ready) > 0 {
		n := copy(p, c.ready)
		c.ready = c.ready[n:]
		return n, nil
	}
	n, err := c.in.Read(p[:min(int64(len(p)), c.left)])
	c.left -= int64(n)
	return n, err
}

// upgrade reads the HTTP answer's status line and headers.
func (c *watchedConn) upgrade() error {
	for first := true; ; first = false {
		line, err := c.in.ReadBytes('\n')
		c.ready = append(c.ready, line...)
		if err != nil {
			return err
		}
		if first && !bytes.Contains(line, []byte(" 101 ")) {
			c.plain = true
			return nil
		}
		if len(bytes.TrimRight(line, "\r\n")) == 0 {
			c.upgraded = true
			return nil
		}
	}
}

// nextFrame reads the next frame's header, and its payload too when it is to be
// looked into.
func (c *watchedConn) nextFrame() error {
	head, size, masked, err := readFrameHeader(c.in)
	if err != nil {
		return err
	}
	c.ready = head
	fin, opcode := head[0]&0x80 != 0, head[0]&0x0f
	whole := opcode == opClose ||
		(fin && (opcode == opText || opcode == opBinary) && c.watch.opening.Load() && size <= maxInspected)
	if !whole {
		c.left = size
		return nil
	}
	payload := make([]byte, size)
	if _, err := io.ReadFull(c.in, payload); err != nil {
		return err
	}
	c.ready = append(c.ready, payload...)
	plain := payload
	if masked {
		plain = unmask(head[len(head)-4:], payload)
	}
	if opcode == opClose {
		if len(plain) >= 2 {
			c.watch.setCode(int(binary.BigEndian.Uint16(plain)))
		}
		return nil
	}
	switch op, beat := gatewayOp(opcode, plain); op {
	case 7:
		c.err = errReconnectEarly
		return c.err
	case 10:
		c.watch.beat.Store(beat.Milliseconds())
	}
	return nil
}

// heartbeat is the interval Discord asked for in the last HELLO, or 0.
func (w *connWatch) heartbeat() time.Duration {
	return time.Duration(w.beat.Load()) * time.Millisecond
}

// readFrameHeader reads one frame header, returning its bytes, the payload length
// and whether the payload is masked.
func readFrameHeader(r *bufio.Reader) (head []byte, size int64, masked bool, err error) {
	head = make([]byte, 2, 14)
	if _, err = io.ReadFull(r, head); err != nil {
		return nil, 0, false, err
	}
	masked = head[1]&0x80 != 0
	size = int64(head[1] & 0x7f)
	ext := 0
	switch size {
	case 126:
		ext = 2
	case 127:
		ext = 8
	}
	if masked {
		ext += 4
	}
	head = head[:2+ext]
	if _, err = io.ReadFull(r, head[2:]); err != nil {
		return nil, 0, false, err
	}
	switch size {
	case 126:
		size = int64(binary.BigEndian.Uint16(head[2:]))
	case 127:
		size = int64(binary.BigEndian.Uint64(head[2:]) & (1<<63 - 1))
	}
	return head, size, masked, nil
}

func unmask(key, payload []byte) []byte {
	out := make([]byte, len(payload))
	for i, b := range payload {
		out[i] = b ^ key[i%4]
	}
	return out
}

// gatewayOp is the gateway opcode of a message frame's payload, zlib-compressed when
// binary, -1 when it cannot be read; and for HELLO (op 10) the heartbeat interval.
func gatewayOp(opcode byte, payload []byte) (int, time.Duration) {
	if opcode == opBinary {
		zr, err := zlib.NewReader(bytes.NewReader(payload))
		if err != nil {
			return -1, 0
		}
		defer zr.Close()
		if payload, err = io.ReadAll(io.LimitReader(zr, maxInspected)); err != nil {
			return -1, 0
		}
	}
	var frame struct {
		Op *int            `json:"op"`
		D  json.RawMessage `json:"d"`
	}
	if json.Unmarshal(payload, &frame) != nil || frame.Op == nil {
		return -1, 0
	}
	var hello struct {
		Interval float64 `json:"heartbeat_interval"`
	}
	if *frame.Op == 10 && json.Unmarshal(frame.D, &hello) == nil {
		return 10, time.Duration(hello.Interval * float64(time.Millisecond))
	}
	return *frame.Op, 0
}
