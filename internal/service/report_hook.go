package service

import (
	"context"

	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/report"
	"github.com/nivaran/nivaran/internal/store"
)

// countForReports is the reports' change hook, run in the transaction of
// every complaint change: it moves the pendency counters (one off the
// complaint as it was, one on as it is), adds the month's tallies of the
// change's events, and puts a special closure the citizen disputed into the
// verification queue. Counters and tallies therefore never disagree with the
// complaints they count; "nivaran check counters" proves it.
func countForReports(ctx context.Context, tx *store.Tx, before *model.Complaint, after model.Complaint, events []model.Event) error {
	if err := tx.AddPendency(ctx, report.PendencyDeltas(before, after)); err != nil {
		return err
	}
	if err := tx.AddTallies(ctx, report.TalliesOf(before, after, events)); err != nil {
		return err
	}
	if disputedClosure(before, after) {
		reportID, err := tx.LatestReportID(ctx, after.ID)
		if err != nil {
			return err
		}
		_, err = tx.EnqueueVerification(ctx, store.VerificationItem{ComplaintID: after.ID, ClosedAt: *after.ClosedAt,
			DistrictID: after.DistrictID, PostID: after.AccountablePostID, Reason: store.VerifyReasonDisputed,
			SampleDay: report.DayOf(*after.ClosedAt).Key(), EnqueuedAt: after.UpdatedAt, ReportID: reportID})
		return err
	}
	return nil
}

// disputedClosure reports the change that closes a special closure the
// citizen disputed (DESIGN §3.7: it goes to the verification sample instead
// of reopening).
func disputedClosure(before *model.Complaint, after model.Complaint) bool {
	return after.Status == model.StatusClosed && after.ClosureReason == model.ClosedSpecialClosure &&
		after.VerificationSample && after.ClosedAt != nil && (before == nil || before.Status != model.StatusClosed)
}

// withReports registers the reports' hook on a new service.
func withReports(s *Service) *Service {
	s.OnChange(countForReports)
	return s
}
