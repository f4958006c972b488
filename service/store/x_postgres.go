package store

// Validation shared with the other implementations of Store (package
// service/store/postgres), so that every backend refuses exactly the same
// input with the same messages. These wrap the embedded store's checks.

// CheckBatches reports the first problem with the batches of an Append: a
// bad container name or account, an empty or oversize envelope, an
// oversize EnvelopeID, or more than MaxEntriesPerAppend entries in all.
func CheckBatches(batches []Batch) error { return checkBatches(batches) }

// CheckAccount reports the first problem with an account to create: a
// missing or oversize profile UDF, too many names, or a bad name.
func CheckAccount(a *Account) error { return checkAccount(a) }
