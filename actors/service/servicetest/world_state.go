package servicetest

import (
	"strings"
	"time"
)

// DownloadStatus is a Download as it is at one instant.
type DownloadStatus struct {
	Download
	Phase       Phase
	Done        int64         // bytes downloaded
	Speed       int64         // download bytes/s now
	UpSpeed     int64         // upload bytes/s now
	Uploaded    int64         // bytes uploaded
	ETA         time.Duration // time left to download; -1 when unknown or infinite
	CompletedAt time.Time     // zero until complete
	Paused      bool          // stopped by the user (or created paused)
	// InQueue reports whether the tracking *arr application still lists the download:
	// finished downloads leave its queue ImportAfter after completing.
	InQueue bool
}

// Progress returns the downloaded fraction, 0 to 1.
func (s DownloadStatus) Progress() float64 {
	if s.Size <= 0 {
		return 0
	}
	return float64(s.Done) / float64(s.Size)
}

// Left returns the bytes still to download.
func (s DownloadStatus) Left() int64 { return s.Size - s.Done }

// Snapshot returns every download not removed as it is now, in creation order.
func (w *World) Snapshot() []DownloadStatus {
	now := w.clock()
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]DownloadStatus, 0, len(w.downloads))
	for _, e := range w.downloads {
		if !e.removed {
			out = append(out, w.status(e, now))
		}
	}
	return out
}

// Status returns the download with the given hash (any case) as it is now.
func (w *World) Status(hash string) (DownloadStatus, bool) {
	now := w.clock()
	w.mu.Lock()
	defer w.mu.Unlock()
	if e := w.find(hash); e != nil {
		return w.status(e, now), true
	}
	return DownloadStatus{}, false
}

// Pause stops the download with the given hash (any case); it reports whether one was found.
func (w *World) Pause(hash string) bool { return w.setPaused(hash, true) }

// Resume restarts the download with the given hash (any case); it reports whether one
// was found.
func (w *World) Resume(hash string) bool { return w.setPaused(hash, false) }

// Remove deletes the download with the given hash (any case) from the client and every
// queue; it reports whether one was found.
func (w *World) Remove(hash string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if e := w.find(hash); e != nil {
		e.removed = true
		return true
	}
	return false
}

// setPaused pauses or resumes one download at the clock's current time.
func (w *World) setPaused(hash string, paused bool) bool {
	now := w.clock()
	w.mu.Lock()
	defer w.mu.Unlock()
	e := w.find(hash)
	if e == nil {
		return false
	}
	switch {
	case paused && !e.paused:
		e.paused, e.pausedAt = true, now
	case !paused && e.paused:
		e.paused = false
		e.pausedTotal += now.Sub(e.pausedAt)
	}
	return true
}

// find returns the live entry with the given hash, or nil. The caller holds w.mu.
func (w *World) find(hash string) *entry {
	for _, e := range w.downloads {
		if !e.removed && strings.EqualFold(e.Hash, hash) {
			return e
		}
	}
	return nil
}

// status computes e at now. Time spent paused does not count: a paused download's
// whole timeline (queue wait, transfer, seeding, import) stands still.
func (w *World) status(e *entry, now time.Time) DownloadStatus {
	el := now.Sub(w.start) - e.pausedTotal
	if e.paused {
		el -= now.Sub(e.pausedAt)
	}
	el = max(el, 0)
	s := DownloadStatus{Download: e.Download, Done: e.StartDone, ETA: -1, Paused: e.paused}
	s.InQueue = e.Kind != KindOther || e.Unknown

	switch e.Behavior {
	case BehaviorMetadata:
		s.Phase, s.Done = PhaseMetadata, 0
	case BehaviorStall:
		s.Phase = PhaseStalled
	default:
		w.transfer(&s, el, now)
	}
	if e.paused && s.CompletedAt.IsZero() {
		s.Phase, s.Speed, s.ETA = PhasePaused, 0, -1
	}
	return s
}

// transfer fills s for a download that queues, downloads, completes and seeds, el being
// its unpaused time since the World began.
func (w *World) transfer(s *DownloadStatus, el time.Duration, now time.Time) {
	wait := s.StartAfter
	if el < wait {
		s.Phase = PhaseQueued
		return
	}
	need := time.Duration(float64(s.Size-s.StartDone) / s.Rate * float64(time.Second))
	if run := el - wait; run < need {
		s.Phase = PhaseDownloading
		s.Done = min(s.StartDone+int64(s.Rate*run.Seconds()), s.Size-1)
		s.Speed = int64(s.Rate)
		s.ETA = time.Duration(float64(s.Size-s.Done) / s.Rate * float64(time.Second))
		return
	}

	since := el - wait - need
	if s.StartDone >= s.Size {
		// Complete before the World began: it finished up to an hour before, never
		// before it was added.
		since += min(time.Hour, max(w.start.Sub(s.Added)-time.Minute, 0))
	}
	s.Done = s.Size
	s.ETA = 0
	s.CompletedAt = now.Add(-since).Truncate(time.Second)
	seeded := min(since, w.seedFor)
	s.Uploaded = int64(s.Rate / 4 * seeded.Seconds())
	switch {
	case s.Paused:
		s.Phase = PhaseStopped
	case since < w.seedFor:
		s.Phase, s.UpSpeed = PhaseUploading, int64(s.Rate/4)
	default:
		s.Phase = PhaseSeeding
	}
	finishes := s.Behavior == BehaviorFinish || s.Behavior == BehaviorQueued ||
		s.Behavior == BehaviorPaused
	if finishes && !s.Unknown && since >= w.importAfter {
		s.InQueue = false
	}
}
