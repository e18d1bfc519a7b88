package messages

import "time"

// PollNow asks a service actor to poll at once. The actor answers with Polled when
// the poll ends, whatever its outcome.
type PollNow struct{}

// Polled answers PollNow.
type Polled struct {
	Service string
	Err     string
	Latency time.Duration
}

// ServiceStatus asks a service actor what it is doing, answered with ServiceState. It
// is answered at once even while a poll hangs.
type ServiceStatus struct{}

// ServiceState answers ServiceStatus.
type ServiceState struct {
	Service, Kind string
	// InFlightSince is when the running poll started; zero when idle.
	InFlightSince time.Time
	Polls, Errors int
}

// QueryDownloads asks the store for the downloads board model.
type QueryDownloads struct{}

// QueryHealth asks the store for the health board model.
type QueryHealth struct{}

// Subscribe asks the store to push every new board model to the sender.
type Subscribe struct{}

// Ping asks a core actor to prove it is alive; it answers Pong.
type Ping struct{}

// Pong answers Ping.
type Pong struct{}

// ServiceFailed tells the store that a service's actors were given up on after
// crashing again and again.
type ServiceFailed struct {
	Service, Kind string
	Reason        string
	At            time.Time
}

// ServicesChanged tells the store which services exist, after start or a reload, so
// that removed services leave the boards.
type ServicesChanged struct {
	Services map[string]string // name → kind
}

// Summary is the stack at a glance: the store publishes it on the actor system's
// event stream whenever it changes, so that readers which must never wait for an
// actor (systemd's STATUS= line) can keep the latest one. A published Summary is
// never modified afterwards.
type Summary struct {
	// Services is how many services are configured.
	Services int
	// Down is how many services are Critical, those given up on included; DownNames
	// names them all, sorted.
	Down      int
	DownNames []string
	// Unknown is how many services are neither up nor down: not probed yet, or not
	// started.
	Unknown int
	// Downloading is how many rows of the downloads board are downloading, a download
	// that an *arr app and its client both report counted once. It is zero until the
	// downloads board was first asked for.
	Downloading int
}
