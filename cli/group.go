package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mathmesh/mesh/client"
	"github.com/mathmesh/mesh/keys"
)

// `meshman group` (architecture draft §4.4; protocol.md §7 F8;
// docs/groups.md): encryption groups. The account that creates a group
// administers it; files are encrypted to the group with `dare encode
// --encrypt GROUP`; members decrypt with their share of the group key and
// the service's, which removing them withdraws.
func newGroupCmd(app *App) *cobra.Command {
	var af accountFlags
	cmd := &cobra.Command{
		Use:   "group",
		Short: "create encryption groups and manage their members",
		Args:  cobra.NoArgs,
	}
	af.addPersistent(cmd)
	cmd.AddCommand(newGroupCreateCmd(app, &af), newGroupAddCmd(app, &af), newGroupDeleteCmd(app, &af),
		newGroupListCmd(app, &af), newGroupGetCmd(app, &af))
	return cmd
}

// GroupCreateResult is the output of `group create`.
type GroupCreateResult struct{ *client.GroupResult }

func (r *GroupCreateResult) Text() string {
	return fmt.Sprintf("Group %s created (%s), administered by %s\nEncryption key: %s",
		r.Group, r.ProfileUDF, r.Administrator, r.EncryptionKey)
}

func newGroupCreateCmd(app *App, af *accountFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "create GROUP",
		Short: "create the encryption group GROUP (an address) administered by this account",
		Long: "Create the group GROUP (e.g. groupw@example.com) as an account at the Mesh service of its\n" +
			"domain. Its seed is kept escrowed in this account's application catalog, so only this\n" +
			"account (on the device holding its seed) can add or remove members. Files encrypted to\n" +
			"the group can be read by its members only, not even by the administrator until it adds itself.",
		Args: exactArgs(1, "GROUP"),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := af.open(app, "")
			if err != nil {
				return app.Errorf("group create: %w", err)
			}
			res, err := a.CreateGroup(cmd.Context(), args[0])
			if err != nil {
				return app.Errorf("group create: %w", err)
			}
			return app.Emit(&GroupCreateResult{res})
		},
	}
}

// GroupMemberResult is the output of `group add`, `group delete` and
// `group get`.
type GroupMemberResult struct {
	*client.MemberInfo
	Action string `json:"action,omitempty"`
}

func (r *GroupMemberResult) Text() string {
	switch r.Action {
	case "added":
		return fmt.Sprintf("Added %s to %s (capability %s)", r.Member, r.Group, r.Capability)
	case "deleted":
		return fmt.Sprintf("Removed %s from %s (capability %s withdrawn)", r.Member, r.Group, r.Capability)
	}
	return memberLine(r.MemberInfo)
}

func memberLine(m *client.MemberInfo) string {
	state := "active"
	if !m.Active {
		state = "inactive"
	}
	return fmt.Sprintf("%s %s (%s)", m.Member, m.Capability, state)
}

func newGroupAddCmd(app *App, af *accountFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "add GROUP MEMBER",
		Short: "add MEMBER (an account address) to GROUP",
		Long: "Give MEMBER a fresh share of the group key and the group's service the other half, so\n" +
			"that MEMBER can decrypt every file encrypted to GROUP, old or new. MEMBER must be an\n" +
			"account of this machine or a contact whose profile this account holds. MEMBER's next\n" +
			"`account sync` takes the invitation.",
		Args: exactArgs(2, "GROUP", "MEMBER"),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := af.open(app, "")
			if err != nil {
				return app.Errorf("group add: %w", err)
			}
			m, err := a.AddMember(cmd.Context(), args[0], args[1])
			if err != nil {
				return app.Errorf("group add: %w", err)
			}
			return app.Emit(&GroupMemberResult{MemberInfo: m, Action: "added"})
		},
	}
}

func newGroupDeleteCmd(app *App, af *accountFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "delete GROUP MEMBER",
		Short: "remove MEMBER from GROUP",
		Long: "Withdraw MEMBER's capability at the group's service: from now on MEMBER cannot decrypt\n" +
			"any file encrypted to GROUP, including files it could read before (copies it saved\n" +
			"in the clear cannot be recalled). Nothing is re-encrypted.",
		Args: exactArgs(2, "GROUP", "MEMBER"),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := af.open(app, "")
			if err != nil {
				return app.Errorf("group delete: %w", err)
			}
			m, err := a.RemoveMember(cmd.Context(), args[0], args[1])
			if err != nil {
				return app.Errorf("group delete: %w", err)
			}
			return app.Emit(&GroupMemberResult{MemberInfo: m, Action: "deleted"})
		},
	}
}

// GroupListResult is the output of `group list`.
type GroupListResult struct {
	Group   string               `json:"group"`
	Members []*client.MemberInfo `json:"members"`
}

func (r *GroupListResult) Text() string {
	if len(r.Members) == 0 {
		return "No members in " + r.Group
	}
	lines := make([]string, len(r.Members))
	for i, m := range r.Members {
		lines[i] = memberLine(m)
	}
	return strings.Join(lines, "\n")
}

func newGroupListCmd(app *App, af *accountFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "list GROUP",
		Short: "list the members of GROUP",
		Args:  exactArgs(1, "GROUP"),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := af.open(app, "")
			if err != nil {
				return app.Errorf("group list: %w", err)
			}
			list, err := a.Members(cmd.Context(), args[0])
			if err != nil {
				return app.Errorf("group list: %w", err)
			}
			return app.Emit(&GroupListResult{Group: args[0], Members: list})
		},
	}
}

func newGroupGetCmd(app *App, af *accountFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "get GROUP MEMBER",
		Short: "show one member of GROUP",
		Args:  exactArgs(2, "GROUP", "MEMBER"),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := af.open(app, "")
			if err != nil {
				return app.Errorf("group get: %w", err)
			}
			m, err := a.Member(cmd.Context(), args[0], args[1])
			if err != nil {
				return app.Errorf("group get: %w", err)
			}
			return app.Emit(&GroupMemberResult{MemberInfo: m})
		},
	}
}

// groupEncryptionKey resolves a `dare encode --encrypt` address that names
// a group the default account administers or belongs to; nil if it names
// none (the DARE commands then look in the contacts).
func groupEncryptionKey(c *client.Client, address string) (keys.PublicKey, error) {
	a, err := c.Open("")
	if errors.Is(err, client.ErrNoAccount) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return a.GroupEncryptionKey(address)
}
