package udf

import (
	"strings"
	"testing"
)

// TestStrongNameVectors runs the Strong Internet Name cases of
// testdata/sin.json (udf.md §9).
func TestStrongNameVectors(t *testing.T) {
	var v struct {
		Build []struct {
			ID          string `json:"id"`
			Address     string `json:"address"`
			Fingerprint string `json:"fingerprint"`
			Expect      string `json:"expect"`
			Label       string `json:"label"`
		} `json:"build"`
		Parse []struct {
			ID          string `json:"id"`
			Input       string `json:"input"`
			Address     string `json:"address"`
			Fingerprint string `json:"fingerprint"`
		} `json:"parse"`
		Bad []struct {
			ID      string `json:"id"`
			Op      string `json:"op"`
			Address string `json:"address"`
			Input   string `json:"input"`
			Check   string `json:"check"`
		} `json:"bad"`
	}
	loadVectors(t, "sin.json", &v)
	for _, tc := range v.Build {
		t.Run("build/"+tc.ID, func(t *testing.T) {
			got, err := StrongName(tc.Address, tc.Fingerprint)
			if err != nil || got != tc.Expect {
				t.Fatalf("StrongName = %q, %v; want %q", got, err, tc.Expect)
			}
			if tc.Label != "" {
				if l, err := StrongNameLabel(tc.Fingerprint); err != nil || l != tc.Label {
					t.Errorf("StrongNameLabel = %q, %v; want %q", l, err, tc.Label)
				}
			}
			addr, fp, err := ParseStrongName(got)
			if err != nil || addr != tc.Address || !Equal(fp, tc.Fingerprint) {
				t.Errorf("ParseStrongName = %q %q %v", addr, fp, err)
			}
		})
	}
	for _, tc := range v.Parse {
		t.Run("parse/"+tc.ID, func(t *testing.T) {
			addr, fp, err := ParseStrongName(tc.Input)
			if err != nil || addr != tc.Address || fp != tc.Fingerprint {
				t.Errorf("ParseStrongName = %q %q %v; want %q %q", addr, fp, err, tc.Address, tc.Fingerprint)
			}
		})
	}
	for _, tc := range v.Bad {
		t.Run("bad/"+tc.ID, func(t *testing.T) {
			var err error
			switch tc.Op {
			case "parse":
				_, _, err = ParseStrongName(tc.Input)
			case "build":
				_, err = StrongName(tc.Address, tc.Input)
			default:
				t.Fatalf("unknown op %q", tc.Op)
			}
			if err == nil || !strings.Contains(err.Error(), tc.Check) {
				t.Errorf("error %v, want one containing %q", err, tc.Check)
			}
		})
	}
}
