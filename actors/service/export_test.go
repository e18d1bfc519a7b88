package service

import "time"

// SetClock replaces the clock a qBittorrent client reads for its login back-off.
func SetClock(c Client, now func() time.Time) { c.(*qbClient).now = now }

// NormalizeBase exposes the base-URL normalisation to tests.
var NormalizeBase = normalizeBase
