package service

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/store"
)

// AssignOfficer gives post postID to officer officerID (0: vacate it). The
// queue belongs to the post, so nothing about its complaints changes: the
// previous officer loses access at the next request and the new one sees the
// whole queue. The new officer gets an SMS with the pending count.
func (s *Service) AssignOfficer(ctx context.Context, p *auth.Principal, postID, officerID int64) error {
	if err := require(p, model.RoleAdmin); err != nil {
		return err
	}
	now := s.clock.Now()
	return s.st.Tx(ctx, func(tx *store.Tx) error {
		if _, err := tx.Post(ctx, postID); err != nil {
			return err
		}
		var o model.Officer
		if officerID != 0 {
			var err error
			if o, err = tx.Officer(ctx, officerID); err != nil {
				return fieldNotFound(err, "officer_id")
			}
			if cur, err := tx.Holder(ctx, postID); err == nil && cur.ID == officerID {
				return nil // already holds it
			} else if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		if _, err := tx.EndPosting(ctx, postID, now); err != nil {
			return err
		}
		if officerID == 0 {
			return nil
		}
		if err := tx.StartPosting(ctx, officerID, postID, now); err != nil {
			return err
		}
		pending, err := tx.PendingForPost(ctx, postID)
		if err != nil {
			return err
		}
		post := postID
		_, err = tx.InsertOutbox(ctx, store.OutboxRow{PostID: &post, Mobile: o.Mobile, Template: model.TmplTransferred, Language: "hi",
			Vars:      map[string]string{"count": strconv.Itoa(pending)},
			DedupeKey: fmt.Sprintf("transfer:%d:%d:%d", postID, officerID, now.UnixMilli()), NextAt: now, CreatedAt: now})
		return err
	})
}
