package cmd

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// progressMin is the transfer size from which a progress line is shown.
const progressMin = 4 << 20

// progress counts bytes through a reader and redraws one line on stderr,
// at most every interval, then ends it with a newline on Close or EOF.
type progress struct {
	r        io.Reader
	closer   io.Closer
	w        io.Writer
	label    string
	total    int64 // -1 when unknown
	done     int64
	last     time.Time
	interval time.Duration
	now      func() time.Time
	finish   sync.Once
	drawn    bool
}

// withProgress wraps r with a progress line when stderr is a terminal and
// the transfer is large (or of unknown size); otherwise it returns r.
func withProgress(ios *IOStreams, now func() time.Time, label string, r io.ReadCloser, total int64) io.ReadCloser {
	if !ios.IsStderrTTY() || (total >= 0 && total < progressMin) {
		return r
	}
	return &progress{r: r, closer: r, w: ios.ErrOut, label: label, total: total, interval: 200 * time.Millisecond, now: now}
}

func (p *progress) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.done += int64(n)
	if t := p.now(); t.Sub(p.last) >= p.interval {
		p.last = t
		p.draw()
	}
	if err == io.EOF {
		p.end()
	}
	return n, err
}

func (p *progress) Close() error {
	p.end()
	return p.closer.Close()
}

func (p *progress) end() {
	p.finish.Do(func() {
		if p.drawn || p.done >= progressMin {
			p.draw()
			fmt.Fprintln(p.w) // never leave the line open for what follows
		}
	})
}

func (p *progress) draw() {
	p.drawn = true
	const mib = 1 << 20
	if p.total >= 0 {
		fmt.Fprintf(p.w, "\r%s %.1f / %.1f MiB (%d%%)", p.label, float64(p.done)/mib, float64(p.total)/mib, p.done*100/max(p.total, 1))
		return
	}
	fmt.Fprintf(p.w, "\r%s %.1f MiB", p.label, float64(p.done)/mib)
}
