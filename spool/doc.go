// Package spool implements the Mesh spools and the messages that travel
// through them (schema.md §8, §9; dare.md §9.3): MMM_Inbound, MMM_Outbound
// and MMM_Local are DARE sequences of message envelopes, and a message's
// state changes are recorded by appending MessageComplete messages that
// refer to it, never by rewriting it.
//
// Messages are tagged Mesh objects ([Seal] envelopes one): MessageId is a
// fresh nonce unless the flow fixes it (PinId for MessagePin, the witness
// for AcknowledgeConnection, udf.ResponseID of the request for responses),
// and the envelope's EnvelopeId is udf.EnvelopeID(MessageId), so that the
// service finds a message without knowing its MessageId (schema.md §9.1).
// A message is at most MaxMessageSize bytes (schema.md §9.1: 32 KB).
//
// The connection messages (RequestConnection, AcknowledgeConnection,
// RespondConnection), the PIN registration (MessagePin) and the status
// marker (MessageComplete) are those the account and connection flows of
// protocol.md §7 (F1, F4) need; the witness and PIN computations follow
// schema.md §9.3 and §9.4 with the udf functions.
package spool
