package sms

import "github.com/nivaran/nivaran/internal/model"

// DefaultHeader is the six-character sender header of the default templates.
const DefaultHeader = "UPCMHL"

// DefaultTemplates returns the Hindi and English text of every message
// nivaran sends, as they would be registered on DLT. They carry no DLT
// template or entity ids: those are issued to a deployment when it registers
// the templates, and are filled in with SetDLT.
//
// The Hindi texts are written to fit two UCS-2 parts (134 characters) with
// everyday values, because every extra part is another SMS to pay for.
func DefaultTemplates() []Template {
	// The variables, under the names the rest of the system puts in an
	// outbox message's Vars.
	var (
		varRef = Var{Name: "ref", Type: VarRef}
		// Names come from master data of any length; DLT caps a variable
		// at 30 characters, so they are shortened to fit.
		varDepartment = Var{Name: "department", Type: VarText, MaxLen: 30, Truncate: true}
		varCategory   = Var{Name: "category", Type: VarText, MaxLen: 30, Truncate: true}
		varPlace      = Var{Name: "place", Type: VarText, MaxLen: 30, Truncate: true}
		varDueDate    = Var{Name: "due_date", Type: VarDate}
		varLink       = Var{Name: "link", Type: VarURL, MaxLen: 40}
		varLevel      = Var{Name: "level", Type: VarNumber, MaxLen: 1}
		varCount      = Var{Name: "count", Type: VarNumber, MaxLen: 6}
		varCode       = Var{Name: "code", Type: VarNumber, MaxLen: 8}
		varMinutes    = Var{Name: "minutes", Type: VarNumber, MaxLen: 3}
	)
	const (
		signHi = " -मुख्यमंत्री हेल्पलाइन 1076"
		signEn = " -UP CM Helpline 1076"
	)
	ts := []Template{
		{Key: model.TmplRegistered, Language: "hi", Vars: []Var{varRef, varDepartment, varDueDate},
			Body: "आपकी शिकायत सं. {#var#} दर्ज कर {#var#} को भेजी गई। निस्तारण की अंतिम तिथि {#var#}।" + signHi},
		{Key: model.TmplRegistered, Language: "en", Vars: []Var{varRef, varDepartment, varDueDate},
			Body: "Your complaint {#var#} is registered and sent to {#var#}. It is due for disposal by {#var#}." + signEn},

		{Key: model.TmplAssigned, Language: "hi", Vars: []Var{varRef, varCategory, varPlace, varDueDate, varLink},
			Body: "शिकायत {#var#}: {#var#}, {#var#}। अंतिम तिथि {#var#}। {#var#}" + signHi},
		{Key: model.TmplAssigned, Language: "en", Vars: []Var{varRef, varCategory, varPlace, varDueDate, varLink},
			Body: "New complaint {#var#}: {#var#} at {#var#}. Due by {#var#}. View {#var#}" + signEn},

		{Key: model.TmplEscalated, Language: "hi", Vars: []Var{varRef, varLevel, varDueDate},
			Body: "शिकायत {#var#} समय पर निस्तारित न होने से स्तर L{#var#} पर आपको भेजी गई है। अंतिम तिथि {#var#}।" + signHi},
		{Key: model.TmplEscalated, Language: "en", Vars: []Var{varRef, varLevel, varDueDate},
			Body: "Complaint {#var#} was not disposed of in time and is escalated to you at level L{#var#}. Due by {#var#}." + signEn},

		{Key: model.TmplDefaulter, Language: "hi", Vars: []Var{varRef, varLevel},
			Body: "शिकायत {#var#} समय पर निस्तारित नहीं हुई, अतः स्तर L{#var#} पर भेज दी गई। आप डिफॉल्टर दर्ज हुए हैं।" + signHi},
		{Key: model.TmplDefaulter, Language: "en", Vars: []Var{varRef, varLevel},
			Body: "Complaint {#var#} was not disposed of in time and has gone up to level L{#var#}. You are recorded as defaulter." + signEn},

		{Key: model.TmplReportFiled, Language: "hi", Vars: []Var{varRef},
			Body: "आपकी शिकायत {#var#} पर कार्यवाही कर आख्या दी गई है। आपकी संतुष्टि जानने हेतु 1076 से कॉल आएगी।" + signHi},
		{Key: model.TmplReportFiled, Language: "en", Vars: []Var{varRef},
			Body: "Action has been taken on your complaint {#var#}. You will get a call from 1076 to ask if you are satisfied." + signEn},

		{Key: model.TmplClosed, Language: "hi", Vars: []Var{varRef},
			Body: "आपकी शिकायत {#var#} निस्तारित कर बंद कर दी गई है। सहयोग हेतु धन्यवाद।" + signHi},
		{Key: model.TmplClosed, Language: "en", Vars: []Var{varRef},
			Body: "Your complaint {#var#} has been disposed of and closed. Thank you." + signEn},

		{Key: model.TmplReopened, Language: "hi", Vars: []Var{varRef, varDueDate},
			Body: "शिकायतकर्ता के असंतुष्ट होने पर शिकायत {#var#} पुनः खोली गई है। अंतिम तिथि {#var#}।" + signHi},
		{Key: model.TmplReopened, Language: "en", Vars: []Var{varRef, varDueDate},
			Body: "Complaint {#var#} is reopened as the citizen was not satisfied. Due by {#var#}." + signEn},

		{Key: model.TmplTransferred, Language: "hi", Vars: []Var{varCount},
			Body: "पद का कार्यभार ग्रहण करने पर {#var#} लंबित शिकायतें आपको मिली हैं। कृपया समय से निस्तारण करें।" + signHi},
		{Key: model.TmplTransferred, Language: "en", Vars: []Var{varCount},
			Body: "With the charge of your post, {#var#} pending complaints are now yours. Please dispose of them in time." + signEn},

		{Key: model.TmplOTP, Language: "hi", Vars: []Var{varCode, varMinutes},
			Body: "{#var#} आपका ओटीपी है, जो {#var#} मिनट तक मान्य है। इसे किसी से साझा न करें।" + signHi},
		{Key: model.TmplOTP, Language: "en", Vars: []Var{varCode, varMinutes},
			Body: "{#var#} is your OTP, valid for {#var#} minutes. Do not share it with anyone." + signEn},

		{Key: model.TmplFollowupDue, Language: "hi", Vars: []Var{varRef, varDueDate},
			Body: "अनुस्मारक: शिकायत {#var#} की अंतिम तिथि {#var#} है। कृपया समय से आख्या भेजें।" + signHi},
		{Key: model.TmplFollowupDue, Language: "en", Vars: []Var{varRef, varDueDate},
			Body: "Reminder: complaint {#var#} is due on {#var#}. Please file the action taken report in time." + signEn},
	}
	for i := range ts {
		ts[i].Header = DefaultHeader
	}
	return ts
}

// SetDLT returns a copy of ts with the deployment's DLT ids filled in:
// entityID on every template, and templateIDs["key/lang"] (e.g.
// "complaint_registered/hi") as each template's DLT template id. Templates
// without an entry keep the id they had.
func SetDLT(ts []Template, entityID string, templateIDs map[string]string) []Template {
	out := make([]Template, len(ts))
	for i, t := range ts {
		if entityID != "" {
			t.EntityID = entityID
		}
		if id, ok := templateIDs[t.Key+"/"+t.Language]; ok {
			t.DLTTemplateID = id
		}
		out[i] = t
	}
	return out
}
