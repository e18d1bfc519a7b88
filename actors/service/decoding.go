package service

import (
	"context"
	"runtime"
)

// decodeSlots bounds how many clients decode at once. Decoding a large queue is
// the one thing discarr spends real CPU on; with hundreds of services polling, their
// decoders would otherwise fill every run queue, and the goroutines that answer
// interactions would wait behind them for a processor. One processor is kept free.
var decodeSlots = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)-1))

// decoding waits for a decode slot; the returned function gives it back.
func decoding(ctx context.Context) (func(), error) {
	select {
	case decodeSlots <- struct{}{}:
		return func() { <-decodeSlots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
