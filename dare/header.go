package dare

import "time"

// This file holds the JSON data model of a DARE envelope (dare.md §2.2-§2.5,
// §13). Field names are the JSON names written by [REF] (2022). The Go field
// order is the [REF] serialization order: a [REF]-layout writer (jsonb
// MarshalRef) reproduces [REF] headers byte for byte from it. These types are
// shared with package sequence; the JSON names are frozen, new fields are
// optional and appended.

// Header is a DARE header (dare.md §2.2). It inherits every Trailer field:
// [REF] writes those first, so they come first here too.
type Header struct {
	// Trailer fields that may also sit in a header (dare.md §2.3, §8.8).
	Signatures    []Signature `json:"signatures,omitempty"`
	SignedData    []byte      `json:"SignedData,omitempty"`
	PayloadDigest []byte      `json:"PayloadDigest,omitempty"`
	ChainDigest   []byte      `json:"ChainDigest,omitempty"`
	TreeDigest    []byte      `json:"TreeDigest,omitempty"`

	// Header fields proper, [REF] order.
	EnvelopeID      string         `json:"EnvelopeId,omitempty"`
	Enc             string         `json:"enc,omitempty"`
	Dig             string         `json:"dig,omitempty"`
	Kid             string         `json:"kid,omitempty"`
	Salt            []byte         `json:"Salt,omitempty"`
	Malt            []byte         `json:"Malt,omitempty"`
	Cloaked         []byte         `json:"cloaked,omitempty"`
	Annotations     [][]byte       `json:"annotations,omitempty"`
	Recipients      []Recipient    `json:"recipients,omitempty"`
	Policy          *Policy        `json:"policy,omitempty"`
	ContentMetaData []byte         `json:"ContentMetaData,omitempty"`
	SequenceInfo    *SequenceInfo  `json:"SequenceInfo,omitempty"`
	SequenceIndex   *SequenceIndex `json:"SequenceIndex,omitempty"`
	Received        *time.Time     `json:"Received,omitempty"`

	// [REF-2024] additions (dare.md §2.2, §2.3), read only.
	ApexDigest   []byte `json:"ApexDigest,omitempty"`
	WitnessValue []byte `json:"WitnessValue,omitempty"`
	Cover        []byte `json:"Cover,omitempty"`
	Bitmask      []byte `json:"Bitmask,omitempty"`
	Debug        string `json:"Debug,omitempty"`
}

// Trailer is a DARE trailer (dare.md §2.3).
type Trailer struct {
	Signatures    []Signature `json:"signatures,omitempty"`
	SignedData    []byte      `json:"SignedData,omitempty"`
	PayloadDigest []byte      `json:"PayloadDigest,omitempty"`
	ChainDigest   []byte      `json:"ChainDigest,omitempty"`
	TreeDigest    []byte      `json:"TreeDigest,omitempty"`

	// [REF-2024] additions (dare.md §2.3, §13): TreeDigest renamed, the
	// per-envelope witness of Gen-B signatures, the reserved AEAD tag.
	ApexDigest   []byte `json:"ApexDigest,omitempty"`
	WitnessValue []byte `json:"WitnessValue,omitempty"`
	PayloadTag   []byte `json:"PayloadTag,omitempty"`

	// EnvelopeTag is the authentication tag of our authenticated mode
	// (enc = EncA256CBCETM; docs/dare.md "Authenticated encryption"). It is
	// always the LAST member of a trailer we write, so that a reader can
	// remove it to recompute the tag over the trailer bytes as written.
	EnvelopeTag []byte `json:"EnvelopeTag,omitempty"`
}

// Signature is one entry of a `signatures` array (dare.md §2.4, §7).
type Signature struct {
	Dig       string    `json:"dig,omitempty"`
	Alg       string    `json:"alg,omitempty"`
	Kid       string    `json:"kid,omitempty"`
	Cert      *X509Info `json:"cert,omitempty"`
	Path      *X509Info `json:"path,omitempty"`
	Manifest  []byte    `json:"Manifest,omitempty"`
	Signature []byte    `json:"signature,omitempty"`
	Witness   []byte    `json:"witness,omitempty"` // Gen-A only
}

// X509Info is the unused `cert`/`path` member of a signature (dare.md §2.4).
type X509Info struct {
	X5u string `json:"x5u,omitempty"`
	X5c []byte `json:"x5c,omitempty"`
}

