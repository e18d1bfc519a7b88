package main

import "errors"

// bench runs the load scenarios. It is built out in its own file set.
func bench(args []string) error {
	return errors.New("bench: not built yet")
}
