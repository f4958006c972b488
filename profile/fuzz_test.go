package profile

import (
	"testing"

	"github.com/mathmesh/mesh/udf"
)

// FuzzVerifyProfile: VerifyProfile never panics, and whatever it accepts
// has a UDF and valid published keys.
func FuzzVerifyProfile(f *testing.F) {
	dev, _ := DeviceFromSeed(testSeed(udf.MeshProfileDevice, 1))
	acct, _ := AccountFromSeed(testSeed(udf.MeshProfileAccount, 3))
	for _, mk := range []func() ([]byte, error){
		func() ([]byte, error) { return dev.SignedProfile("d", &SealOptions{Created: fixedTime}) },
		func() ([]byte, error) {
			return acct.SignedProfileUser("alice@example.com", "", &SealOptions{Created: fixedTime})
		},
	} {
		env, err := mk()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(env)
	}
	f.Add([]byte(`[{},"",{}]`))
	f.Fuzz(func(t *testing.T, env []byte) {
		p, err := VerifyProfile(env)
		if err != nil {
			return
		}
		if p.base().UDF() == "" {
			t.Fatal("accepted a profile without a UDF")
		}
		if err := checkPublished(p); err != nil {
			t.Fatalf("accepted a profile with a bad key: %v", err)
		}
	})
}
