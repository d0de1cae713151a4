package plugin

import "google.golang.org/grpc"

// windowSize is the HTTP/2 flow-control window, per stream and per
// connection, of the connection between the daemon and the plugin. gRPC
// starts with 64 KiB and grows the window with a bandwidth-delay estimate,
// which costs pings and window updates — extra wake-ups on both sides of
// every call. On a local socket the window never limits anything: a fixed
// one, large enough for the biggest replies (all-domain stats), turns the
// estimate off.
const windowSize = 4 << 20

// dialOptions are the daemon side's gRPC options for the plugin connection.
func dialOptions() []grpc.DialOption {
	return []grpc.DialOption{
		grpc.WithInitialWindowSize(windowSize),
		grpc.WithInitialConnWindowSize(windowSize),
	}
}

// newGRPCServer is the plugin's gRPC server (go-plugin's ServeConfig
// GRPCServer) with the same window.
func newGRPCServer(opts []grpc.ServerOption) *grpc.Server {
	return grpc.NewServer(append(opts,
		grpc.InitialWindowSize(windowSize),
		grpc.InitialConnWindowSize(windowSize),
	)...)
}
