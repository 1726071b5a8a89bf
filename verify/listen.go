package verify

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// Limits bound a verifying server that may face a network: how long a
// client may take, and how many connections it may hold.
type Limits struct {
	// HeaderTimeout bounds reading a request's header; BodyTimeout its
	// whole (header and body); IdleTimeout a kept-alive connection
	// waiting for its next request; WriteTimeout the answer.
	HeaderTimeout, BodyTimeout, IdleTimeout, WriteTimeout time.Duration
	// MaxConns bounds the connections open at once; more wait to be
	// accepted.
	MaxConns int
	// Grace is how long a shutdown waits for requests in progress before
	// closing what is left (stalled connections).
	Grace time.Duration
}

// DefaultLimits are the limits of `verify --listen`.
var DefaultLimits = Limits{
	HeaderTimeout: 10 * time.Second,
	BodyTimeout:   60 * time.Second,
	IdleTimeout:   30 * time.Second,
	WriteTimeout:  60 * time.Second,
	MaxConns:      256,
	Grace:         5 * time.Second,
}

// Serve answers requests on ln until ctx is done, then shuts down: the
// requests in progress get up to Grace to finish, and whatever is still
// open after it (a client that stalled mid-body) is closed. A shutdown
// asked for by ctx is not an error.
func (s *Server) Serve(ctx context.Context, ln net.Listener, limits Limits) error {
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: limits.HeaderTimeout,
		ReadTimeout:       limits.BodyTimeout,
		IdleTimeout:       limits.IdleTimeout,
		WriteTimeout:      limits.WriteTimeout,
		// "OPTIONS *" gets a verdict like any other request, not Go's
		// blanket 200.
		DisableGeneralOptionsHandler: true,
	}
	if limits.MaxConns > 0 {
		ln = &limitListener{Listener: ln, slots: make(chan struct{}, limits.MaxConns), closed: make(chan struct{})}
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	grace, cancel := context.WithTimeout(context.Background(), limits.Grace)
	defer cancel()
	if err := srv.Shutdown(grace); err != nil {
		if !errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		srv.Close()
		// The handlers of the connections just closed end with a read
		// error; let them log it before the caller says it stopped.
		finished := make(chan struct{})
		go func() { s.inflight.Wait(); close(finished) }()
		select {
		case <-finished:
		case <-time.After(time.Second):
		}
	}
	return nil
}

// limitListener accepts at most cap(slots) connections at once.
type limitListener struct {
	net.Listener
	slots     chan struct{}
	closed    chan struct{}
	closeOnce sync.Once
}

func (l *limitListener) Accept() (net.Conn, error) {
	select {
	case l.slots <- struct{}{}:
	case <-l.closed:
		return nil, net.ErrClosed
	}
	c, err := l.Listener.Accept()
	if err != nil {
		<-l.slots
		return nil, err
	}
	return &limitConn{Conn: c, release: func() { <-l.slots }}, nil
}

func (l *limitListener) Close() error {
	l.closeOnce.Do(func() { close(l.closed) })
	return l.Listener.Close()
}

type limitConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}
