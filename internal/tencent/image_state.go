package tencent

import "fmt"

// Image states of the CVM API, grouped by what a caller can do with the image.
const (
	ImageStateNormal  = "NORMAL" // ready to launch
	ImageStateUsing   = "USING"  // ready, in use by a running operation
	ImageStateAny     = "ANY"    // MinImageState value: every state, failed ones included
	imageStateWorking = "CREATING"
)

// MinImageStates are the values a minimum image state can take, strictest first: NORMAL
// (ready images only: NORMAL, USING), CREATING (also images still being created, synced or
// imported) and ANY (also CREATEFAILED / IMPORTFAILED images).
var MinImageStates = []string{ImageStateNormal, imageStateWorking, ImageStateAny}

// imageStateRank orders states by how usable the image is: 2 ready, 1 still in progress,
// 0 failed or a state this client does not know (never mistaken for ready).
func imageStateRank(state string) int {
	switch state {
	case ImageStateNormal, ImageStateUsing:
		return 2
	case "CREATING", "SYNCING", "IMPORTING":
		return 1
	}
	return 0
}

// MeetsMinState reports whether an image in state passes the minimum min (one of
// MinImageStates; "" means NORMAL).
func MeetsMinState(state, min string) bool {
	switch min {
	case ImageStateAny:
		return true
	case imageStateWorking:
		return imageStateRank(state) >= 1
	}
	return imageStateRank(state) >= 2
}

// CheckMinImageState validates a minimum image state value.
func CheckMinImageState(min string) error {
	for _, v := range MinImageStates {
		if v == min {
			return nil
		}
	}
	return fmt.Errorf("min_image_state %q is not one of NORMAL, CREATING, ANY", min)
}
