package sysent

import "testing"

// Every syscall given an extra capture exists, and has one in each table
// that knows it.
func TestExtras(t *testing.T) {
	for name, x := range extras {
		found := false
		for _, a := range []Arch{X86_64, ARM64} {
			if sc, ok := ForArch(a).ByName(name); ok {
				found = true
				if sc.Extra != x {
					t.Errorf("%v %s: Extra %d, want %d", a, name, sc.Extra, x)
				}
			}
		}
		if !found {
			t.Errorf("%s has an extra capture but no table knows it", name)
		}
	}
	for _, req := range []uint64{0x5401, 0x5413, 0x80045430, 0x5441} {
		if _, ok := IoctlArgOf(req); !ok {
			t.Errorf("ioctl %#x has no argument description", req)
		}
	}
	if a, ok := IoctlArgOf(0x5441); !ok || !a.RetFD {
		t.Errorf("TIOCGPTPEER does not return an fd")
	}
	if _, ok := PrctlArgOf(15); !ok {
		t.Errorf("PR_SET_NAME has no argument description")
	}
}
