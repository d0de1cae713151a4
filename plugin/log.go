package plugin

import (
	"bytes"
	"context"
	"io"
	"log"
	"log/slog"
	"strings"
	"sync"

	"github.com/hashicorp/go-hclog"
)

// The plugin logs JSON lines to its stderr with hclog's key names, which is
// the format go-plugin's host parses back into levelled, structured records.
// The host hands go-plugin an hclog.Logger that writes into its slog.Logger,
// so plugin records come out of the daemon's own log with their level,
// message and attributes.

// hclog's JSON keys and time format.
const (
	hclogMessageKey = "@message"
	hclogLevelKey   = "@level"
	hclogTimeKey    = "@timestamp"
	hclogTimeFormat = "2006-01-02T15:04:05.000000Z07:00"
)

// levelTrace is hclog's trace level in slog terms.
const levelTrace = slog.LevelDebug - 4

// NewPluginLogger returns the plugin's logger: JSON lines on w in the format
// the host re-logs. Call it with os.Stderr before Serve, which points
// os.Stdout and os.Stderr elsewhere; stdout is never used for logs because
// it carries the go-plugin handshake.
func NewPluginLogger(w io.Writer, level slog.Leveler) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{
		Level: level,
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if len(groups) > 0 {
				return a
			}
			switch a.Key {
			case slog.MessageKey:
				a.Key = hclogMessageKey
			case slog.TimeKey:
				return slog.String(hclogTimeKey, a.Value.Time().Format(hclogTimeFormat))
			case slog.LevelKey:
				return slog.String(hclogLevelKey, hclogLevelName(a.Value.Any().(slog.Level)))
			}
			return a
		},
	}))
}

func hclogLevelName(l slog.Level) string {
	switch {
	case l < slog.LevelDebug:
		return "trace"
	case l < slog.LevelInfo:
		return "debug"
	case l < slog.LevelWarn:
		return "info"
	case l < slog.LevelError:
		return "warn"
	}
	return "error"
}

// slogHCLog is an hclog.Logger writing into a slog.Logger, for go-plugin's
// host side (its own messages and the plugin's re-logged stderr).
type slogHCLog struct {
	l    *slog.Logger
	name string
	args []any
}

var _ hclog.Logger = (*slogHCLog)(nil)

func newHCLog(l *slog.Logger) hclog.Logger { return &slogHCLog{l: l} }

var hclogToSlog = map[hclog.Level]slog.Level{
	hclog.Trace: levelTrace,
	hclog.Debug: slog.LevelDebug,
	hclog.Info:  slog.LevelInfo,
	hclog.Warn:  slog.LevelWarn,
	hclog.Error: slog.LevelError,
}

func (h *slogHCLog) Log(level hclog.Level, msg string, args ...any) {
	sl, ok := hclogToSlog[level]
	if !ok {
		sl = slog.LevelInfo
	}
	h.l.Log(context.Background(), sl, msg, args...)
}

func (h *slogHCLog) Trace(msg string, args ...any) { h.Log(hclog.Trace, msg, args...) }
func (h *slogHCLog) Debug(msg string, args ...any) { h.Log(hclog.Debug, msg, args...) }
func (h *slogHCLog) Info(msg string, args ...any)  { h.Log(hclog.Info, msg, args...) }
func (h *slogHCLog) Warn(msg string, args ...any)  { h.Log(hclog.Warn, msg, args...) }
func (h *slogHCLog) Error(msg string, args ...any) { h.Log(hclog.Error, msg, args...) }

func (h *slogHCLog) enabled(l hclog.Level) bool {
	return h.l.Enabled(context.Background(), hclogToSlog[l])
}

func (h *slogHCLog) IsTrace() bool { return h.enabled(hclog.Trace) }
func (h *slogHCLog) IsDebug() bool { return h.enabled(hclog.Debug) }
func (h *slogHCLog) IsInfo() bool  { return h.enabled(hclog.Info) }
func (h *slogHCLog) IsWarn() bool  { return h.enabled(hclog.Warn) }
func (h *slogHCLog) IsError() bool { return h.enabled(hclog.Error) }

func (h *slogHCLog) ImpliedArgs() []any { return h.args }

func (h *slogHCLog) With(args ...any) hclog.Logger {
	return &slogHCLog{l: h.l.With(args...), name: h.name, args: append(append([]any(nil), h.args...), args...)}
}

func (h *slogHCLog) Name() string { return h.name }

func (h *slogHCLog) Named(name string) hclog.Logger {
	if h.name != "" {
		name = h.name + "." + name
	}
	return h.ResetNamed(name)
}

func (h *slogHCLog) ResetNamed(name string) hclog.Logger {
	return &slogHCLog{l: h.l.With("logger", name), name: name, args: h.args}
}

// SetLevel is a no-op: the slog handler owns the level.
func (h *slogHCLog) SetLevel(hclog.Level) {}

// GetLevel reports the lowest level the slog handler lets through, so that
// go-plugin skips parsing lines nobody will see.
func (h *slogHCLog) GetLevel() hclog.Level {
	for _, l := range []hclog.Level{hclog.Trace, hclog.Debug, hclog.Info, hclog.Warn, hclog.Error} {
		if h.enabled(l) {
			return l
		}
	}
	return hclog.Off
}

func (h *slogHCLog) StandardLogger(*hclog.StandardLoggerOptions) *log.Logger {
	return slog.NewLogLogger(h.l.Handler(), slog.LevelInfo)
}

func (h *slogHCLog) StandardWriter(opts *hclog.StandardLoggerOptions) io.Writer {
	return h.StandardLogger(opts).Writer()
}

// lineLogger is an io.Writer that logs each complete line it is given; it
// receives whatever the plugin writes to its stdout or stderr after the
// handshake (go-plugin forwards those over gRPC).
type lineLogger struct {
	mu  sync.Mutex
	buf bytes.Buffer
	log func(line string)
}

func newLineLogger(l *slog.Logger, stream string) *lineLogger {
	return &lineLogger{log: func(line string) { l.Info(line, "stream", stream) }}
}

func (w *lineLogger) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	for {
		i := bytes.IndexByte(w.buf.Bytes(), '\n')
		if i < 0 {
			break
		}
		line := strings.TrimRight(string(w.buf.Next(i+1)), "\r\n")
		if line != "" {
			w.log(line)
		}
	}
	return len(p), nil
}
