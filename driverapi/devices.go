package driverapi

import "context"

// DeviceEditor is implemented by drivers that add, remove and change a
// domain's devices, as virDomainAttachDeviceFlags,
// virDomainDetachDeviceFlags, virDomainUpdateDeviceFlags and
// virDomainDetachDeviceAlias do. flags are the modification impact flags
// (AffectLive, AffectConfig, both, or AffectCurrent). A device added to or
// removed from a running domain is reported with EventDeviceAdded or
// EventDeviceRemoved. It is separate from Driver so drivers without it
// need not stub it.
type DeviceEditor interface {
	// AttachDevice adds the device described by xml (one device element).
	AttachDevice(ctx context.Context, uuid UUID, xml string, flags uint32) error
	// DetachDevice removes the device xml matches.
	DetachDevice(ctx context.Context, uuid UUID, xml string, flags uint32) error
	// UpdateDevice changes the device xml matches to what xml says.
	UpdateDevice(ctx context.Context, uuid UUID, xml string, flags uint32) error
	// DetachDeviceAlias removes the device with the alias.
	DetachDeviceAlias(ctx context.Context, uuid UUID, alias string, flags uint32) error
}
