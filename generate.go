package main

// Regenerate completions/, docs/man/ and docs/reference/ from the command
// tree; tools/gendocs/gendocs_test.go fails when they are out of date.
//go:generate go run ./tools/gendocs
