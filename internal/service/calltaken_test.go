package service_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/store/storetest"
)

// TestAnotherAgentsCallIsTheirs: while one agent holds a feedback call taken
// from the queue, another agent's outcome for it is refused and changes
// nothing; the holder's goes through. A supervisor may still step in.
func TestAnotherAgentsCallIsTheirs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		first := w.reported(t, "9876500011")
		w.clk.Advance(time.Minute)
		second := w.reported(t, "9876500012")
		ag := w.agents(t, "c", 2)
		one, two := ag[0], ag[1]
		l, err := w.svc.NextFeedbackCall(ctx, one)
		if err != nil || l.Complaint.Ref != first.Ref {
			t.Fatalf("took %v, %v; want %s", l.Complaint.Ref, err, first.Ref)
		}
		_, err = w.svc.Feedback(ctx, two, first.Ref, "unreachable", "")
		if !errors.Is(err, service.ErrCallTaken) {
			t.Fatalf("another agent's outcome: %v; want the call refused as taken", err)
		}
		row, err := st.ComplaintRowByRef(ctx, first.Ref)
		if err != nil || row.FeedbackAttempts != 0 || row.Status != model.StatusReported {
			t.Fatalf("after the refusal: %d attempts, %s (%v); want unchanged", row.FeedbackAttempts, row.Status, err)
		}
		if lease, err := st.LeaseOf(ctx, store.QueueFeedback, first.ID, w.clk.Now()); err != nil || lease.AgentUserID != one.User.ID {
			t.Fatalf("lease after the refusal: %+v (%v); want still the first agent's", lease, err)
		}
		if got, err := w.svc.Feedback(ctx, one, first.Ref, "satisfied", ""); err != nil || got.Status != model.StatusClosed {
			t.Fatalf("the holder's outcome: %v, %v", got.Status, err)
		}
		// The second complaint, taken by the second agent: a supervisor may
		// record its outcome all the same.
		if l, err := w.svc.NextFeedbackCall(ctx, two); err != nil || l.Complaint.Ref != second.Ref {
			t.Fatalf("second agent took %v, %v", l.Complaint.Ref, err)
		}
		if got, err := w.svc.Feedback(ctx, w.sup, second.Ref, "satisfied", ""); err != nil || got.Status != model.StatusClosed {
			t.Fatalf("the supervisor's outcome: %v, %v", got.Status, err)
		}
	})
}
