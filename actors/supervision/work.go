package supervision

import (
	"fmt"
	"runtime/debug"

	"github.com/asynkron/protoactor-go/actor"
)

// Crashed carries a panic from an actor's background work back into the actor,
// which panics with it in Receive, where its supervisor sees it.
type Crashed struct {
	Value any
	Stack []byte
}

// String describes the panic, for the crash log.
func (c Crashed) String() string {
	return fmt.Sprintf("background work panicked: %v\n%s", c.Value, c.Stack)
}

// Go runs work in a goroutine of its own, so that an actor's mailbox never waits on
// I/O, and sends what it returns to self. A panic in work is sent as a Crashed
// instead of killing the process: the actor re-panics with it (see Crash).
func Go(system *actor.ActorSystem, self *actor.PID, work func() any) {
	go func() {
		defer func() {
			if r := recover(); r != nil {
				system.Root.Send(self, Crashed{Value: r, Stack: debug.Stack()})
			}
		}()
		system.Root.Send(self, work())
	}()
}