// Recipient is one key exchange block of `recipients` (dare.md §2.4, §4).
type Recipient struct {
	Kid string     `json:"kid,omitempty"`
	Kwd string     `json:"kwd,omitempty"` // never written by [REF]; ignored on read
	Epk *TaggedKey `json:"epk,omitempty"`
	Wmk []byte     `json:"wmk,omitempty"`
	Rkd string     `json:"rkd,omitempty"`
	Ek  []byte     `json:"ek,omitempty"` // [REF-2024] KEM ciphertext; not supported
}

// TaggedKey is a tagged JOSE key, `{"PublicKeyECDH": {...}}` (dare.md §2.4).
type TaggedKey struct {
	PublicKeyECDH *PublicKeyECDH `json:"PublicKeyECDH,omitempty"`
}

// PublicKeyECDH is an ECDH/EdDSA public key: `crv` is Ed25519, Ed448,
// X25519 or X448 and `Public` the raw RFC 8032 / RFC 7748 encoding (57 bytes
// for X448, dare.md §2.4).
type PublicKeyECDH struct {
	Crv    string `json:"crv,omitempty"`
	Public []byte `json:"Public,omitempty"`
}

// Policy is the frame-0 `policy` of a sequence (dare.md §2.4, §8.9).
type Policy struct {
	Enc         string      `json:"enc,omitempty"`
	Dig         string      `json:"dig,omitempty"`
	Encryption  string      `json:"Encryption,omitempty"`
	Signature   string      `json:"Signature,omitempty"`
	EncryptKeys []TaggedKey `json:"EncryptKeys,omitempty"`
	SignKeys    []TaggedKey `json:"SignKeys,omitempty"`
	Sealed      bool        `json:"Sealed,omitempty"`
	Public      bool        `json:"Public,omitempty"` // [REF-2024]
}

// SequenceInfo is the `SequenceInfo` member of a sequence frame header
// (dare.md §8.4). Pointers distinguish "absent" from 0 (`TreePosition: 0`
// is written explicitly for frame 1).
type SequenceInfo struct {
	DataEncoding     string `json:"DataEncoding,omitempty"`
	ContainerType    string `json:"ContainerType,omitempty"`
	Index            *int64 `json:"Index,omitempty"`
	IsMeta           bool   `json:"IsMeta,omitempty"`
	Default          bool   `json:"Default,omitempty"`
	TreePosition     *int64 `json:"TreePosition,omitempty"`
	IndexPosition    *int64 `json:"IndexPosition,omitempty"`
	ExchangePosition *int64 `json:"ExchangePosition,omitempty"`
}

// SequenceIndex is an index frame's `SequenceIndex` (dare.md §8.10); read
// and ignored.
type SequenceIndex struct {
	Full      bool            `json:"Full,omitempty"`
	Positions []IndexPosition `json:"Positions,omitempty"`
}

// IndexPosition is one entry of SequenceIndex.Positions.
type IndexPosition struct {
	Index    int64  `json:"Index,omitempty"`
	Position int64  `json:"Position,omitempty"`
	UniqueID string `json:"UniqueId,omitempty"`
}

// ContentMeta is the object carried, untagged, as UTF-8 JSON in the header's
// `ContentMetaData` (dare.md §2.5). It is neither encrypted nor signed by
// [REF]; in our authenticated mode it is covered by the envelope tag.
type ContentMeta struct {
	UniqueID    string     `json:"UniqueId,omitempty"`
	Labels      []string   `json:"Labels,omitempty"`
	KeyValues   []KeyValue `json:"KeyValues,omitempty"`
	MessageType string     `json:"MessageType,omitempty"`
	ContentType string     `json:"cty,omitempty"`
	Paths       []string   `json:"Paths,omitempty"`
	Filename    string     `json:"Filename,omitempty"`
	Event       string     `json:"Event,omitempty"`
	Created     *time.Time `json:"Created,omitempty"`
	Modified    *time.Time `json:"Modified,omitempty"`
	Expire      *time.Time `json:"Expire,omitempty"`
	First       int64      `json:"First,omitempty"`
	Previous    int64      `json:"Previous,omitempty"`
	FileEntry   *FileEntry `json:"FileEntry,omitempty"`
}

// KeyValue is one ContentMeta.KeyValues entry.
type KeyValue struct {
	Key   string `json:"Key,omitempty"`
	Value string `json:"Value,omitempty"`
}

// FileEntry describes an archived file (dare.md §2.5, §9.4).
type FileEntry struct {
	Path           string     `json:"Path,omitempty"`
	CreationTime   *time.Time `json:"CreationTime,omitempty"`
	LastAccessTime *time.Time `json:"LastAccessTime,omitempty"`
	LastWriteTime  *time.Time `json:"LastWriteTime,omitempty"`
	Attributes     int64      `json:"Attributes,omitempty"`
}
