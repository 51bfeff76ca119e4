package ui_test

import (
	"context"
	"fmt"

	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/report"
	"github.com/nivaran/nivaran/internal/service"
	"github.com/nivaran/nivaran/internal/store"
)

// principal loads a demo user as the API would after sign-in.
func (e *env) principal(username string) *auth.Principal {
	e.t.Helper()
	ctx := context.Background()
	u, _, err := e.st.UserByUsername(ctx, username)
	if err != nil {
		e.t.Fatalf("user %s: %v", username, err)
	}
	p, err := e.svc.PrincipalFor(ctx, u)
	if err != nil {
		e.t.Fatalf("principal %s: %v", username, err)
	}
	return p
}

// registerVia registers a complaint of the env's type at its village through
// the service, as agent1, from a mobile number made of n.
func (e *env) registerVia(n int) store.ComplaintRow {
	e.t.Helper()
	r, err := e.svc.Register(context.Background(), e.principal("agent1"), service.RegisterInput{Channel: "phone", Name: "रामकली देवी",
		Mobile: fmt.Sprintf("97%08d", n), CategoryID: e.category.ID, AreaID: e.place.ID, Language: "hi",
		Description: "गाँव की नाली चोक है, पानी सड़क पर भर रहा है।"})
	if err != nil {
		e.t.Fatalf("register: %v", err)
	}
	return r.Complaint
}

// fileReport files an action-taken report on ref as the officer holding its
// accountable post, which puts it in the feedback queue.
func (e *env) fileReport(ref string) {
	e.t.Helper()
	ctx := context.Background()
	row, err := e.st.ComplaintRowByRef(ctx, ref)
	if err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.svc.Report(ctx, e.principal(e.holder(row.AccountablePostID)), ref, "मौके पर जाकर नाली की सफ़ाई करा दी गई है।", nil); err != nil {
		e.t.Fatalf("report %s: %v", ref, err)
	}
}

// districtOpen is the open count of district id on the state's pendency
// report, as the service computes it.
func (e *env) districtOpen(id int64) int64 {
	e.t.Helper()
	p, err := e.svc.Pendency(context.Background(), e.principal("monitor.state"), service.PendencyQuery{GroupBy: report.ByDistrict})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, r := range p.Rows {
		if r.Key == id {
			return r.Open
		}
	}
	e.t.Fatalf("district %d not on the pendency report", id)
	return 0
}

// district is the env's village's district.
func (e *env) district() model.Area {
	e.t.Helper()
	a, err := e.st.Area(context.Background(), e.districtID())
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// districtID is the id of the env's village's district: its first
// ancestor of kind district.
func (e *env) districtID() int64 {
	e.t.Helper()
	ctx := context.Background()
	id := e.place.ID
	for range 8 {
		a, err := e.st.Area(ctx, id)
		if err != nil {
			e.t.Fatal(err)
		}
		if a.Kind == model.AreaDistrict {
			return a.ID
		}
		if a.ParentID == nil {
			break
		}
		id = *a.ParentID
	}
	e.t.Fatal("no district above the env's village")
	return 0
}
