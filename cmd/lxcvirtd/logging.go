package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"log/syslog"
	"os"
	"strings"
)

// newLogger is the daemon's logger: one output per log_outputs entry (by
// default stderr), each taking the records at or above both log_level and
// its own level, as libvirt's outputs do. closeFn closes what it opened.
func newLogger(cfg config, stderr io.Writer) (log *slog.Logger, closeFn func(), err error) {
	if len(cfg.LogOutputs) == 0 {
		return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel})), func() {}, nil
	}
	var (
		handlers []slog.Handler
		closers  []io.Closer
	)
	closeFn = func() {
		for _, c := range closers {
			c.Close()
		}
	}
	for _, o := range cfg.LogOutputs {
		opts := &slog.HandlerOptions{Level: max(o.Level, cfg.LogLevel)}
		switch o.Dest {
		case "stderr":
			handlers = append(handlers, slog.NewTextHandler(stderr, opts))
		case "file":
			f, err := os.OpenFile(o.Arg, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
			if err != nil {
				closeFn()
				return nil, nil, fmt.Errorf("log_outputs: %w", err)
			}
			closers = append(closers, f)
			handlers = append(handlers, slog.NewTextHandler(f, opts))
		case "syslog":
			w, err := syslog.New(syslog.LOG_DAEMON|syslog.LOG_INFO, o.Arg)
			if err != nil {
				closeFn()
				return nil, nil, fmt.Errorf("log_outputs: syslog: %w", err)
			}
			closers = append(closers, w)
			handlers = append(handlers, newPriorityHandler([4]func(string) error{w.Debug, w.Info, w.Warning, w.Err}, opts))
		default:
			closeFn()
			return nil, nil, fmt.Errorf("log_outputs: unknown destination %q", o.Dest)
		}
	}
	return slog.New(slog.NewMultiHandler(handlers...)), closeFn, nil
}

// priorityHandler sends each record as one line through the sender of its
// level (debug, info, warning, error): syslog's priorities. The time is
// left to syslog.
type priorityHandler struct {
	byLevel [4]slog.Handler
}

func newPriorityHandler(send [4]func(string) error, opts *slog.HandlerOptions) priorityHandler {
	var h priorityHandler
	noTime := func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	for i, s := range send {
		h.byLevel[i] = slog.NewTextHandler(lineSender(s), &slog.HandlerOptions{Level: opts.Level, ReplaceAttr: noTime})
	}
	return h
}

func (h priorityHandler) pick(l slog.Level) slog.Handler {
	switch {
	case l >= slog.LevelError:
		return h.byLevel[3]
	case l >= slog.LevelWarn:
		return h.byLevel[2]
	case l >= slog.LevelInfo:
		return h.byLevel[1]
	}
	return h.byLevel[0]
}

func (h priorityHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.pick(l).Enabled(ctx, l)
}

func (h priorityHandler) Handle(ctx context.Context, r slog.Record) error {
	return h.pick(r.Level).Handle(ctx, r)
}

func (h priorityHandler) WithAttrs(as []slog.Attr) slog.Handler {
	for i := range h.byLevel {
		h.byLevel[i] = h.byLevel[i].WithAttrs(as)
	}
	return h
}

func (h priorityHandler) WithGroup(name string) slog.Handler {
	for i := range h.byLevel {
		h.byLevel[i] = h.byLevel[i].WithGroup(name)
	}
	return h
}

// lineSender is an io.Writer that sends each line a handler writes.
type lineSender func(string) error

func (s lineSender) Write(p []byte) (int, error) {
	if err := s(strings.TrimSuffix(string(p), "\n")); err != nil {
		return 0, err
	}
	return len(p), nil
}
