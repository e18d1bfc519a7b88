package service

import (
	"strings"
	"time"

	"github.com/discarr/discarr/messages"
)

// Reasons discarr supplies when a record names none of its own.
const (
	reasonClientUnavailable = "Download client unavailable"
	reasonDelayed           = "Delayed by a delay profile"
	reasonFailed            = "Download failed"
	reasonBlocked           = "Needs manual import"
)

// arrState maps a record's status (the download client's side) and trackedDownloadState
// (the *arr app's side) onto a State. An active transfer wins over an import problem left
// from an earlier attempt: it keeps its state and is only flagged with warning. fallback
// is a reason for when the record gives none.
func arrState(r *arrRecord) (state messages.State, warning bool, fallback string) {
	status := strings.ToLower(r.Status.String())
	tracked := strings.ToLower(r.TrackedState.String())
	health := strings.ToLower(r.Tracked.String())
	blocked := tracked == "importblocked" || tracked == "importpending"
	flagged := health == "warning" || health == "error" || blocked ||
		tracked == "failedpending" || tracked == "failed"
	nothingLeft := r.SizeLeft.OK && r.SizeLeft.V <= 0 && r.Size.OK && r.Size.V > 0

	switch status {
	case "downloading", "queued":
		if nothingLeft && blocked {
			return messages.StateImportBlocked, false, reasonBlocked
		}
		if status == "queued" {
			return messages.StateQueued, flagged, ""
		}
		return messages.StateDownloading, flagged, ""
	case "completed":
		return completedState(tracked, flagged)
	case "failed":
		return messages.StateFailed, false, reasonFailed
	case "paused":
		return messages.StatePaused, flagged, ""
	case "delay":
		return messages.StateQueued, flagged, reasonDelayed
	case "warning":
		// The download client reports a problem, e.g. a stalled torrent or a tracker error.
		return messages.StateStalled, true, ""
	case "downloadclientunavailable":
		return messages.StateUnknown, true, reasonClientUnavailable
	}
	return trackedOnly(tracked, flagged)
}

// completedState maps a finished download by what the *arr app does with it.
func completedState(tracked string, flagged bool) (messages.State, bool, string) {
	switch tracked {
	case "importblocked", "importpending":
		return messages.StateImportBlocked, false, reasonBlocked
	case "failed", "failedpending", "importfailed", "downloadfailed", "downloadfailedpending":
		return messages.StateFailed, false, reasonFailed
	case "imported", "ignored":
		return messages.StateCompleted, flagged, ""
	}
	return messages.StateImporting, flagged, ""
}

// trackedOnly maps a record whose status says nothing known (unknown, fallback, empty
// or a value added later) by its tracked state, else StateUnknown.
func trackedOnly(tracked string, flagged bool) (messages.State, bool, string) {
	switch tracked {
	case "importing":
		return messages.StateImporting, flagged, ""
	case "imported":
		return messages.StateCompleted, flagged, ""
	case "failed", "importfailed", "downloadfailed":
		return messages.StateFailed, false, reasonFailed
	}
	return messages.StateUnknown, flagged, ""
}

// rawState keeps the service's own words: status, then the tracked state.
func rawState(r *arrRecord) string {
	status, tracked := r.Status.String(), r.TrackedState.String()
	switch {
	case status == "":
		return tracked
	case tracked == "":
		return status
	}
	return status + "/" + tracked
}

// arrETA says when a record's download should end: nothing left → none; else the
// estimated completion time; else now plus timeleft; else unknown (stalled torrents
// come without either).
func arrETA(r *arrRecord, state messages.State, now time.Time) messages.ETA {
	if r.SizeLeft.OK && r.SizeLeft.V <= 0 {
		return messages.ETA{Kind: messages.ETANone}
	}
	switch state {
	case messages.StateCompleted, messages.StateImporting, messages.StateImportBlocked:
		return messages.ETA{Kind: messages.ETANone}
	}
	if r.Estimated.OK {
		return messages.KnownETA(r.Estimated.V)
	}
	if r.TimeLeft.OK && r.TimeLeft.V > 0 {
		return messages.KnownETA(now.Add(r.TimeLeft.V))
	}
	return messages.ETA{Kind: messages.ETAUnknown}
}

// arrDownload maps one record; the title and key are set when rows are grouped.
func arrDownload(
	r *arrRecord, service, kind string, media messages.Media, now time.Time,
) messages.Download {
	release := strings.TrimSpace(r.Title.String())
	state, warning, fallback := arrState(r)
	d := messages.Download{
		Service:  service,
		Kind:     kind,
		ClientID: strings.ToLower(strings.TrimSpace(r.DownloadID.String())),
		Release:  release,
		Media:    media,
		Protocol: strings.ToLower(r.Protocol.String()),
		Client:   r.Client.String(),
		State:    state,
		RawState: rawState(r),
		Warning:  warning,
		Left:     -1,
		ETA:      arrETA(r, state, now),
		Indexer:  r.Indexer.String(),
	}
	if r.Size.OK && r.Size.V > 0 {
		d.Size = r.Size.V
	}
	if r.SizeLeft.OK && r.SizeLeft.V >= 0 {
		d.Left = r.SizeLeft.V
	}
	if r.Added.OK {
		d.Added = r.Added.V
	}
	d.Reason = reasonText(release, r.Messages, r.ErrorMessage.String())
	switch {
	case fallback == reasonClientUnavailable && d.Reason != "":
		d.Reason = clipRunes(fallback+"; "+d.Reason, maxReason)
	case d.Reason == "":
		d.Reason = fallback
	}
	return d
}
