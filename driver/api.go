package driver

import "github.com/lxcvirt/lxcvirt/driverapi"

// The contract's types and flags, under the names the driver's code uses.
// *LXC implements driverapi.Driver, Consoler and MetadataEditor.
type (
	UUID           = driverapi.UUID
	Domain         = driverapi.Domain
	Status         = driverapi.Status
	Info           = driverapi.Info
	InterfaceStats = driverapi.InterfaceStats
	Stats          = driverapi.Stats
	Event          = driverapi.Event
	EventKind      = driverapi.EventKind
	MetadataType   = driverapi.MetadataType
)

const (
	EventLifecycle      = driverapi.EventLifecycle
	EventReboot         = driverapi.EventReboot
	EventMetadataChange = driverapi.EventMetadataChange

	XMLInactive    = driverapi.XMLInactive
	UndefineNVRAM  = driverapi.UndefineNVRAM
	ShutdownSignal = driverapi.ShutdownSignal

	MetadataDescription = driverapi.MetadataDescription
	MetadataTitle       = driverapi.MetadataTitle
	MetadataElement     = driverapi.MetadataElement
	AffectCurrent       = driverapi.AffectCurrent
	AffectLive          = driverapi.AffectLive
	AffectConfig        = driverapi.AffectConfig
)
