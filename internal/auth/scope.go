package auth

import (
	"github.com/nivaran/nivaran/internal/model"
)

// Principal is a signed-in user with what their scope depends on.
type Principal struct {
	User model.User
	// Posts are the posts the user's officer holds at this moment; transfers take
	// effect on the next request.
	Posts []int64
	// Supervised are the posts directly supervised by Posts (for special-closure
	// decisions).
	Supervised []int64
}

// Has reports whether the principal holds role r.
func (p *Principal) Has(r model.Role) bool { return p != nil && p.User.HasRole(r) }

// Any reports whether the principal holds any of rs.
func (p *Principal) Any(rs ...model.Role) bool {
	for _, r := range rs {
		if p.Has(r) {
			return true
		}
	}
	return false
}

// CitizenOnly reports whether the principal signs in as a citizen and holds no
// staff role: what they read of a complaint leaves out the people and the
// department's internal notes.
func (p *Principal) CitizenOnly() bool {
	return p.Has(model.RoleCitizen) && !p.Any(model.RoleAgent, model.RoleSupervisor, model.RoleOfficer, model.RoleMonitor, model.RoleAdmin)
}

// Holds reports whether the principal holds post id now.
func (p *Principal) Holds(id int64) bool {
	if p == nil || id == 0 {
		return false
	}
	for _, x := range p.Posts {
		if x == id {
			return true
		}
	}
	return false
}

func (p *Principal) supervises(id int64) bool {
	for _, x := range p.Supervised {
		if x == id {
			return true
		}
	}
	return false
}

// CallCentre reports whether the principal works the call centre, whose scope
// is the whole state.
func (p *Principal) CallCentre() bool {
	return p.Any(model.RoleAgent, model.RoleSupervisor, model.RoleAdmin)
}

// ComplaintScope describes a complaint for the scope decision.
type ComplaintScope struct {
	AccountablePostID int64
	MarkedPostID      int64
	Mobile            string
	// InArea reports whether the complaint's area lies within area id.
	InArea func(id int64) bool
}

// CanSeeComplaint is the one rule of who may read a complaint: the call centre
// and admins all; an officer the complaints of the posts held now (accountable
// or marked) and of the posts those supervise directly; a monitor those within
// the monitor's area; a citizen their own.
func (p *Principal) CanSeeComplaint(c ComplaintScope) bool {
	switch {
	case p == nil:
		return false
	case p.CallCentre():
		return true
	case p.Has(model.RoleOfficer) && (p.Holds(c.AccountablePostID) || p.Holds(c.MarkedPostID) || p.supervises(c.AccountablePostID)):
		return true
	case p.Has(model.RoleMonitor) && p.User.AreaID != nil && c.InArea != nil && c.InArea(*p.User.AreaID):
		return true
	case p.Has(model.RoleCitizen) && p.User.Mobile != "" && p.User.Mobile == c.Mobile:
		return true
	}
	return false
}

// CanSeePost reports whether the principal may list a post's complaints.
func (p *Principal) CanSeePost(postID int64, inArea func(id int64) bool) bool {
	switch {
	case p == nil:
		return false
	case p.CallCentre():
		return true
	case p.Has(model.RoleOfficer) && (p.Holds(postID) || p.supervises(postID)):
		return true
	case p.Has(model.RoleMonitor) && p.User.AreaID != nil && inArea != nil && inArea(*p.User.AreaID):
		return true
	}
	return false
}

// SeesIdentity reports whether the principal may see complainants' names and
// mobiles: officers may not (unless they also work the call centre).
func (p *Principal) SeesIdentity() bool {
	return p.CallCentre() || p.Has(model.RoleMonitor) || p.Has(model.RoleCitizen)
}
