package sandbox

import "testing"

func skipUnlessCapable(t testing.TB) {
	t.Helper()
	if err := Capable(); err != nil {
		t.Skip(err.Error())
	}
}
