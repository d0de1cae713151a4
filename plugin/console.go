package plugin

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"github.com/lxcvirt/lxcvirt/driverapi"
	pb "github.com/lxcvirt/lxcvirt/plugin/proto"
	"github.com/lxcvirt/lxcvirt/virterror"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// Consoles across the boundary: driverapi.Consoler as the Console rpc, one
// bidirectional stream per session. The session itself (the lxc-console
// attachment) lives in the plugin; when the plugin dies, its stream breaks
// and the host's session ends with the supervisor's "being restarted"
// error, while the container's console stays with LXC, free for the next
// session.

// consoleOpenedKey is the response header the Console rpc sends once the
// driver attached.
const consoleOpenedKey = "lxcvirt-console-open"

// consoleChunk is the most console output one message carries.
const consoleChunk = 32 << 10

var (
	_ driverapi.Consoler = (*Client)(nil)
	_ driverapi.Consoler = (*Supervisor)(nil)
)

// OpenConsole attaches to a domain's console in the plugin. ctx bounds the
// attachment; the session lasts until Close or until the plugin ends it.
func (c *Client) OpenConsole(ctx context.Context, uuid driverapi.UUID, dev string, flags uint32) (io.ReadWriteCloser, error) {
	const method = "OpenConsole"
	sctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stopAbort := context.AfterFunc(ctx, cancel) // until attached, ctx ending aborts
	stream, err := c.rpc.Console(sctx)
	if err == nil {
		err = stream.Send(&pb.ConsoleInput{Msg: &pb.ConsoleInput_Open{Open: &pb.ConsoleOpen{Uuid: uuid[:], Dev: dev, Flags: flags}}})
		if errors.Is(err, io.EOF) {
			_, err = stream.Recv() // the call already ended: its status says why
		}
	}
	if err == nil {
		var md metadata.MD
		if md, err = stream.Header(); err == nil && len(md.Get(consoleOpenedKey)) == 0 {
			if _, err = stream.Recv(); errors.Is(err, io.EOF) {
				err = virterror.New(libvirt.ErrRPC, "%s: the plugin ended the console at once", method)
			}
		}
	}
	if !stopAbort() && err == nil {
		err = ctx.Err()
	}
	if err != nil {
		err = c.err(ctx, method, err) // before cancel, which would mask it
		cancel()
		return nil, err
	}
	pr, pw := io.Pipe()
	s := &clientConsole{c: c, ctx: sctx, stream: stream, cancel: cancel, pr: pr, done: make(chan struct{})}
	go s.receive(pw)
	return s, nil
}

// clientConsole is the host's end of a console session.
type clientConsole struct {
	c      *Client
	ctx    context.Context
	stream grpc.BidiStreamingClient[pb.ConsoleInput, pb.ConsoleOutput]
	cancel context.CancelFunc
	pr     *io.PipeReader
	done   chan struct{} // closed when the plugin ended the call

	smu   sync.Mutex // serialises Send and CloseSend
	once  sync.Once
	final error // how the call ended (nil: the console ended), set before done
}

// receive copies the plugin's output into the pipe Read drains, until the
// call ends; the pipe then reports io.EOF or the call's error.
func (s *clientConsole) receive(pw *io.PipeWriter) {
	defer close(s.done)
	for {
		m, err := s.stream.Recv()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				s.final = s.c.err(s.ctx, "Console", err)
			}
			pw.CloseWithError(s.final)
			return
		}
		// A reader that went away (Close) leaves the rest to drain.
		_, _ = pw.Write(m.GetData())
	}
}

// Read implements io.Reader.
func (s *clientConsole) Read(p []byte) (int, error) { return s.pr.Read(p) }

// Write implements io.Writer.
func (s *clientConsole) Write(p []byte) (int, error) {
	s.smu.Lock()
	defer s.smu.Unlock()
	if err := s.stream.Send(&pb.ConsoleInput{Msg: &pb.ConsoleInput_Data{Data: p}}); err != nil {
		select {
		case <-s.done:
			if s.final != nil {
				return 0, s.final
			}
		default:
		}
		return 0, io.ErrClosedPipe
	}
	return len(p), nil
}

// Close detaches: the plugin sees the half-close, ends its session and the
// call. Close waits for that (at most closeTimeout), so the console is free
// again when it returns.
func (s *clientConsole) Close() error {
	s.once.Do(func() {
		s.pr.CloseWithError(io.ErrClosedPipe)
		s.smu.Lock()
		_ = s.stream.CloseSend()
		s.smu.Unlock()
		select {
		case <-s.done:
		case <-time.After(closeTimeout):
		}
		s.cancel()
		<-s.done
	})
	return nil
}

// Console serves a console session: it opens the console with the first
// message, confirms with a response header, then relays input to the
// console and its output back until either side ends.
func (s *Server) Console(stream grpc.BidiStreamingServer[pb.ConsoleInput, pb.ConsoleOutput]) error {
	const method = "OpenConsole"
	cons, ok := s.impl.(driverapi.Consoler)
	if !ok {
		return toStatus(method, virterror.New(libvirt.ErrNoSupport, "virDomainOpenConsole"))
	}
	first, err := stream.Recv()
	if err != nil {
		return err
	}
	open := first.GetOpen()
	if open == nil {
		return toStatus(method, virterror.New(libvirt.ErrRPC, "%s: the first console message must open it", method))
	}
	u, err := uuidFromPB(open.GetUuid())
	if err != nil {
		return toStatus(method, err)
	}
	con, err := cons.OpenConsole(stream.Context(), u, open.GetDev(), open.GetFlags())
	if err != nil {
		return toStatus(method, err)
	}
	defer con.Close()
	if err := stream.SendHeader(metadata.Pairs(consoleOpenedKey, "1")); err != nil {
		return err
	}
	go func() {
		// The host's half-close or cancellation detaches the session,
		// which ends the reads below.
		defer con.Close()
		for {
			m, err := stream.Recv()
			if err != nil {
				return
			}
			if _, err := con.Write(m.GetData()); err != nil {
				return // the session ended; Read reports why
			}
		}
	}()
	buf := make([]byte, consoleChunk)
	for {
		n, err := con.Read(buf)
		if n > 0 {
			if serr := stream.Send(&pb.ConsoleOutput{Data: buf[:n]}); serr != nil {
				return serr
			}
		}
		switch {
		case errors.Is(err, io.EOF):
			return nil
		case err != nil:
			return toStatus(method, err)
		}
	}
}

// OpenConsole attaches to a domain's console in the running plugin. The
// session does not survive the plugin: if it dies, Read and Write fail with
// the "being restarted" error and the client may open the console again.
func (s *Supervisor) OpenConsole(ctx context.Context, uuid driverapi.UUID, dev string, flags uint32) (io.ReadWriteCloser, error) {
	inst, err := s.current(ctx, "OpenConsole")
	if err != nil {
		return nil, err
	}
	return inst.drv.OpenConsole(ctx, uuid, dev, flags)
}
