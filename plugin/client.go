package plugin

import (
	"context"
	"errors"
	"io"
	"time"

	libvirt "github.com/digitalocean/go-libvirt"
	"github.com/lxcvirt/lxcvirt/driverapi"
	pb "github.com/lxcvirt/lxcvirt/plugin/proto"
	"github.com/lxcvirt/lxcvirt/virterror"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
)

// closeTimeout bounds the Close rpc, which must not hang a shutting-down host.
const closeTimeout = 10 * time.Second

// subscribedKey is the response header the Events rpc sends once the
// driver accepted the subscription.
const subscribedKey = "lxcvirt-subscribed"

// Client is driverapi.Driver over the plugin's gRPC connection. Every error it
// returns is a *virterror.Error: the driver's own errors arrive unchanged,
// the caller's deadline or cancellation becomes a timeout or abort, and a
// broken connection becomes an internal error.
type Client struct {
	rpc pb.DriverClient
	// transport turns a failure of the boundary itself into an error; the
	// supervisor replaces it to report a plugin that died.
	transport func(method string, st *status.Status) error
}

var _ driverapi.Driver = (*Client)(nil)

// NewClient returns a driverapi.Driver that calls the plugin over conn.
func NewClient(conn grpc.ClientConnInterface) *Client {
	return &Client{rpc: pb.NewDriverClient(conn), transport: unreachable}
}

func (c *Client) err(ctx context.Context, method string, err error) error {
	return fromStatus(ctx, method, err, c.transport)
}

// invoke runs one unary rpc and converts its reply; it is the shape every
// method but Events shares.
func invoke[Req, Resp, T any](ctx context.Context, c *Client, method string,
	rpc func(context.Context, Req, ...grpc.CallOption) (Resp, error), req Req,
	conv func(Resp) (T, error)) (T, error) {
	resp, err := rpc(ctx, req)
	if err != nil {
		var zero T
		return zero, c.err(ctx, method, err)
	}
	return conv(resp)
}

func replyDomain(r *pb.DomainReply) (driverapi.Domain, error) { return domainFromPB(r.GetDomain()) }
func replyNone(*pb.Empty) (struct{}, error)                   { return struct{}{}, nil }

func (c *Client) unit(ctx context.Context, method string,
	rpc func(context.Context, *pb.UUIDRequest, ...grpc.CallOption) (*pb.Empty, error), uuid driverapi.UUID, flags uint32) error {
	_, err := invoke(ctx, c, method, rpc, &pb.UUIDRequest{Uuid: uuid[:], Flags: flags}, replyNone)
	return err
}

func (c *Client) DefineXML(ctx context.Context, xml string, flags uint32) (driverapi.Domain, error) {
	return invoke(ctx, c, "DefineXML", c.rpc.DefineXML, &pb.XMLRequest{Xml: xml, Flags: flags}, replyDomain)
}

func (c *Client) CreateXML(ctx context.Context, xml string, flags uint32) (driverapi.Domain, error) {
	return invoke(ctx, c, "CreateXML", c.rpc.CreateXML, &pb.XMLRequest{Xml: xml, Flags: flags}, replyDomain)
}

func (c *Client) Undefine(ctx context.Context, uuid driverapi.UUID, flags uint32) error {
	return c.unit(ctx, "Undefine", c.rpc.Undefine, uuid, flags)
}

func (c *Client) Create(ctx context.Context, uuid driverapi.UUID, flags uint32) (driverapi.Domain, error) {
	return invoke(ctx, c, "Create", c.rpc.Create, &pb.UUIDRequest{Uuid: uuid[:], Flags: flags}, replyDomain)
}

func (c *Client) Shutdown(ctx context.Context, uuid driverapi.UUID, flags uint32) error {
	return c.unit(ctx, "Shutdown", c.rpc.Shutdown, uuid, flags)
}

func (c *Client) Destroy(ctx context.Context, uuid driverapi.UUID, flags uint32) error {
	return c.unit(ctx, "Destroy", c.rpc.Destroy, uuid, flags)
}

func (c *Client) Reboot(ctx context.Context, uuid driverapi.UUID, flags uint32) error {
	return c.unit(ctx, "Reboot", c.rpc.Reboot, uuid, flags)
}

func (c *Client) Suspend(ctx context.Context, uuid driverapi.UUID) error {
	return c.unit(ctx, "Suspend", c.rpc.Suspend, uuid, 0)
}

func (c *Client) Resume(ctx context.Context, uuid driverapi.UUID) error {
	return c.unit(ctx, "Resume", c.rpc.Resume, uuid, 0)
}

