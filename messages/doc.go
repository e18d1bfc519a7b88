// Package messages is discarr's vocabulary: the domain types that describe a media
// stack (downloads, health, snapshots, board models) and every message its actors
// exchange. It has no behaviour beyond small pure helpers, so that every actor
// package can depend on it and on nothing of each other.
package messages
