package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/refno"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/workflow"
)

// actor turns a principal into the workflow's actor.
func actor(p *auth.Principal) workflow.Actor {
	return workflow.Actor{UserID: p.User.ID, Name: p.User.Name, Roles: p.User.Roles, Posts: p.Posts, Mobile: p.User.Mobile}
}

// ChangeHook runs inside the transaction that saves a complaint change, with
// the complaint as it was (nil for a new one), as it is now, and the events the
// change appended: counters and queues that must agree with the complaints
// are kept here, in the same transaction.
type ChangeHook func(ctx context.Context, tx *store.Tx, before *model.Complaint, after model.Complaint, events []model.Event) error

// OnChange adds a hook run on every complaint change.
func (s *Service) OnChange(h ChangeHook) { s.hooks = append(s.hooks, h) }

// saveResult writes a workflow result: the complaint (conditionally on the
// version it was loaded at), its events and its outbox messages, all in tx,
// then runs the change hooks. before is the complaint as loaded (nil when new);
// a new complaint gets its id in res.
func (s *Service) saveResult(ctx context.Context, tx *store.Tx, before *model.Complaint, res *workflow.Result, district *int64, now time.Time) error {
	c := &res.Complaint
	if district != nil {
		c.DistrictID = *district
	}
	if c.ID == 0 {
		if err := tx.InsertComplaint(ctx, c); err != nil {
			return err
		}
	} else if err := tx.UpdateComplaint(ctx, c, now); err != nil {
		return err
	}
	for i := range res.Events {
		res.Events[i].ComplaintID = c.ID
	}
	if err := tx.InsertEvents(ctx, c.ID, res.Events); err != nil {
		return err
	}
	if err := s.queueAll(ctx, tx, c, res.Messages, now); err != nil {
		return err
	}
	for _, h := range s.hooks {
		if err := h(ctx, tx, before, *c, res.Events); err != nil {
			return err
		}
	}
	return nil
}

// queueAll writes a change's messages to the outbox in one statement: it
// resolves posts to the mobile of whoever holds them now (one query for all)
// and adds the names the templates need, in each message's language. A
// message to a vacant post is kept, marked failed with the reason, so that an
// admin sees it.
func (s *Service) queueAll(ctx context.Context, tx *store.Tx, c *model.Complaint, msgs []model.Message, now time.Time) error {
	if len(msgs) == 0 {
		return nil
	}
	var posts []int64
	for _, m := range msgs {
		if m.To.Mobile == "" && m.To.PostID != 0 {
			posts = append(posts, m.To.PostID)
		}
	}
	holders, err := tx.HolderMobiles(ctx, posts)
	if err != nil {
		return err
	}
	rows := make([]store.OutboxRow, 0, len(msgs))
	for _, m := range msgs {
		row := store.OutboxRow{Template: m.Template, Language: m.Language, DedupeKey: m.DedupeKey, NextAt: now, CreatedAt: now,
			Vars: map[string]string{}}
		for k, v := range m.Vars {
			row.Vars[k] = v
		}
		if c != nil && c.ID != 0 {
			id := c.ID
			row.ComplaintID = &id
			if err := s.fillNames(ctx, c, row.Language, row.Vars); err != nil {
				return err
			}
		}
		switch {
		case m.To.Mobile != "":
			row.Mobile = m.To.Mobile
		case m.To.PostID != 0:
			post := m.To.PostID
			row.PostID = &post
			if mobile, ok := holders[post]; ok {
				row.Mobile = mobile
			} else {
				row.Status, row.LastError = store.OutboxFailed, "post vacant"
			}
		}
		rows = append(rows, row)
	}
	return tx.InsertOutboxRows(ctx, rows)
}

// fillNames adds the department, category, place and link variables.
func (s *Service) fillNames(ctx context.Context, c *model.Complaint, lang string, vars map[string]string) error {
	cat, err := s.category(ctx, c.CategoryID)
	if err != nil {
		return err
	}
	m, err := s.master(ctx)
	if err != nil {
		return err
	}
	dept, area := m.departments[c.DepartmentID], m.areas[c.AreaID]
	pick := func(en, hi string) string {
		if lang == "en" {
			return en
		}
		return hi
	}
	setIfEmpty(vars, "category", pick(cat.NameEn, cat.NameHi))
	setIfEmpty(vars, "department", pick(dept.NameEn, dept.NameHi))
	setIfEmpty(vars, "place", pick(area.NameEn, area.NameHi))
	if s.cfg.PublicURL != "" {
		setIfEmpty(vars, "link", s.cfg.PublicURL+"/c/"+c.Ref)
	}
	return nil
}

