//go:build !cgo

package main

// haveCgo says whether trec knows the state it inherited (see
// record/internal/startstate).
const haveCgo = false
