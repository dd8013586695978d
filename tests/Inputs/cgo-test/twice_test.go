package twice

import "testing"

func TestTwice(t *testing.T) {
	if got := Twice(21); got != 42 {
		t.Fatalf("Twice(21) = %d, want 42", got)
	}
	t.Log("cgo test says", Twice(21))
}
