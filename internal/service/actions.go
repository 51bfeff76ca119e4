package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"slices"
	"sort"
	"strconv"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/workflow"
)

func note(field, s string, required bool) (string, error) {
	var c checker
	s = c.text(field, s, required, MaxNote)
	return s, c.err()
}

// Mark sends a complaint to a subordinate post for inquiry.
func (s *Service) Mark(ctx context.Context, p *auth.Principal, ref string, postID int64, text string) (store.ComplaintRow, error) {
	text, err := note("note", text, false)
	if err != nil {
		return store.ComplaintRow{}, err
	}
	return s.act(ctx, p, ref, func(tx *store.Tx, c model.Complaint, now time.Time) (workflow.Result, error) {
		chain, err := tx.ChainIDs(ctx, postID, 16)
		if err != nil {
			return workflow.Result{}, fieldNotFound(err, "post_id")
		}
		sub := postID != c.AccountablePostID && slices.Contains(chain, c.AccountablePostID)
		return workflow.Mark(c, actor(p), postID, sub, text, now)
	})
}

// Comment adds a comment (findings of a marked officer, a supervisor's note).
func (s *Service) Comment(ctx context.Context, p *auth.Principal, ref, text string) (store.ComplaintRow, error) {
	text, err := note("text", text, true)
	if err != nil {
		return store.ComplaintRow{}, err
	}
	return s.act(ctx, p, ref, func(tx *store.Tx, c model.Complaint, now time.Time) (workflow.Result, error) {
		return workflow.Comment(c, actor(p), text, now)
	})
}

// Report files the action-taken report of the accountable officer.
func (s *Service) Report(ctx context.Context, p *auth.Principal, ref, text string, attachments []int64) (store.ComplaintRow, error) {
	var c checker
	text = c.text("text", text, true, MaxDescription)
	if err := c.err(); err != nil {
		return store.ComplaintRow{}, err
	}
	return s.act(ctx, p, ref, func(tx *store.Tx, c model.Complaint, now time.Time) (workflow.Result, error) {
		hashes := []string{}
		for _, id := range attachments {
			a, err := tx.Attachment(ctx, id)
			if err != nil || (a.UploadedBy != p.User.ID && a.ComplaintID != c.ID) {
				return workflow.Result{}, fieldNotFound(store.ErrNotFound, "attachment_ids")
			}
			hashes = append(hashes, a.SHA256)
		}
		sort.Strings(hashes)
		h := sha256.New()
		h.Write([]byte(norm.NFC.String(text)))
		for _, x := range hashes {
			h.Write([]byte{0})
			h.Write([]byte(x))
		}
		hash := hex.EncodeToString(h.Sum(nil))
		res, err := workflow.Report(c, actor(p), text, hash, now)
		if err != nil {
			return res, err
		}
		if err := s.attach(ctx, tx, p, c.ID, attachments); err != nil {
			return res, err
		}
		var officerID int64
		if p.User.OfficerID != nil {
			officerID = *p.User.OfficerID
		}
		return res, tx.InsertReport(ctx, store.Report{ComplaintID: c.ID, PostID: c.AccountablePostID, OfficerID: officerID,
			OfficerName: p.User.Name, Text: text, Hash: hash, Attachments: attachments, At: now})
	})
}

// RequestSpecialClosure asks the supervisor post to close a complaint on a
// prohibited subject.
func (s *Service) RequestSpecialClosure(ctx context.Context, p *auth.Principal, ref, code, text string) (store.ComplaintRow, error) {
	var ck checker
	text = ck.text("text", text, true, MaxDescription)
	if err := ck.err(); err != nil {
		return store.ComplaintRow{}, err
	}
	return s.act(ctx, p, ref, func(tx *store.Tx, c model.Complaint, now time.Time) (workflow.Result, error) {
		cat, err := s.category(ctx, c.CategoryID)
		if err != nil {
			return workflow.Result{}, err
		}
		res, err := workflow.RequestSpecialClosure(c, actor(p), cat, code, model.SpecialClosureReasons, text, now)
		if err != nil {
			return res, err
		}
		var officerID int64
		if p.User.OfficerID != nil {
			officerID = *p.User.OfficerID
		}
		// The request's text is the report the citizen will hear if approved.
		sum := sha256.Sum256([]byte("special:" + code + ":" + text))
		return res, tx.InsertReport(ctx, store.Report{ComplaintID: c.ID, PostID: c.AccountablePostID, OfficerID: officerID,
			OfficerName: p.User.Name, Text: text, Hash: hex.EncodeToString(sum[:]), Special: true, At: now})
	})
}

// DecideSpecialClosure approves or rejects a pending special closure.
func (s *Service) DecideSpecialClosure(ctx context.Context, p *auth.Principal, ref string, approve bool, text string) (store.ComplaintRow, error) {
	text, err := note("note", text, false)
	if err != nil {
		return store.ComplaintRow{}, err
	}
	return s.act(ctx, p, ref, func(tx *store.Tx, c model.Complaint, now time.Time) (workflow.Result, error) {
		sup, err := s.supervisorOf(ctx, tx, c.AccountablePostID)
		if err != nil {
			return workflow.Result{}, err
		}
		return workflow.DecideSpecialClosure(c, actor(p), sup, approve, text, now)
	})
}

