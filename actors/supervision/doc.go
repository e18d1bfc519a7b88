// Package supervision holds discarr's rules for running actors on protoactor-go: the
// actor system with our logger, receiver middleware that logs a panic's stack before
// the supervisor restarts the actor, and a restart strategy whose backoff really grows
// and that gives up on an actor that keeps crashing.
package supervision
