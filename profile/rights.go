package profile

import (
	"fmt"
	"sort"
	"strings"
)

// Store labels of the account catalogs and spools (schema.md §7.2, §8).
// They are frozen wire names.
const (
	StoreDevice      = "MMM_Device"
	StoreContact     = "MMM_Contact"
	StoreCredential  = "MMM_Credential"
	StoreBookmark    = "MMM_Bookmark"
	StoreTask        = "MMM_Task"
	StoreNetwork     = "MMM_Network"
	StoreApplication = "MMM_Application"
	StorePublication = "MMM_Publication"
	StoreAccess      = "MMM_Access"
	StoreMember      = "MMM_Member"
	StoreInbound     = "MMM_Inbound"
	StoreOutbound    = "MMM_Outbound"
	StoreLocal       = "MMM_Local"
)

// Role names (schema.md §6). Roles travel on the wire (ConnectionDevice.Roles,
// MessagePin.Roles) and are frozen.
//
// The group roles differ from the reference, whose dictionary maps
// "groupmember" to the group-administrator set and "store" to the member
// set and leaves "groupadmin" out: here RoleGroupAdmin is the administrator
// set and RoleGroupMember the member set, and "store" is not a role
// (docs/schema.md).
const (
	RoleSuper     = "super"
	RoleAdmin     = "admin"
	RoleDevice    = "device"
	RoleMessage   = "message"
	RoleWeb       = "web"
	RoleDeveloper = "developer"
	// RoleThreshold is web with the Account right granted with degree
	// Service (schema.md §6). Every device other than the one holding the
	// account seed gets its decryption keys with degree Service anyway
	// (docs/devices.md §3), so it grants what web grants.
	RoleThreshold   = "threshold"
	RoleGroupAdmin  = "groupadmin"
	RoleGroupMember = "groupmember"
)

// DefaultRoles are the roles of the first device of a new account
// (schema.md §6, MeshHost.InitializeAdminContext).
var DefaultRoles = []string{RoleSuper, RoleAdmin, RoleWeb}

// Resource names what a right applies to (schema.md §6).
type Resource string

// Resources used by the role table.
const (
	// ResourceProfileRoot is the account root key (ProfileSignature).
	ResourceProfileRoot Resource = "ProfileRoot"
	// ResourceProfileAdmin is the administration key (AdministratorSignature).
	ResourceProfileAdmin Resource = "ProfileAdmin"
	// ResourceAccount is the set of Common keys.
	ResourceAccount Resource = "Account"
	// ResourceAccountEncrypt, ...Authenticate and ...Sign are the device's
	// own overlaid account keys, which every connected device holds through
	// its activation; they add nothing to ActivationCommon.
	ResourceAccountEncrypt      Resource = "AccountEncrypt"
	ResourceAccountAuthenticate Resource = "AccountAuthenticate"
	ResourceAccountSign         Resource = "AccountSign"
	// ResourceStore is a catalog or spool; Right.Name is its label.
	ResourceStore Resource = "Store"
)

// Access is a set of operations a right allows (schema.md §6). The values are
// ours (rights are not on the wire): one bit per operation and one per
// "may grant the operation to others".
type Access uint

// Access bits.
const (
	Decrypt           Access = 1 << 0
	Sign              Access = 1 << 1
	Authenticate      Access = 1 << 2
	GrantDecrypt      Access = 1 << 4
	GrantSign         Access = 1 << 5
	GrantAuthenticate Access = 1 << 6

	ReadWrite      = Decrypt | Sign
	GrantReadWrite = ReadWrite | GrantDecrypt | GrantSign
)

// Degree is how a right is granted (schema.md §5.3). Only Direct (the
// complete private key) is granted by this package.
type Degree string

// DegreeDirect grants the complete private key.
const DegreeDirect Degree = "Direct"

// Right is one entry of a role (schema.md §6).
type Right struct {
	Resource Resource
	Name     string // the store label for ResourceStore
	Access   Access
	Degree   Degree
}

func store(label string, a Access) Right {
	return Right{Resource: ResourceStore, Name: label, Access: a, Degree: DegreeDirect}
}

func right(r Resource, a Access) Right { return Right{Resource: r, Access: a, Degree: DegreeDirect} }

