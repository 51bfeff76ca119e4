# Developer shortcuts; the README gives the plain go commands behind each.
PG ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable

.PHONY: build test test-postgres e2e bench lint demo

build:
	go build -o nivaran ./cmd/nivaran

test:
	go test ./...

test-postgres:
	NIVARAN_TEST_POSTGRES='$(PG)' go test ./...

e2e:
	NIVARAN_TEST_POSTGRES='$(PG)' go test ./internal/e2e/ ./internal/ui/...

bench: build
	./nivaran bench intake

lint:
	gofmt -l cmd internal
	go vet ./...

demo:
	go run ./cmd/nivaran serve --demo
