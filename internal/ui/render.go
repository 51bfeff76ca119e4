package ui

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/nivaran/nivaran/internal/api"
	"github.com/nivaran/nivaran/internal/auth"
	"github.com/nivaran/nivaran/internal/locale"
	"github.com/nivaran/nivaran/internal/model"
	"github.com/nivaran/nivaran/internal/refno"
	"github.com/nivaran/nivaran/internal/store"
	"github.com/nivaran/nivaran/internal/workflow"
)

// LangCookie remembers an anonymous visitor's language.
const LangCookie = "nivaran_lang"

// pages holds one template set per page: the layout, the shared partials and
// the page's own file. Sets are never executed directly but cloned per
// request with the request's language bound into the functions, because
// html/template forbids cloning a set that has run.
type pages struct {
	sets map[string]*template.Template
}

// stubFuncs declares the per-request functions so that the files parse.
var stubFuncs = template.FuncMap{
	"T": func(string) string { return "" }, "Tf": func(string, ...any) string { return "" },
	"N": func(string, string) string { return "" }, "other": func() string { return "" },
	"when": func(time.Time) string { return "" }, "day": func(time.Time) string { return "" },
	"can": func(...string) bool { return false }, "overdue": func(store.ComplaintRow) bool { return false },
}

var staticFuncs = template.FuncMap{
	"group":   refno.Group,
	"level":   func(n int) string { return fmt.Sprintf("L%d", n) },
	"add":     func(a, b int) int { return a + b },
	"join":    strings.Join,
	"q":       url.QueryEscape,
	"list":    func(xs ...any) []any { return xs },
	"str":     func(v any) string { return fmt.Sprint(v) },
	"newform": func() *form { return newForm(nil) },
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[fmt.Sprint(kv[i])] = kv[i+1]
		}
		return m
	},
}

func mustParse() *pages {
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	var shared, own []string
	for _, n := range names {
		if strings.HasPrefix(path.Base(n), "_") {
			shared = append(shared, n)
		} else {
			own = append(own, n)
		}
	}
	base := template.Must(template.New("base").Funcs(stubFuncs).Funcs(staticFuncs).ParseFS(templateFS, shared...))
	p := &pages{sets: map[string]*template.Template{}}
	for _, n := range own {
		t := template.Must(template.Must(base.Clone()).ParseFS(templateFS, n))
		p.sets[strings.TrimSuffix(path.Base(n), ".html")] = t
	}
	return p
}

// view is what every page template receives.
type view struct {
	L     string // page language, "hi" or "en"
	P     *auth.Principal
	Path  string // this page, for the language toggle to come back to
	Title string // locale key of the page title
	// Flash is a success message (already in L); Problem an error banner.
	Flash   string
	Problem *msg
	Form    *form
	Now     time.Time
	D       any
}

// msg is a message in the page language with the other language beside it.
type msg struct {
	Text, Alt, AltLang string
}

// lang is the page language: the user's saved choice, the cookie, else Hindi.
func lang(r *http.Request) string {
	if p := api.Principal(r); p != nil && (p.User.Language == "hi" || p.User.Language == "en") {
		return p.User.Language
	}
	if c, err := r.Cookie(LangCookie); err == nil && (c.Value == "hi" || c.Value == "en") {
		return c.Value
	}
	return "hi"
}

func otherLang(l string) string {
	if l == "en" {
		return "hi"
	}
	return "en"
}

// both renders key in l with its translation in the other language.
func both(l, key string, data map[string]any) *msg {
	o := otherLang(l)
	return &msg{Text: locale.T(l, key, data), Alt: locale.T(o, key, data), AltLang: o}
}

func (u *UI) newView(r *http.Request, p *auth.Principal, title string) *view {
	return &view{L: lang(r), P: p, Path: r.URL.RequestURI(), Title: title, Now: u.svc.Now()}
}

// funcs binds the request's language and principal into the template functions.
func funcs(v *view) template.FuncMap {
	l := v.L
	return template.FuncMap{
		"T": func(key string) string { return locale.T(l, key, nil) },
		"Tf": func(key string, kv ...any) string {
			data := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				data[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return locale.T(l, key, data)
		},
		"N": func(en, hi string) string {
			if l == "en" || hi == "" {
				return en
			}
			return hi
		},
		"other": func() string { return otherLang(l) },
		"when": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(workflow.IST).Format("02-01-2006 15:04")
		},
		"day": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(workflow.IST).Format("02-01-2006")
		},
		"can": func(roles ...string) bool {
			for _, r := range roles {
				if v.P.Has(model.Role(r)) {
					return true
				}
			}
			return false
		},
		"overdue": func(c store.ComplaintRow) bool { return isOverdue(c, v.Now) },
	}
}

func isOverdue(c store.ComplaintRow, now time.Time) bool {
	return (c.Status == model.StatusOpen || c.Status == model.StatusSpecialClosurePending) && now.After(c.DueAt)
}

// render executes page name (its "layout", or block when set) into w.
func (u *UI) render(w http.ResponseWriter, status int, name string, v *view) {
	u.renderBlock(w, status, name, "layout", v)
}

func (u *UI) renderBlock(w http.ResponseWriter, status int, name, block string, v *view) {
	set, ok := u.pages.sets[name]
	if !ok {
		panic("ui: no page " + name)
	}
	t, err := set.Clone()
	if err == nil {
		t = t.Funcs(funcs(v))
	}
	var buf bytes.Buffer
	if err == nil {
		err = t.ExecuteTemplate(&buf, block, v)
	}
	if err != nil {
		u.log.Error("ui render", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", v.L)
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}