func (s *Service) supervisorOf(ctx context.Context, tx *store.Tx, postID int64) (int64, error) {
	if postID == 0 {
		return 0, nil
	}
	post, err := tx.Post(ctx, postID)
	if err != nil {
		return 0, err
	}
	if post.SupervisorPostID == nil {
		return 0, nil
	}
	return *post.SupervisorPostID, nil
}

// Return sends a complaint back as not the post's, to the re-route desk.
func (s *Service) Return(ctx context.Context, p *auth.Principal, ref, reason string) (store.ComplaintRow, error) {
	reason, err := note("reason", reason, true)
	if err != nil {
		return store.ComplaintRow{}, err
	}
	return s.act(ctx, p, ref, func(tx *store.Tx, c model.Complaint, now time.Time) (workflow.Result, error) {
		return workflow.Return(c, actor(p), reason, now)
	})
}

// Reroute gives a returned complaint a new category and/or place and a fresh
// L0 post, or (reject) sends it back to its post with the clock unchanged.
func (s *Service) Reroute(ctx context.Context, p *auth.Principal, ref string, categoryID, areaID int64, reject bool, text string) (store.ComplaintRow, error) {
	text, err := note("note", text, false)
	if err != nil {
		return store.ComplaintRow{}, err
	}
	return s.act(ctx, p, ref, func(tx *store.Tx, c model.Complaint, now time.Time) (workflow.Result, error) {
		if reject {
			return workflow.RejectReturn(c, actor(p), text, now)
		}
		if categoryID == 0 {
			categoryID = c.CategoryID
		}
		if areaID == 0 {
			areaID = c.AreaID
		}
		cat, err := s.category(ctx, categoryID)
		if err != nil {
			return workflow.Result{}, fieldNotFound(err, "category_id")
		}
		route, district, err := s.route(ctx, cat, areaID)
		if err != nil {
			return workflow.Result{}, err
		}
		res, err := workflow.Reroute(c, actor(p), cat, areaID, route, text, now)
		if err != nil {
			return res, err
		}
		res.Complaint.DistrictID = 0
		if district != nil {
			res.Complaint.DistrictID = *district
		}
		return res, nil
	})
}

// Feedback records the outcome of a feedback call to the citizen.
func (s *Service) Feedback(ctx context.Context, p *auth.Principal, ref, outcome, remarks string) (store.ComplaintRow, error) {
	remarks, err := note("remarks", remarks, false)
	if err != nil {
		return store.ComplaintRow{}, err
	}
	return s.act(ctx, p, ref, func(tx *store.Tx, c model.Complaint, now time.Time) (workflow.Result, error) {
		cat, err := s.category(ctx, c.CategoryID)
		if err != nil {
			return workflow.Result{}, err
		}
		sup, err := s.supervisorOf(ctx, tx, c.AccountablePostID)
		if err != nil {
			return workflow.Result{}, err
		}
		res, err := workflow.Feedback(c, actor(p), workflow.Outcome(outcome), remarks, sup, cat.SLADays, s.cfg.Policy, now)
		if err != nil {
			return res, err
		}
		if err := checkCallHolder(ctx, tx, p, store.QueueFeedback, c.ID, now); err != nil {
			return workflow.Result{}, err
		}
		attempt := c.FeedbackAttempts + 1
		return res, tx.InsertFeedbackCall(ctx, c.ID, p.User.ID, attempt, outcome, remarks, now)
	})
}

// Remind records a caller chasing an open complaint.
func (s *Service) Remind(ctx context.Context, p *auth.Principal, ref, text string) (store.ComplaintRow, error) {
	text, err := note("note", text, false)
	if err != nil {
		return store.ComplaintRow{}, err
	}
	return s.act(ctx, p, ref, func(tx *store.Tx, c model.Complaint, now time.Time) (workflow.Result, error) {
		return workflow.Remind(c, actor(p), text, now)
	})
}

// MarkFalse closes a complaint as false, optionally blocking the number.
func (s *Service) MarkFalse(ctx context.Context, p *auth.Principal, ref, reason string, block bool) (store.ComplaintRow, error) {
	reason, err := note("reason", reason, true)
	if err != nil {
		return store.ComplaintRow{}, err
	}
	return s.act(ctx, p, ref, func(tx *store.Tx, c model.Complaint, now time.Time) (workflow.Result, error) {
		res, err := workflow.MarkFalse(c, actor(p), reason, block, now)
		if err != nil || !block {
			return res, err
		}
		err = tx.InsertBlock(ctx, store.Block{Mobile: c.Complainant.Mobile, Reason: reason, Since: now, ByID: p.User.ID})
		if errors.Is(err, store.ErrConflict) {
			err = nil // blocked already
		}
		return res, err
	})
}

// refField names the reference in messages.
var _ = strconv.Itoa
