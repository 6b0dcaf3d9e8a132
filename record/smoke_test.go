package record

import "testing"

func TestSmokeLs(t *testing.T) {
	r := mustRecord(t, 0, "ls", "-la", "/")
	t.Logf("%+v\n%s", r.res, r.dump())
}
