package driverapi

import (
	"context"

	libvirt "github.com/digitalocean/go-libvirt"
)

// MetadataType is libvirt's virDomainMetadataType.
type MetadataType int32

// Metadata types.
const (
	MetadataDescription = MetadataType(libvirt.DomainMetadataDescription) // <description>
	MetadataTitle       = MetadataType(libvirt.DomainMetadataTitle)       // <title>
	MetadataElement     = MetadataType(libvirt.DomainMetadataElement)     // an element of <metadata>, by namespace
)

// Modification impact flags (VIR_DOMAIN_AFFECT_*): AffectCurrent is the
// running definition of a running domain, else the persistent one.
const (
	AffectCurrent = uint32(libvirt.DomainAffectCurrent)
	AffectLive    = uint32(libvirt.DomainAffectLive)
	AffectConfig  = uint32(libvirt.DomainAffectConfig)
)

// MetadataEditor is implemented by drivers that keep a domain's title,
// description and custom metadata, as virDomainSetMetadata and
// virDomainGetMetadata do. It is separate from Driver so drivers without
// it need not stub it.
type MetadataEditor interface {
	// SetMetadata sets the title, the description, or the <metadata>
	// element of namespace uri (prefixed key), in the definitions flags
	// select (AffectLive, AffectConfig, both, or AffectCurrent);
	// metadata "" removes it. A metadata-change event follows.
	SetMetadata(ctx context.Context, uuid UUID, typ MetadataType, metadata, key, uri string, flags uint32) error
	// Metadata returns what SetMetadata sets, from the definition flags
	// select (one of AffectLive and AffectConfig, or AffectCurrent);
	// VIR_ERR_NO_DOMAIN_METADATA when there is none.
	Metadata(ctx context.Context, uuid UUID, typ MetadataType, uri string, flags uint32) (string, error)
}
