package service

import (
	"context"
	"errors"
	"time"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/workflow"
)

// Deadline reminders. CallPolicy.ReminderDays before a deadline the officer
// of the accountable post gets the followup_due SMS, once per level and
// deadline. The sweep finds the deadlines that time has brought into the
// window since the last sweep: it remembers how far ahead it looked (the
// counter reminderHorizon) and next time starts a little before there, so
// that each sweep reads only the complaints newly in reach, along the
// (status, due_at, id) index. Deadlines set inside the window by a change are
// reminded by callCentreHook instead. The outbox's dedupe key makes the
// message exactly-once, whatever the number of nodes, sweeps or restarts; its
// sms_queued event is written only by the one that queued it.

const (
	reminderHorizon = "followup_reminder_horizon"
	// reminderOverlap re-reads the end of the previous sweep's reach, for
	// the deadlines a change committed while that sweep ran.
	reminderOverlap = 10 * time.Minute
	reminderBatch   = 200
)

// SweepReminders queues the deadline reminders due now and returns how many
// it queued.
func (s *Service) SweepReminders(ctx context.Context) (int, error) {
	cc := s.CallCentre()
	now := s.clock.Now()
	from, to := cc.Policy.ReminderWindow(now)
	h, err := s.st.Counter(ctx, reminderHorizon)
	if err != nil {
		return 0, err
	}
	// Start where the last sweep's reach ended, unless the clock went back
	// (a training clock set earlier), which makes the whole window new.
	if last := time.UnixMilli(h).UTC(); !last.After(to) {
		if start := last.Add(-reminderOverlap); start.After(from) {
			from = start
		}
	}
	total := 0
	afterDue, afterID := int64(0), int64(0)
	for {
		var n int
		var batch []model.Complaint
		err := s.st.Tx(ctx, func(tx *store.Tx) error {
			n = 0
			var err error
			batch, err = tx.ReminderCandidates(ctx, from, to, afterDue, afterID, reminderBatch)
			if err != nil {
				return err
			}
			for _, c := range batch {
				ok, err := s.remind(ctx, tx, c, cc.Policy, now)
				if err != nil {
					return err
				}
				if ok {
					n++
				}
			}
			if len(batch) < reminderBatch {
				return tx.SetCounter(ctx, reminderHorizon, to.UnixMilli())
			}
			return nil
		})
		if err != nil {
			return total, err
		}
		total += n
		if len(batch) < reminderBatch || ctx.Err() != nil {
			return total, ctx.Err()
		}
		last := batch[len(batch)-1]
		afterDue, afterID = last.DueAt.UnixMilli(), last.ID
	}
}

// remind queues c's deadline reminder unless it was queued already, and
// reports whether it queued it.
func (s *Service) remind(ctx context.Context, tx *store.Tx, c model.Complaint, p workflow.CallPolicy, now time.Time) (bool, error) {
	res, err := workflow.FollowupReminder(c, p, now)
	if errors.Is(err, workflow.ErrInvalidTransition) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	m := res.Messages[0]
	holders, err := tx.HolderMobiles(ctx, []int64{m.To.PostID})
	if err != nil {
		return false, err
	}
	id, post := c.ID, m.To.PostID
	row := store.OutboxRow{ComplaintID: &id, PostID: &post, Template: m.Template, Language: m.Language, DedupeKey: m.DedupeKey,
		NextAt: now, CreatedAt: now, Vars: map[string]string{}}
	for k, v := range m.Vars {
		row.Vars[k] = v
	}
	if err := s.fillNames(ctx, &c, row.Language, row.Vars); err != nil {
		return false, err
	}
	if mobile, ok := holders[post]; ok {
		row.Mobile = mobile
	} else {
		row.Status, row.LastError = store.OutboxFailed, "post vacant"
	}
	queued, err := tx.InsertOutbox(ctx, row)
	if err != nil || !queued {
		return false, err
	}
	for i := range res.Events {
		res.Events[i].ComplaintID = c.ID
	}
	return true, tx.InsertEvents(ctx, c.ID, res.Events)
}

// RunReminders sweeps for due reminders at start and then every interval
// until ctx ends.
func (s *Service) RunReminders(ctx context.Context, every time.Duration) error {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := s.SweepReminders(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Error("reminder sweep failed", "err", err)
		case n > 0:
			s.log.Info("reminder sweep", "reminders", n)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}
