package service

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/mathmesh/mesh/jsonb"
	"github.com/mathmesh/mesh/protocol"
)

// Handler returns the HTTP handler of the service: POST to
// /.well-known/mmm/ (and any instance path below it), protocol.md §2.1.
func (s *Service) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(protocol.WellKnownPath, s.serveMesh)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writePlain(w, http.StatusNotFound, "not a Mesh service endpoint: POST to "+protocol.WellKnownPath)
	})
	return mux
}

// handlerFunc runs one transaction: inner is the request object's bytes.
type handlerFunc func(ctx context.Context, p *principal, inner jsonb.Raw) (protocol.Response, error)

func (s *Service) handlers() map[string]handlerFunc {
	return map[string]handlerFunc{
		protocol.TxHello:         s.hello,
		protocol.TxBindAccount:   s.bindAccount,
		protocol.TxUnbindAccount: s.unbindAccount,
		protocol.TxConnect:       s.connect,
		protocol.TxComplete:      s.complete,
		protocol.TxStatus:        s.status,
		protocol.TxDownload:      s.download,
		protocol.TxTransact:      s.transact,
		protocol.TxPost:          s.post,
		protocol.TxClaim:         s.claim,
		protocol.TxPollClaim:     s.pollClaim,
		protocol.TxOperate:       s.operate,
	}
}

// serveMesh reads, authenticates and dispatches one request, then writes
// the answer with its status copied into the HTTP status and, for an
// authenticated request, the response MAC.
func (s *Service) serveMesh(w http.ResponseWriter, r *http.Request) {
	start := s.now()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writePlain(w, http.StatusMethodNotAllowed, "Mesh requests are POSTed")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, protocol.MaxRequestBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.finish(w, r, "", nil, start, nil, refuse(protocol.StatusTooLarge, "request body exceeds %d bytes", protocol.MaxRequestBytes))
			return
		}
		s.finish(w, r, "", nil, start, nil, refuseCause(protocol.StatusBadRequest, err, "reading the request body failed"))
		return
	}
	tx, inner, err := protocol.DecodeRequestTag(body)
	if err != nil {
		s.finish(w, r, "", nil, start, nil, refuseCause(protocol.StatusBadRequest, err, "malformed request body: not a JSON object naming a Mesh transaction"))
		return
	}
	p, aerr := s.authenticate(r.Context(), r, body)
	if aerr != nil {
		s.finish(w, r, tx, nil, start, nil, aerr)
		return
	}
	if p == nil && !protocol.IsPublic(tx) {
		s.finish(w, r, tx, nil, start, nil, refuse(protocol.StatusNotAuthorized, "%s needs a credential (see docs/protocol.md §3)", tx))
		return
	}
	resp, err := s.dispatch[tx](r.Context(), p, inner)
	s.finish(w, r, tx, p, start, resp, err)
}

// finish writes a response (or the error) and logs the request.
func (s *Service) finish(w http.ResponseWriter, r *http.Request, tx string, p *principal, start time.Time, resp protocol.Response, err error) {
	var body []byte
	status := protocol.StatusSuccess
	if err == nil {
		resp.Base().Status = protocol.StatusSuccess
		body, err = protocol.EncodeResponse(tx, resp)
	}
	var e *Error
	if err != nil {
		e = asError(err)
		status = e.Status.HTTPStatus()
		body = protocol.EncodeError(e.Status, e.Public)
	}
	w.Header().Set("Content-Type", protocol.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if p != nil {
		w.Header().Set(protocol.HeaderMAC, b64.EncodeToString(p.cred.key.ResponseMAC(p.nonce, status, body)))
	}
	w.WriteHeader(status)
	_, _ = w.Write(body)
	s.logRequest(r, tx, p, status, start, e)
}

func (s *Service) logRequest(r *http.Request, tx string, p *principal, status int, start time.Time, e *Error) {
	attrs := []slog.Attr{
		slog.String("tx", tx), slog.Int("status", status),
		slog.String("remote", r.RemoteAddr),
		slog.Duration("elapsed", s.now().Sub(start)),
	}
	if p != nil {
		attrs = append(attrs, slog.String("credential", string(p.cred.kind)), slog.String("key", p.cred.keyID))
		if p.account != nil {
			attrs = append(attrs, slog.String("account", p.account.rec.ProfileUDF))
		}
	}
	level := slog.LevelDebug
	if e != nil {
		attrs = append(attrs, slog.String("refusal", e.Public))
		level = slog.LevelInfo
		if e.Cause != nil {
			attrs = append(attrs, slog.String("cause", e.Cause.Error()))
		}
		if e.Status == protocol.StatusInternal {
			level = slog.LevelError
		}
	}
	s.log.LogAttrs(context.Background(), level, "request", attrs...)
}

func writePlain(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, strings.TrimSpace(msg)+"\n")
}

// decode reads a request object, mapping a parse error to BadRequest with
// jsonb's position and path.
func decode(tx string, inner jsonb.Raw, v any) error {
	if err := jsonb.Unmarshal(inner, v); err != nil {
		return refuseCause(protocol.StatusBadRequest, err, "malformed %s request", tx) // parser text to the log only (STYLE.md rule 9)
	}
	return nil
}
