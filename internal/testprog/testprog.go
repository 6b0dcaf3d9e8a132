// Package testprog builds the programs that the tests of the recorder and
// of the replay run: C programs with gcc, Go programs with one go build.
package testprog

import (
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// Build compiles into dir the C sources (gcc -O1 -g -pthread, the program
// named after the file) and the Go main packages (named after their
// directory) that patterns name; a pattern is a file glob, such as
// "testdata/progs/*.c" or "testdata/progs/*/main.go". The compilers run
// side by side: each costs little CPU and much waiting for its processes.
// Build returns the first failure.
func Build(dir string, patterns ...string) error {
	var cs, gos []string
	for _, p := range patterns {
		files, err := filepath.Glob(p)
		if err != nil {
			return fmt.Errorf("build test programs: %w", err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, ".go") {
				gos = append(gos, "./"+filepath.ToSlash(filepath.Dir(f)))
			} else {
				cs = append(cs, f)
			}
		}
	}
	if len(cs) > 0 {
		if _, err := exec.LookPath("gcc"); err != nil {
			return errors.New("gcc is needed to build the test programs")
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(cs)+1)
	sem := make(chan struct{}, 2*runtime.NumCPU())
	build := func(what string, args ...string) {
		defer wg.Done()
		sem <- struct{}{}
		defer func() { <-sem }()
		if out, err := exec.Command(args[0], args[1:]...).CombinedOutput(); err != nil {
			errs <- fmt.Errorf("build %s: %v\n%s", what, err, out)
		}
	}
	if len(gos) > 0 {
		// With -o a directory, one go build writes every program there.
		wg.Add(1)
		go build(strings.Join(gos, " "), append([]string{"go", "build", "-o", dir + string(filepath.Separator)}, gos...)...)
	}
	for _, c := range cs {
		wg.Add(1)
		go build(c, "gcc", "-O1", "-g", "-pthread", "-o", filepath.Join(dir, strings.TrimSuffix(filepath.Base(c), ".c")), c)
	}
	wg.Wait()
	close(errs)
	return <-errs
}
