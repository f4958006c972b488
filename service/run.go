package service

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/mathmesh/mesh/protocol"
)

// DefaultListen is the default listen address: loopback, REF's port 15099
// (protocol.md §2.1).
const DefaultListen = "127.0.0.1:15099"

// options are the command-line options of mesh-service.
type options struct {
	listen       string
	dataDir      string
	storeURL     string
	domains      []string
	tlsCert      string
	tlsKey       string
	insecureHTTP bool
	logLevel     slog.Level
	peers        map[string]string
}

type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("mesh-service", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var domains stringList
	var level string
	fs.StringVar(&o.listen, "listen", DefaultListen, "address to listen on (host:port)")
	fs.StringVar(&o.dataDir, "data", "", "data directory (created mode 0700 if missing); required")
	fs.StringVar(&o.storeURL, "store", "", "store: empty for the embedded store under --data, or a postgres:// URL (several nodes may share it)")
	fs.Var(&domains, "domain", "DNS domain whose accounts this service hosts (repeatable; required)")
	fs.StringVar(&o.tlsCert, "tls-cert", "", "TLS certificate file (PEM)")
	fs.StringVar(&o.tlsKey, "tls-key", "", "TLS private key file (PEM)")
	fs.BoolVar(&o.insecureHTTP, "insecure-http", false, "allow plain HTTP on a non-loopback address")
	fs.StringVar(&level, "log-level", "info", "log level: debug, info, warn or error")
	var peers stringList
	fs.Var(&peers, "peer", "DOMAIN=URL: the Mesh service of DOMAIN for outbound messages, instead of DNS discovery (repeatable; for tests)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	// Extra arguments after --domain are more domains ("--domain A B").
	for _, a := range fs.Args() {
		if strings.HasPrefix(a, "-") {
			return nil, fmt.Errorf("mesh-service: flag %s after the domain list: put flags first", a)
		}
	}
	o.domains = append(domains, fs.Args()...)
	if o.dataDir == "" {
		return nil, errors.New("mesh-service: --data DIR is required")
	}
	if len(o.domains) == 0 {
		return nil, errors.New("mesh-service: at least one --domain is required")
	}
	if (o.tlsCert == "") != (o.tlsKey == "") {
		return nil, errors.New("mesh-service: --tls-cert and --tls-key go together")
	}
	if err := o.logLevel.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("mesh-service: --log-level: %w", err)
	}
	var err error
	if o.peers, err = parsePeers(peers); err != nil {
		return nil, err
	}
	return o, nil
}

// checkListen refuses plain HTTP on a non-loopback address unless forced.
func (o *options) checkListen() error {
	if o.tlsCert != "" || o.insecureHTTP {
		return nil
	}
	host, _, err := net.SplitHostPort(o.listen)
	if err != nil {
		return fmt.Errorf("mesh-service: --listen %q: %w", o.listen, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("mesh-service: refusing plain HTTP on %s, which is not a loopback address: give --tls-cert and --tls-key, or --insecure-http", o.listen)
}

// Run is the mesh-service command: it parses args, opens the store under
// --data, serves until SIGINT or SIGTERM and then drains in-flight requests.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if err := o.checkListen(); err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: o.logLevel}))
	if err := os.MkdirAll(o.dataDir, 0o700); err != nil {
		return fmt.Errorf("mesh-service: --data: %w", err)
	}
	st, err := openStore(ctx, o.storeURL, o.dataDir, log)
	if err != nil {
		return fmt.Errorf("mesh-service: %w", err)
	}
	defer st.Close()
	svc, err := New(&Config{DataDir: o.dataDir, Store: st, Domains: o.domains, Logger: log, Peers: o.peers})
	if err != nil {
		return fmt.Errorf("mesh-service: %w", err)
	}
	defer svc.followStore(st)()
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("mesh-service: %w", err)
	}
	scheme := "http"
	if o.tlsCert != "" {
		scheme = "https"
	}
	srv := svc.httpServer(log)
	fmt.Fprintf(stdout, "mesh-service listening on %s://%s%s service %s\n", scheme, ln.Addr(), protocol.WellKnownPath, svc.UDF())
	log.Info("listening", "addr", ln.Addr().String(), "scheme", scheme, "service", svc.UDF(), "domains", o.domains, "data", o.dataDir)
	return serve(ctx, srv, ln, o, log)
}

func (s *Service) httpServer(log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    protocol.MaxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		TLSConfig:         &tls.Config{MinVersion: tls.VersionTLS12},
	}
}

// serve runs srv until ctx ends or a signal arrives, then shuts down
// gracefully within shutdownGrace.
func serve(ctx context.Context, srv *http.Server, ln net.Listener, o *options, log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() {
		if o.tlsCert != "" {
			errc <- srv.ServeTLS(ln, o.tlsCert, o.tlsKey)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("mesh-service: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: draining in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("mesh-service: shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}
