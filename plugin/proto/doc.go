// Package proto holds the gRPC service that carries driverapi.Driver across the
// plugin boundary. driver.pb.go and driver_grpc.pb.go are generated from
// driver.proto by gen.sh; do not edit them.
package proto

//go:generate sh gen.sh
