package verify

import (
	"fmt"
	"time"

	"github.com/hmacctl/hmacctl/sign"
)

// AgePolicy says how a received timestamp's distance from the clock is
// judged.
type AgePolicy struct {
	// MaxAge bounds the distance; 0 disables the check.
	MaxAge time.Duration
	// Enforce makes a timestamp outside MaxAge, or in a form other than
	// the scheme's, fail the verification. Otherwise (a timestamp the
	// user typed on purpose) it is reported only.
	Enforce bool
}

// AgeVerdict is what a timestamp check found.
type AgeVerdict int

const (
	// AgeNotChecked: the scheme signs no time, or there is no timestamp.
	AgeNotChecked AgeVerdict = iota
	// AgeWithin: within the policy's MaxAge, or MaxAge is 0.
	AgeWithin
	// AgeWrongForm: written in another form than the scheme's (seconds
	// for a milliseconds vendor); said before any talk of clocks.
	AgeWrongForm
	// AgeUnreadable: not a time at all.
	AgeUnreadable
	// AgeTooOld: further behind the clock than MaxAge.
	AgeTooOld
	// AgeAhead: further ahead of the clock than MaxAge.
	AgeAhead
	// AgeExpired: an expiry time that has passed.
	AgeExpired
)

// Age is a timestamp judged against the clock.
type Age struct {
	Verdict AgeVerdict
	// Form is the form the timestamp is written in; Expected the
	// scheme's.
	Form, Expected TimestampForm
	// Vendor names the scheme, for messages.
	Vendor string
	// Time is when the request was signed (or expires); Now the clock it
	// was judged against.
	Time, Now time.Time
	// Expiry says Time is an expiry rather than a signing time.
	Expiry bool
	// MaxAge is the bound applied; 0 when the check was disabled.
	MaxAge time.Duration
	// Failed says the verdict fails the verification under the policy.
	Failed bool
}

// CheckAge judges the timestamp ts, as received, against now under the
// policy; vendor names the scheme in messages. The timestamp's form is checked first, so that seconds sent to
// a milliseconds vendor are named as such rather than as a clock 50 years
// slow.
func (p AgePolicy) CheckAge(s *sign.Scheme, vendor, ts string, now time.Time) Age {
	a := Age{Vendor: vendor, Now: now, Expiry: s.TimestampIsExpiry(), MaxAge: p.MaxAge}
	if ts == "" || s.TimestampFormat() == sign.NoTimestamp {
		return a
	}
	a.Form, a.Expected = DetectTimestampForm(ts), ExpectedForm(s.TimestampFormat())
	t, err := s.TimestampFormat().Parse(ts)
	if a.Form != a.Expected || err != nil {
		a.Verdict = AgeWrongForm
		if a.Form == FormUnknown {
			a.Verdict = AgeUnreadable
		}
		if t2, ok := ParseTimestampForm(ts, a.Form); ok {
			a.Time = t2
		}
		a.Failed = p.Enforce && p.MaxAge > 0
		return a
	}
	a.Time = t
	a.Verdict = AgeWithin
	if p.MaxAge <= 0 {
		return a
	}
	switch ahead := t.Sub(now); {
	case a.Expiry && ahead < 0:
		a.Verdict = AgeExpired
	case a.Expiry && ahead > p.MaxAge:
		a.Verdict = AgeAhead
	case !a.Expiry && -ahead > p.MaxAge:
		a.Verdict = AgeTooOld
	case !a.Expiry && ahead > p.MaxAge:
		a.Verdict = AgeAhead
	}
	a.Failed = p.Enforce && a.Verdict != AgeWithin
	return a
}

// Problem says what is wrong with the timestamp, for people; "" when
// nothing is. It names no flag: callers add how to change the bound.
func (a Age) Problem() string {
	switch a.Verdict {
	case AgeWrongForm:
		msg := fmt.Sprintf("the timestamp is %s; %s expects %s", a.Form.Phrase(), a.Vendor, a.Expected)
		if !a.Time.IsZero() {
			msg += fmt.Sprintf(" (read as %s: %s)", a.Form, a.dated())
		}
		return msg
	case AgeUnreadable:
		return fmt.Sprintf("the timestamp is not a time; %s expects %s", a.Vendor, a.Expected)
	case AgeTooOld:
		return fmt.Sprintf("the timestamp is %s old, more than the maximum age of %s (%s): the request is old, or the signer's clock is slow", HumanDuration(a.Now.Sub(a.Time)), HumanDuration(a.MaxAge), a.dated())
	case AgeAhead:
		if a.Expiry {
			return fmt.Sprintf("the expiry is %s ahead, more than the maximum of %s (%s)", HumanDuration(a.Time.Sub(a.Now)), HumanDuration(a.MaxAge), a.dated())
		}
		return fmt.Sprintf("the timestamp is %s ahead of this machine's clock, more than the maximum age of %s (%s): the signer's clock is fast", HumanDuration(a.Time.Sub(a.Now)), HumanDuration(a.MaxAge), a.dated())
	case AgeExpired:
		return fmt.Sprintf("the request expired %s ago (%s)", HumanDuration(a.Now.Sub(a.Time)), a.dated())
	}
	return ""
}

// Info says when the request was signed (or expires) against the clock,
// whether or not that is a problem; "" when there is no time to tell.
func (a Age) Info() string {
	if a.Time.IsZero() || a.Verdict == AgeWrongForm {
		return ""
	}
	return a.dated()
}

// ClockProblem says whether the problem is the clock's (advice to sync
// the signer's clock helps) rather than the timestamp's form.
func (a Age) ClockProblem() bool { return a.Verdict == AgeTooOld || a.Verdict == AgeAhead }

func (a Age) dated() string {
	if a.Expiry {
		return Dated("expires", a.Time, a.Now)
	}
	return Dated("signed", a.Time, a.Now)
}