func setIfEmpty(m map[string]string, k, v string) {
	if _, ok := m[k]; !ok {
		m[k] = v
	}
}

// act runs one officer/agent action on the complaint ref: load, check the
// principal may see it (404 otherwise), decide, save — retried when another
// request changed the complaint meanwhile.
func (s *Service) act(ctx context.Context, p *auth.Principal, ref string,
	decide func(tx *store.Tx, c model.Complaint, now time.Time) (workflow.Result, error)) (store.ComplaintRow, error) {
	if p == nil {
		return store.ComplaintRow{}, ErrUnauthorized
	}
	ref, err := checkRef(ref)
	if err != nil {
		return store.ComplaintRow{}, err
	}
	for attempt := 0; ; attempt++ {
		err = s.st.Tx(ctx, func(tx *store.Tx) error {
			c, err := tx.ComplaintByRef(ctx, ref)
			if err != nil {
				return err
			}
			if ok, err := s.canSee(ctx, tx, p, c); err != nil {
				return err
			} else if !ok {
				return errNotYours
			}
			now := s.clock.Now()
			res, err := decide(tx, c, now)
			if err != nil {
				return err
			}
			return s.saveResult(ctx, tx, &c, &res, nil, now)
		})
		if !errors.Is(err, store.ErrConflict) || attempt == 2 {
			break
		}
	}
	if err != nil {
		return store.ComplaintRow{}, err
	}
	return s.st.ComplaintRowByRef(ctx, ref)
}

// checkRef validates a reference number's form and check digit. A malformed
// one is ErrBadReference and also a validation refusal on the field "ref",
// so that it answers like any other invalid input, with its own message.
func checkRef(ref string) (string, error) {
	ref = refno.Normalize(ref)
	if err := refno.Check(ref); err != nil {
		return "", fmt.Errorf("service: reference %q: %w: %w", ref, ErrBadReference,
			&workflow.Refusal{Kind: workflow.ErrValidation, Field: "ref", Key: "bad_reference"})
	}
	return ref, nil
}

// maxIdempotencyKey is the longest Idempotency-Key kept.
const maxIdempotencyKey = 200

// checkIdempotencyKey refuses a key too long to keep.
func checkIdempotencyKey(c *checker, key string) {
	if len(key) > maxIdempotencyKey {
		c.add("Idempotency-Key", "too_long", map[string]any{"Max": maxIdempotencyKey})
	}
}

// requestHash identifies a creating request by what it creates, so that a
// retry can be told from another request reusing its Idempotency-Key. The
// first part names the kind of request: keys are per user, not per call.
func requestHash(parts ...any) string {
	b, _ := json.Marshal(parts)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// recallIdempotent returns what is kept for p's Idempotency-Key by the
// request of hash reqHash; ErrNotFound when the key is new, and a validation
// error when another request used it.
func (s *Service) recallIdempotent(ctx context.Context, p *auth.Principal, key, reqHash string) (store.IdempotentResult, error) {
	r, err := s.st.Idempotent(ctx, p.User.ID, key)
	if err != nil {
		return r, err
	}
	if r.RequestHash != reqHash {
		return store.IdempotentResult{}, &ValidationError{Fields: []FieldError{{Field: "Idempotency-Key", Code: "reused", Key: "field_idempotency_reused"}}}
	}
	return r, nil
}

type areaQuerier interface {
	Within(ctx context.Context, area, root int64) (bool, error)
}

// canSee applies the one scope rule (auth.Principal.CanSeeComplaint).
func (s *Service) canSee(ctx context.Context, q areaQuerier, p *auth.Principal, c model.Complaint) (bool, error) {
	var marked int64
	if c.MarkedPostID != nil {
		marked = *c.MarkedPostID
	}
	var werr error
	ok := p.CanSeeComplaint(auth.ComplaintScope{AccountablePostID: c.AccountablePostID, MarkedPostID: marked,
		Mobile: c.Complainant.Mobile, InArea: func(root int64) bool {
			in, err := q.Within(ctx, c.AreaID, root)
			if err != nil {
				werr = err
			}
			return in
		}})
	return ok, werr
}
