// Package sign is hmacctl's signing engine: it turns a request and a
// signing scheme into the exact bytes a vendor signs, the signature, and
// where the signature and its companions (key, timestamp, nonce) travel.
//
// The package is pure: no I/O, no globals, no hidden state, no vendor
// names. Time is passed in, and so is a body too large to hold in memory,
// as a reader (see [BodyStream]). A vendor's scheme is data (a [Spec]),
// written by package profiles from a definition file; [Compile] checks it
// once and turns its expressions into a [Scheme] that signs many requests
// quickly. A Scheme does not change once compiled: each [Scheme.Sign]
// works on its own allocations, nothing is cached from one request to the
// next, and one Scheme signs for many goroutines at once.
//
// Expressions in a Spec are Go expressions over the variables described
// in [Vars] and the functions listed in [Functions], parsed by the
// standard library's go/parser and compiled, with their types checked,
// into closures (see lang.go for the subset). A message that is a chain of
// + is split at compile time so that plain variables and literals are
// copied straight into the message.
package sign
