package service

import (
	"log/slog"
	"sync"
)

// maxShapes bounds how many distinct record faults a client remembers.
const maxShapes = 64

// shapeLog logs each distinct fault of a record at Debug once, so that a queue full of
// the same odd record does not flood the journal. Fault texts name fields and JSON
// kinds, never values, so they are safe to log and to use as keys.
type shapeLog struct {
	log  *slog.Logger
	mu   sync.Mutex
	seen map[string]bool
}

// newShapeLog returns a shapeLog writing to log.
func newShapeLog(log *slog.Logger) *shapeLog {
	return &shapeLog{log: log, seen: map[string]bool{}}
}

// note logs err for a skipped record of the named kind, the first time it is seen.
func (s *shapeLog) note(what string, err error) {
	shape := what + ": " + err.Error()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seen[shape] || len(s.seen) >= maxShapes {
		return
	}
	s.seen[shape] = true
	s.log.Debug("skipped a record that could not be read", "record", what, "err", err.Error())
}
