package record

import (
	"os/exec"
	"testing"
)

// TestChildrenOfTheMainThread records from a process whose main thread has
// children that are not the program's: the recording ends with the
// program, neither waiting for them nor recording their exits.
func TestChildrenOfTheMainThread(t *testing.T) {
	out, err := exec.Command(prog("mainthread")).CombinedOutput()
	if err != nil || string(out) != "1 exits, child running true\n" {
		t.Errorf("mainthread: %v, %q; want the program's exit alone, and the child running", err, out)
	}
}
