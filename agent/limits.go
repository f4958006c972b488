package agent

// MaxWatchCatalogs bounds the catalogs and entry types one Catalog.Watch
// request of a plugin may name.
const MaxWatchCatalogs = 16
