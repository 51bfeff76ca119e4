// Package locale holds every message a person reads, as keys with Hindi and
// English text in TOML catalogs (hi.toml and en.toml, plus PART.hi.toml and
// PART.en.toml for larger parts such as the web pages), rendered with go-i18n.
// Hindi is the default language.
package locale

import (
	"embed"
	"io/fs"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed *.toml
var catalogs embed.FS

var (
	once   sync.Once
	bundle *i18n.Bundle
	locs   map[string]*i18n.Localizer
)

func load() {
	bundle = i18n.NewBundle(language.Hindi)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files, _ := fs.Glob(catalogs, "*.toml")
	for _, f := range files {
		if _, err := bundle.LoadMessageFileFS(catalogs, f); err != nil {
			panic("locale: " + f + ": " + err.Error())
		}
	}
	locs = map[string]*i18n.Localizer{
		"hi": i18n.NewLocalizer(bundle, "hi"),
		"en": i18n.NewLocalizer(bundle, "en"),
	}
}

// Lang returns "en" or "hi" (the default) for a language tag or an
// Accept-Language header.
func Lang(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "hi"
	}
	tags, _, err := language.ParseAcceptLanguage(s)
	if err != nil || len(tags) == 0 {
		return "hi"
	}
	for _, t := range tags {
		b, _ := t.Base()
		switch b.String() {
		case "hi":
			return "hi"
		case "en":
			return "en"
		}
	}
	return "hi"
}

// T renders key in lang with data for its placeholders. An unknown key
// renders as the key itself, so a missing message is visible, not silent.
func T(lang, key string, data map[string]any) string {
	once.Do(load)
	l, ok := locs[lang]
	if !ok {
		l = locs["hi"]
	}
	s, err := l.Localize(&i18n.LocalizeConfig{MessageID: key, TemplateData: data})
	if err != nil {
		return key
	}
	return s
}

// Keys lists the message ids of a language's catalogs (for tests): the
// files named LANG.toml and PART.LANG.toml.
func Keys(lang string) []string {
	files, _ := fs.Glob(catalogs, "*.toml")
	var out []string
	for _, f := range files {
		if f != lang+".toml" && !strings.HasSuffix(f, "."+lang+".toml") {
			continue
		}
		raw, err := catalogs.ReadFile(f)
		if err != nil {
			return nil
		}
		var m map[string]any
		if _, err := toml.Decode(string(raw), &m); err != nil {
			return nil
		}
		for k := range m {
			out = append(out, k)
		}
	}
	return out
}
