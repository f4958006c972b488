package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mathmesh/mesh/client"
)

// newMessageCmd builds `meshman message` (cli.md §6; docs/messaging.md):
// the requests waiting in the inbound spool (connection, contact and
// confirmation requests), their answers, confirmation requests and the
// status of sent messages.
func newMessageCmd(app *App) *cobra.Command {
	var af accountFlags
	cmd := &cobra.Command{
		Use:   "message",
		Short: "messages between accounts: pending requests, answers, confirmations",
		Args:  cobra.NoArgs,
	}
	af.addPersistent(cmd)
	cmd.AddCommand(&cobra.Command{
		Use:   "pending",
		Short: "list the requests waiting for an answer (connection, contact, confirmation)",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return messagePendingRun(cmd, app, &af) },
	})
	for _, a := range []struct{ use, action, short string }{
		{"accept", client.ActionAccept, "accept a contact or confirmation request"},
		{"reject", client.ActionReject, "reject a contact or confirmation request"},
		{"block", client.ActionBlock, "reject a request and refuse every further message from its sender"},
	} {
		a := a
		cmd.AddCommand(&cobra.Command{
			Use:   a.use + " ID",
			Short: a.short,
			Args:  exactArgs(1, "ID"),
			RunE: func(cmd *cobra.Command, args []string) error {
				acct, err := af.open(app, "")
				if err != nil {
					return app.Errorf("message %s: %w", a.use, err)
				}
				ans, err := acct.AnswerMessage(cmd.Context(), args[0], a.action)
				if err != nil {
					return app.Errorf("message %s: %w", a.use, err)
				}
				return app.Emit(&MessageAnswerResult{ans})
			},
		})
	}
	cmd.AddCommand(newMessageConfirmCmd(app, &af), newMessageStatusCmd(app, &af))
	return cmd
}

// MessagePendingResult is the output of `message pending`.
type MessagePendingResult struct {
	Connections []*client.PendingConnection `json:"connections"`
	Messages    []*client.InboundMessage    `json:"messages"`
}

// Text lists the requests in the draft's form (architecture §4.2, §4.3.1).
func (r *MessagePendingResult) Text() string {
	if len(r.Connections) == 0 && len(r.Messages) == 0 {
		return "No pending requests"
	}
	var b strings.Builder
	if len(r.Connections) > 0 {
		b.WriteString((&DevicePendingResult{Requests: r.Connections}).Text())
	}
	for _, m := range r.Messages {
		kind := "Contact Request"
		if m.Type == "RequestConfirmation" {
			kind = "Confirmation Request"
		}
		fmt.Fprintf(&b, "MessageID: %s\n        %s::\n        MessageID: %s\n        To: %s From: %s\n",
			m.MessageID, kind, m.MessageID, m.Recipient, m.Sender)
		if m.Text != "" {
			fmt.Fprintf(&b, "        Text: %s\n", m.Text)
		}
		if m.Invalid != "" {
			fmt.Fprintf(&b, "        INVALID: %s\n", m.Invalid)
		}
	}
	return b.String()
}

func messagePendingRun(cmd *cobra.Command, app *App, af *accountFlags) error {
	a, err := af.open(app, "")
	if err != nil {
		return app.Errorf("message pending: %w", err)
	}
	conns, err := a.PendingConnections(cmd.Context())
	if err != nil {
		return app.Errorf("message pending: %w", err)
	}
	msgs, err := a.PendingMessages(cmd.Context())
	if err != nil {
		return app.Errorf("message pending: %w", err)
	}
	return app.Emit(&MessagePendingResult{Connections: conns, Messages: msgs})
}

// MessageAnswerResult is the output of `message accept|reject|block`.
type MessageAnswerResult struct{ *client.MessageAnswer }

func (r *MessageAnswerResult) Text() string {
	verb := map[string]string{client.ActionAccept: "Accepted", client.ActionReject: "Rejected", client.ActionBlock: "Blocked"}[r.Action]
	s := fmt.Sprintf("%s %s %s from %s", verb, r.Type, r.MessageID, r.Sender)
	if r.Reply != nil {
		s += fmt.Sprintf("\nSent %s %s to %s", r.Reply.Type, r.Reply.MessageID, r.Reply.Recipient)
	}
	return s
}

// SentMessageResult is the output of the commands that send a message.
type SentMessageResult struct{ *client.SentMessage }

func (r *SentMessageResult) Text() string {
	return fmt.Sprintf("Sent %s to %s\nMessageID: %s", r.Type, r.Recipient, r.MessageID)
}

func newMessageConfirmCmd(app *App, af *accountFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "confirm ADDRESS TEXT",
		Short: "ask a contact to confirm an action (architecture §4.3.2)",
		Args:  exactArgs(2, "ADDRESS", "TEXT"),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := af.open(app, "")
			if err != nil {
				return app.Errorf("message confirm: %w", err)
			}
			sent, err := a.RequestConfirmation(cmd.Context(), args[0], args[1])
			if err != nil {
				return app.Errorf("message confirm: %w", err)
			}
			return app.Emit(&SentMessageResult{sent})
		},
	}
}

// MessageStatusResult is the output of `message status`.
type MessageStatusResult struct{ *client.MessageStatus }

func (r *MessageStatusResult) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "MessageID: %s\n        %s to %s: %s\n", r.MessageID, r.Type, r.Recipient, r.Delivery)
	if r.Body != "" {
		fmt.Fprintf(&b, "        Text: %s\n", r.Body)
	}
	switch resp := r.Response; {
	case resp != nil:
		fmt.Fprintf(&b, "        Response: %s (verified)\n        ResponseID: %s\n        By: %s\n        Device: %s\n        Device key: %s\n        Time: %s\n",
			resp.Action, resp.ResponseID, resp.Responder, resp.Device, resp.DeviceKey, resp.Time.Format("2006-01-02T15:04:05Z"))
	case r.Type == "RequestConfirmation":
		b.WriteString("        Response: none yet\n")
	}
	return b.String()
}

func newMessageStatusCmd(app *App, af *accountFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "status ID",
		Short: "show the delivery of a sent message and the verified response to a confirmation request",
		Args:  exactArgs(1, "ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := af.open(app, "")
			if err != nil {
				return app.Errorf("message status: %w", err)
			}
			st, err := a.MessageStatus(cmd.Context(), args[0])
			if err != nil {
				return app.Errorf("message status: %w", err)
			}
			return app.Emit(&MessageStatusResult{st})
		},
	}
}