func (c *Client) LookupByName(ctx context.Context, name string) (driverapi.Domain, error) {
	return invoke(ctx, c, "LookupByName", c.rpc.LookupByName, &pb.NameRequest{Name: name}, replyDomain)
}

func (c *Client) LookupByUUID(ctx context.Context, uuid driverapi.UUID) (driverapi.Domain, error) {
	return invoke(ctx, c, "LookupByUUID", c.rpc.LookupByUUID, &pb.UUIDRequest{Uuid: uuid[:]}, replyDomain)
}

func (c *Client) LookupByID(ctx context.Context, id int32) (driverapi.Domain, error) {
	return invoke(ctx, c, "LookupByID", c.rpc.LookupByID, &pb.IDRequest{Id: id}, replyDomain)
}

func (c *Client) ListAll(ctx context.Context, flags uint32) ([]driverapi.Status, error) {
	return invoke(ctx, c, "ListAll", c.rpc.ListAll, &pb.FlagsRequest{Flags: flags},
		func(r *pb.ListReply) ([]driverapi.Status, error) { return statusesFromPB(r.GetDomains()) })
}

func (c *Client) Status(ctx context.Context, uuid driverapi.UUID) (driverapi.Status, error) {
	return invoke(ctx, c, "Status", c.rpc.Status, &pb.UUIDRequest{Uuid: uuid[:]},
		func(r *pb.StatusReply) (driverapi.Status, error) { return statusFromPB(r.GetStatus()) })
}

func (c *Client) XMLDesc(ctx context.Context, uuid driverapi.UUID, flags uint32) (string, error) {
	return invoke(ctx, c, "XMLDesc", c.rpc.XMLDesc, &pb.UUIDRequest{Uuid: uuid[:], Flags: flags},
		func(r *pb.XMLReply) (string, error) { return r.GetXml(), nil })
}

func (c *Client) Info(ctx context.Context, uuid driverapi.UUID) (driverapi.Info, error) {
	return invoke(ctx, c, "Info", c.rpc.Info, &pb.UUIDRequest{Uuid: uuid[:]},
		func(r *pb.InfoReply) (driverapi.Info, error) { return infoFromPB(r.GetInfo()), nil })
}

func (c *Client) SetAutostart(ctx context.Context, uuid driverapi.UUID, autostart bool) error {
	_, err := invoke(ctx, c, "SetAutostart", c.rpc.SetAutostart, &pb.AutostartRequest{Uuid: uuid[:], Autostart: autostart}, replyNone)
	return err
}

func (c *Client) Stats(ctx context.Context, uuids []driverapi.UUID) ([]driverapi.Stats, error) {
	return invoke(ctx, c, "Stats", c.rpc.Stats, &pb.StatsRequest{Uuids: uuidsToPB(uuids)},
		func(r *pb.StatsReply) ([]driverapi.Stats, error) { return statsFromPB(r.GetStats()) })
}

// Events subscribes to the plugin's domain events. It returns once the
// plugin's driver accepted the subscription, so a refused one is an error
// here. The channel delivers events in the plugin's order and is closed
// when ctx ends or the stream breaks (for instance because the plugin
// exited).
func (c *Client) Events(ctx context.Context) (<-chan driverapi.Event, error) {
	ctx, cancel := context.WithCancel(ctx)
	stream, err := c.rpc.Events(ctx, &pb.EventsRequest{})
	if err != nil {
		err = c.err(ctx, "Events", err) // before cancel, which would mask it
		cancel()
		return nil, err
	}
	md, err := stream.Header()
	if err == nil && len(md.Get(subscribedKey)) == 0 {
		// No headers: the server ended the call at once; its status is
		// what Recv reports.
		if _, err = stream.Recv(); errors.Is(err, io.EOF) {
			err = virterror.New(libvirt.ErrRPC, "Events: the plugin ended the subscription at once")
		}
	}
	if err != nil {
		err = c.err(ctx, "Events", err)
		cancel()
		return nil, err
	}
	out := make(chan driverapi.Event)
	go func() {
		defer close(out)
		defer cancel()
		for {
			m, err := stream.Recv()
			if err != nil {
				return
			}
			ev, err := eventFromPB(m)
			if err != nil {
				return
			}
			select {
			case out <- ev:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out, nil
}

// Close asks the plugin to release its driver. The plugin process keeps
// running until go-plugin's client kills it.
func (c *Client) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), closeTimeout)
	defer cancel()
	_, err := invoke(ctx, c, "Close", c.rpc.Close, &pb.Empty{}, replyNone)
	return err
}
