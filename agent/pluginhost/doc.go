// Package pluginhost starts, checks, supervises and restarts mesh-agent's
// plugins (design: ../shared/spec/plugins.md sections 2.1, 2.7 and 2.8).
//
// Only plugins listed in plugins.hcl run ([LoadRegistry]); before each exec
// the binary's ownership, permissions and SHA-256 pin are checked
// ([CheckBinary]) and go-plugin's SecureConfig checks the hash again. The
// agent creates each endpoint's Unix socket once and hands it to every
// process of the plugin as an inherited descriptor, so the path never changes
// across restarts. An unexpected exit restarts the plugin with backoff
// (doubling from backoff_min to backoff_max); more than max_restarts within
// the window marks it failed and closes its endpoints, so clients get a quick
// refusal instead of a hang. Every call has a deadline; two calls in a row
// past their deadline, or three failed health checks, count as a crash.
package pluginhost
