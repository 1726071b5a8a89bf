//go:build !race

package main

// raceEnabled is false in an ordinary build: peak-memory limits hold.
const raceEnabled = false
