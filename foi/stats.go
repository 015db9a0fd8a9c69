package foi

import "time"

// ICOTimelinessTarget is the share of requests the ICO expects answered
// within the statutory time; authorities below it may be monitored (ICO
// FOI regulatory manual; remembered figure, not re-checked).
const ICOTimelinessTarget = 0.90

// Stats summarises timeliness for publication (s.45 Code: authorities
// over 100 staff should publish it quarterly) and for the ICO target.
type Stats struct {
	Total int // every request given
	// Closed counts requests with no further action: answered, withdrawn,
	// or found not to be FOI requests.
	Closed int
	// OnTime and Late count answered requests by whether the first
	// response came by the end of the due day.
	OnTime int
	Late   int
	// Overdue counts requests still waiting for a response after their
	// due day at now.
	Overdue int
	// OnTimeRate is OnTime / (OnTime + Late + Overdue): of the requests
	// whose deadline has been met or missed, the share met. It is 0 when
	// there are none. Withdrawn requests, requests still in time and
	// requests waiting for clarification are left out.
	OnTimeRate float64
}

// MeetsICOTarget reports whether OnTimeRate reaches ICOTimelinessTarget.
func (s Stats) MeetsICOTarget() bool { return s.OnTimeRate >= ICOTimelinessTarget }

// OnTimeStats computes Stats for reqs at now.
func OnTimeStats(reqs []*Request, now time.Time) Stats {
	var s Stats
	for _, r := range reqs {
		s.Total++
		switch {
		case !r.Responded.IsZero():
			s.Closed++
			if r.Due.IsZero() || !dayAfter(r.Responded, r.Due) {
				s.OnTime++
			} else {
				s.Late++
			}
		case r.Status == StatusUserWithdrawn || r.Status == StatusNotFOI:
			s.Closed++
		case r.Overdue(now):
			s.Overdue++
		}
	}
	if n := s.OnTime + s.Late + s.Overdue; n > 0 {
		s.OnTimeRate = float64(s.OnTime) / float64(n)
	}
	return s
}
