package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// SMSTemplate is a registered DLT content template as stored: the
// sms_templates table is the registry the dispatcher renders from, seeded
// with nivaran's defaults and edited by admins as DLT registrations come in.
// Vars is the JSON array of the body's variables; package store does not
// read it.
type SMSTemplate struct {
	Key           string
	Language      string
	Body          string
	DLTTemplateID string
	Header        string
	EntityID      string
	Vars          string
	UpdatedAt     time.Time
	UpdatedBy     *int64
}

// SMSTemplates lists the stored templates by key and language.
func (c *conn) SMSTemplates(ctx context.Context) ([]SMSTemplate, error) {
	rows, err := c.q.QueryContext(ctx, `SELECT template_key, language, body, dlt_template_id, header, entity_id, vars,
		updated_at, updated_by FROM sms_templates ORDER BY template_key, language`)
	if err != nil {
		return nil, fmt.Errorf("store: sms templates: %w", err)
	}
	defer rows.Close()
	var out []SMSTemplate
	for rows.Next() {
		var t SMSTemplate
		var updated int64
		var by sql.NullInt64
		if err := rows.Scan(&t.Key, &t.Language, &t.Body, &t.DLTTemplateID, &t.Header, &t.EntityID, &t.Vars,
			&updated, &by); err != nil {
			return nil, fmt.Errorf("store: sms templates: %w", err)
		}
		t.UpdatedAt, t.UpdatedBy = fromMS(updated), nullID(by)
		out = append(out, t)
	}
	return out, rows.Err()
}

// AddSMSTemplate stores t unless its key and language are there already
// (seeding never overwrites an admin's edit); it reports whether it did.
func (tx *Tx) AddSMSTemplate(ctx context.Context, t SMSTemplate) (bool, error) {
	res, err := tx.q.ExecContext(ctx, `INSERT INTO sms_templates (template_key, language, body, dlt_template_id, header,
		entity_id, vars, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (template_key, language) DO NOTHING`,
		t.Key, t.Language, t.Body, t.DLTTemplateID, t.Header, t.EntityID, t.Vars, ms(t.UpdatedAt), idArg(t.UpdatedBy))
	if err != nil {
		return false, fmt.Errorf("store: add sms template %s/%s: %w", t.Key, t.Language, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// SaveSMSTemplate stores t, replacing the template of its key and language.
func (tx *Tx) SaveSMSTemplate(ctx context.Context, t SMSTemplate) error {
	_, err := tx.q.ExecContext(ctx, `INSERT INTO sms_templates (template_key, language, body, dlt_template_id, header,
		entity_id, vars, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (template_key, language) DO UPDATE SET body = excluded.body, dlt_template_id = excluded.dlt_template_id,
		header = excluded.header, entity_id = excluded.entity_id, vars = excluded.vars, updated_at = excluded.updated_at,
		updated_by = excluded.updated_by`,
		t.Key, t.Language, t.Body, t.DLTTemplateID, t.Header, t.EntityID, t.Vars, ms(t.UpdatedAt), idArg(t.UpdatedBy))
	if err != nil {
		return fmt.Errorf("store: save sms template %s/%s: %w", t.Key, t.Language, err)
	}
	return nil
}
