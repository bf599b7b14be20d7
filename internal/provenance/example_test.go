package provenance_test

import (
	"crypto/ed25519"
	"fmt"
	"time"

	"github.com/hardenedcloud/terraform-provider-hardened/internal/provenance"
)

// The builder signs; a verifier (the Terraform provider) decodes the image's
// tags and checks them against its trusted keys.
func Example() {
	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	signed, err := provenance.Sign(provenance.Record{
		ProfileID: "debian-13", Pass: 221, Waived: 1,
		BaseImageID: "img-c7gs0s27", BaseOsName: "Debian 13.1 64位",
		BaseEOL:        time.Date(2028, 8, 9, 0, 0, 0, 0, time.UTC),
		BuildTime:      time.Date(2026, 11, 23, 17, 0, 0, 0, time.UTC),
		BuilderVersion: "packer-plugin-hardened 0.1.0",
	}, key)
	if err != nil {
		panic(err)
	}
	tags := signed.Tags() // → CreateImage TagSpecification

	trusted, _ := provenance.NewKeyRing(key.Public().(ed25519.PublicKey))
	got, err := provenance.VerifyTags(tags, trusted)
	fmt.Println(err, got.ProfileID, got.Pass, got.BaseEOL.Format(time.DateOnly))

	tags["hardened:audit-fail"] = "0"
	tags["hardened:audit-pass"] = "999"
	_, err = provenance.VerifyTags(tags, trusted)
	fmt.Println(err != nil)
	// Output:
	// <nil> debian-13 221 2028-08-09
	// true
}
