// Package catalog implements the Mesh catalogs: per-account stores of
// entries (devices, contacts, credentials, bookmarks, tasks, networks,
// applications, access capabilities, publications, group members), each
// kept as a DARE sequence of envelopes that record New, Update and Delete
// events (schema.md §7; dare.md §9.1, §9.2).
//
// A [Catalog] is an engine over a [Store], the persistence of envelope
// bytes: the client keeps a copy of each catalog in a sequence file
// ([OpenSequenceStore]); the service keeps its own. The current state is
// the replay of the envelopes in order. Every envelope's ContentMeta carries
// the entry's primary key (UniqueId), the Event and, for Update and Delete,
// Previous: the index of the event it replaces. An event whose Previous is
// not the entry's latest event is a conflict ([ErrConflict]): it is refused
// when prepared and skipped (and reported by [Catalog.Conflicts]) on replay,
// so that every device replays the same sequence to the same state.
//
// Envelopes are encrypted to the catalog's store key
// (CompleteAccountEncrypt<label>, schema.md §7.1); the Access catalog also
// to the host's AccessEncrypt key, and the Publication catalog is not
// encrypted (its entries' data are encrypted under PIN-derived keys).
// Replay reads only the clear ContentMeta; an entry is decrypted, checked
// (its tag belongs to the catalog and its primary key equals UniqueId) and
// cached when first read. See ../docs/schema.md for where we differ from
// the reference.
package catalog