// roleTable expands each role (schema.md §6, REF Rights.cs 2022, with our
// group role names). Composite roles list the roles they include.
var roleTable = map[string]struct {
	rights   []Right
	includes []string
}{
	RoleSuper: {rights: []Right{
		right(ResourceProfileRoot, Sign),
		right(ResourceProfileAdmin, Sign|GrantSign),
		store(StoreDevice, ReadWrite),
		store(StoreAccess, GrantReadWrite),
	}},
	RoleAdmin: {rights: append([]Right{
		right(ResourceProfileAdmin, Sign),
		store(StoreLocal, Sign),
		store(StoreAccess, GrantReadWrite),
		right(ResourceAccountEncrypt, ReadWrite),
		right(ResourceAccountAuthenticate, ReadWrite),
		right(ResourceAccountSign, ReadWrite),
	}, stores(GrantReadWrite, StoreDevice, StoreContact, StoreTask, StoreBookmark, StoreNetwork,
		StoreApplication, StorePublication, StoreInbound, StoreOutbound)...)},
	RoleDevice: {rights: stores(ReadWrite, StoreNetwork, StoreApplication)},
	RoleMessage: {rights: append([]Right{right(ResourceAccount, ReadWrite|Authenticate)},
		stores(ReadWrite, StoreContact, StorePublication, StoreInbound, StoreOutbound)...),
		includes: []string{RoleDevice}},
	RoleWeb:       {rights: stores(ReadWrite, StoreCredential, StoreTask, StoreBookmark), includes: []string{RoleMessage}},
	RoleDeveloper: {includes: []string{RoleWeb}},
	RoleThreshold: {includes: []string{RoleWeb}},
	RoleGroupAdmin: {rights: []Right{
		right(ResourceAccount, GrantReadWrite),
		store(StorePublication, GrantReadWrite),
		store(StoreMember, ReadWrite),
	}},
	RoleGroupMember: {rights: []Right{
		right(ResourceAccount, Decrypt),
		store(StorePublication, ReadWrite),
	}},
}

func stores(a Access, labels ...string) []Right {
	out := make([]Right, len(labels))
	for i, l := range labels {
		out[i] = store(l, a)
	}
	return out
}

// Roles returns every role name this package knows, sorted.
func Roles() []string {
	out := make([]string, 0, len(roleTable))
	for r := range roleTable {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// CheckRoles validates a role list from the wire or the command line: at
// most MaxRoles known names, no duplicates.
func CheckRoles(roles []string) error {
	if len(roles) > MaxRoles {
		return fmt.Errorf("profile: %d roles, limit is %d", len(roles), MaxRoles)
	}
	seen := map[string]bool{}
	for i, r := range roles {
		if len(r) > MaxRoleLength {
			return fmt.Errorf("profile: role %d has %d bytes, limit is %d", i, len(r), MaxRoleLength)
		}
		if _, ok := roleTable[r]; !ok {
			return fmt.Errorf("profile: unknown role %q (known: %s)", r, strings.Join(Roles(), ", "))
		}
		if seen[r] {
			return fmt.Errorf("profile: role %q named twice", r)
		}
		seen[r] = true
	}
	return nil
}

// RightsOf expands roles into rights (schema.md §6), including the rights
// of included roles, each listed once.
func RightsOf(roles []string) ([]Right, error) {
	if err := CheckRoles(roles); err != nil {
		return nil, err
	}
	var out []Right
	seen := map[Right]bool{}
	done := map[string]bool{}
	var add func(string)
	add = func(role string) {
		if done[role] {
			return
		}
		done[role] = true
		e := roleTable[role]
		for _, r := range e.rights {
			if !seen[r] {
				seen[r] = true
				out = append(out, r)
			}
		}
		for _, inc := range e.includes {
			add(inc)
		}
	}
	for _, r := range roles {
		add(r)
	}
	return out, nil
}

// Grant is what a set of roles puts into ActivationCommon (schema.md §5.3,
// §6): the root key, the administration key, the Common keys and the
// private keys of the stores the device may read.
type Grant struct {
	Root                 bool     // ProfileSignature
	Admin                bool     // AdministratorSignature
	CommonEncryption     bool     // Encryption
	CommonSignature      bool     // Signature
	CommonAuthentication bool     // Authentication
	Stores               []string // store labels with Decrypt access, sorted
}

// GrantOf computes the grant of roles: a right gives the key it names when
// its Access includes the key's use (Sign for signature keys, Decrypt for
// encryption keys, Authenticate for the authentication key).
func GrantOf(roles []string) (*Grant, error) {
	rights, err := RightsOf(roles)
	if err != nil {
		return nil, err
	}
	g := &Grant{}
	storeSet := map[string]bool{}
	for _, r := range rights {
		switch r.Resource {
		case ResourceProfileRoot:
			g.Root = g.Root || r.Access&Sign != 0
		case ResourceProfileAdmin:
			g.Admin = g.Admin || r.Access&Sign != 0
		case ResourceAccount:
			g.CommonEncryption = g.CommonEncryption || r.Access&Decrypt != 0
			g.CommonSignature = g.CommonSignature || r.Access&Sign != 0
			g.CommonAuthentication = g.CommonAuthentication || r.Access&Authenticate != 0
		case ResourceStore:
			if r.Access&Decrypt != 0 {
				storeSet[r.Name] = true
			}
		}
	}
	for l := range storeSet {
		g.Stores = append(g.Stores, l)
	}
	sort.Strings(g.Stores)
	return g, nil
}

// HasStore reports whether the grant includes the key of store label.
func (g *Grant) HasStore(label string) bool {
	i := sort.SearchStrings(g.Stores, label)
	return i < len(g.Stores) && g.Stores[i] == label
}
