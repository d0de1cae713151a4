package driver

import (
	"context"
	"maps"
	"slices"
	"strings"

	libvirt "github.com/digitalocean/go-libvirt"
	"libvirt.org/go/libvirtxml"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/internal/metaxml"
	"github.com/lxcvirt/lxcvirt/virterror"
	"github.com/lxcvirt/lxcvirt/xmlmap"
)

// MaxDefinitionBytes bounds a definition that metadata makes grow: its XML
// must still fit one reply across the plugin boundary (gRPC's 4 MiB) and
// on libvirt's wire, with room for what the live XML adds.
const MaxDefinitionBytes = 3 << 20

// MaxMetadataNameBytes bounds a metadata namespace URI and key: they
// travel in every metadata-change event, which must stay small.
const MaxMetadataNameBytes = 4096

var _ driverapi.MetadataEditor = (*LXC)(nil)

const metadataFlags = driverapi.AffectLive | driverapi.AffectConfig

// SetMetadata implements MetadataEditor with libvirt's rules: a running
// domain's live definition changes at once (and its run state with it), a
// persistent definition on disk, durably; both changes are checked before
// either is made.
func (l *LXC) SetMetadata(ctx context.Context, u driverapi.UUID, typ driverapi.MetadataType, metadata, key, uri string, flags uint32) error {
	if err := checkFlags("lxcDomainSetMetadata", flags, metadataFlags); err != nil {
		return err
	}
	if err := checkMetadataArgs("virDomainSetMetadata", typ, uri); err != nil {
		return err
	}
	switch {
	case len(key) > MaxMetadataNameBytes:
		return virterror.New(libvirt.ErrInvalidArg, "key in virDomainSetMetadata is longer than %d bytes", MaxMetadataNameBytes)
	case typ == driverapi.MetadataTitle && strings.ContainsAny(metadata, "\r\n"):
		return virterror.New(libvirt.ErrInvalidArg, "metadata title can't contain newlines")
	case typ == driverapi.MetadataElement && metadata != "" && key == "":
		return virterror.New(libvirt.ErrInvalidArg, "key in virDomainSetMetadata must not be NULL")
	case typ != driverapi.MetadataElement && key != "":
		return virterror.New(libvirt.ErrInvalidArg, "key in virDomainSetMetadata must be NULL")
	}
	return l.withJob(ctx, u, func(d *domain) error {
		d.mu.Lock()
		live, persistent := d.live, d.persistent
		affectLive, affectConfig, err := d.impactLocked(flags)
		d.mu.Unlock()
		if err != nil {
			return err
		}
		var newLive *xmlmap.Mapped
		var newLiveXML string
		if affectLive {
			dom := *live.Domain
			if err := setMetadata(&dom, typ, metadata, key, uri); err != nil {
				return err
			}
			if newLiveXML, err = formatBounded(&dom); err != nil {
				return err
			}
			m := *live
			m.Domain = &dom
			newLive = &m
		}
		var newDef *definition
		if affectConfig {
			var dom libvirtxml.Domain
			if err := dom.Unmarshal(persistent.xml); err != nil {
				return internalErr("cannot read the definition of '%s': %v", d.name, err)
			}
			if err := setMetadata(&dom, typ, metadata, key, uri); err != nil {
				return err
			}
			text, err := formatBounded(&dom)
			if err != nil {
				return err
			}
			if _, _, newDef, err = l.parseDefinition(text); err != nil {
				return err
			}
			if err := l.store.saveDef(u, []byte(newDef.xml)); err != nil {
				return internalErr("cannot save definition of '%s': %v", d.name, err)
			}
		}
		d.mu.Lock()
		if newDef != nil {
			d.persistent = newDef
		}
		if newLive != nil {
			d.live, d.liveXML = newLive, newLiveXML
		}
		d.mu.Unlock()
		if newLive != nil {
			if err := l.saveRun(d); err != nil {
				l.log.Error("cannot update run state", "domain", d.name, "err", err)
			}
		}
		l.events.publish(metadataChange(d.ref(), typ, uri))
		return nil
	})
}

// Metadata implements MetadataEditor.
func (l *LXC) Metadata(_ context.Context, u driverapi.UUID, typ driverapi.MetadataType, uri string, flags uint32) (string, error) {
	if err := checkFlags("lxcDomainGetMetadata", flags, metadataFlags); err != nil {
		return "", err
	}
	if err := checkMetadataArgs("virDomainGetMetadata", typ, uri); err != nil {
		return "", err
	}
	if flags&driverapi.AffectLive != 0 && flags&driverapi.AffectConfig != 0 {
		return "", virterror.New(libvirt.ErrInvalidArg, "Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are mutually exclusive")
	}
	d, err := l.lookup(u)
	if err != nil {
		return "", err
	}
	d.mu.Lock()
	live, persistent := d.live, d.persistent
	affectLive, _, err := d.impactLocked(flags)
	d.mu.Unlock()
	if err != nil {
		return "", err
	}
	var dom *libvirtxml.Domain
	if affectLive {
		dom = live.Domain
	} else {
		dom = &libvirtxml.Domain{}
		if err := dom.Unmarshal(persistent.xml); err != nil {
			return "", internalErr("cannot read the definition of '%s': %v", d.name, err)
		}
	}
	var text string
	switch typ {
	case driverapi.MetadataTitle:
		text = dom.Title
	case driverapi.MetadataDescription:
		text = dom.Description
	case driverapi.MetadataElement:
		if dom.Metadata != nil {
			if text, _, err = metaxml.Get(dom.Metadata.XML, uri); err != nil {
				return "", err
			}
		}
	}
	if text == "" {
		return "", virterror.NewFrom(virterror.FromDomain, libvirt.ErrNoDomainMetadata, "Requested metadata element is not present")
	}
	return text, nil
}

// checkMetadataArgs checks the type and the namespace as libvirt's public
// API does: an element needs a namespace, the title and description take
// none; and it bounds the namespace.
func checkMetadataArgs(fn string, typ driverapi.MetadataType, uri string) error {
	if len(uri) > MaxMetadataNameBytes {
		return virterror.New(libvirt.ErrInvalidArg, "uri in %s is longer than %d bytes", fn, MaxMetadataNameBytes)
	}
	switch typ {
	case driverapi.MetadataTitle, driverapi.MetadataDescription:
		if uri != "" {
			return virterror.New(libvirt.ErrInvalidArg, "uri in %s must be NULL", fn)
		}
	case driverapi.MetadataElement:
		if uri == "" {
			return virterror.New(libvirt.ErrInvalidArg, "uri in %s must not be NULL", fn)
		}
	default:
		return virterror.New(libvirt.ErrInvalidArg, "unknown metadata type '%d'", typ)
	}
	return nil
}

// impactLocked resolves modification impact flags against d's state as
// libvirt's virDomainObjUpdateModificationImpact does: AffectCurrent is
// live for a running domain and config otherwise; live needs a running
// domain and config a persistent one. Caller holds mu.
func (d *domain) impactLocked(flags uint32) (live, config bool, err error) {
	active := d.activeLocked()
	if flags&(driverapi.AffectLive|driverapi.AffectConfig) == driverapi.AffectCurrent {
		if active {
			flags |= driverapi.AffectLive
		} else {
			flags |= driverapi.AffectConfig
		}
	}
	live, config = flags&driverapi.AffectLive != 0, flags&driverapi.AffectConfig != 0
	switch {
	case live && !active:
		return false, false, errNotRunning()
	case config && d.persistent == nil:
		return false, false, virterror.New(libvirt.ErrOperationInvalid, "transient domains do not have any persistent config")
	}
	return live, config, nil
}

// setMetadata applies one change to dom, as virDomainDefSetMetadata does.
func setMetadata(dom *libvirtxml.Domain, typ driverapi.MetadataType, metadata, key, uri string) error {
	switch typ {
	case driverapi.MetadataTitle:
		dom.Title = metadata
	case driverapi.MetadataDescription:
		dom.Description = metadata
	case driverapi.MetadataElement:
		inner := ""
		if dom.Metadata != nil {
			inner = dom.Metadata.XML
		}
		inner, err := metaxml.Set(inner, uri, key, metadata)
		if err != nil {
			return err
		}
		dom.Metadata = nil
		if inner != "" {
			dom.Metadata = &libvirtxml.DomainMetadata{XML: inner}
		}
	}
	return nil
}

// formatBounded formats dom, refusing a definition larger than
// MaxDefinitionBytes.
func formatBounded(dom *libvirtxml.Domain) (string, error) {
	text, err := xmlmap.FormatDomain(dom)
	if err != nil {
		return "", virterror.Wrap(err)
	}
	if len(text) > MaxDefinitionBytes {
		return "", virterror.New(libvirt.ErrInvalidArg, "metadata: the definition of '%s' would be %d bytes, more than %d", dom.Name, len(text), MaxDefinitionBytes)
	}
	return text, nil
}

// metadataChange builds a metadata-change event.
func metadataChange(dom driverapi.Domain, typ driverapi.MetadataType, uri string) driverapi.Event {
	return driverapi.Event{Kind: driverapi.EventMetadataChange, Domain: dom, Type: int32(typ), NSURI: uri}
}

// syncLiveMetadata gives running domain d the title, description and
// <metadata> of its new persistent definition from, and returns the
// metadata-change events for what differed. They describe the domain and
// do not touch the container, so unlike libvirt (which waits for the next
// start) a redefinition shows them in the live XML at once: virt-xml
// --edit --metadata and virt-manager redefine a running domain to change
// them. Caller holds d's job.
func (l *LXC) syncLiveMetadata(d *domain, from *libvirtxml.Domain) []driverapi.Event {
	d.mu.Lock()
	live := d.live
	d.mu.Unlock()
	if live == nil {
		return nil
	}
	var changed []driverapi.Event
	ref := d.ref()
	if live.Domain.Title != from.Title {
		changed = append(changed, metadataChange(ref, driverapi.MetadataTitle, ""))
	}
	if live.Domain.Description != from.Description {
		changed = append(changed, metadataChange(ref, driverapi.MetadataDescription, ""))
	}
	oldEls, err1 := metadataElements(live.Domain)
	newEls, err2 := metadataElements(from)
	if err1 != nil || err2 != nil {
		l.log.Warn("cannot compare metadata; running definition keeps its own", "domain", d.name, "err", err1, "err2", err2)
		return nil
	}
	uris := slices.Sorted(maps.Keys(newEls))
	for uri := range maps.Keys(oldEls) {
		if _, ok := newEls[uri]; !ok {
			uris = append(uris, uri)
		}
	}
	for _, uri := range uris {
		if oldEls[uri] != newEls[uri] {
			changed = append(changed, metadataChange(ref, driverapi.MetadataElement, uri))
		}
	}
	if len(changed) == 0 {
		return nil
	}
	dom := *live.Domain
	dom.Title, dom.Description, dom.Metadata = from.Title, from.Description, from.Metadata
	text, err := xmlmap.FormatDomain(&dom)
	if err != nil {
		l.log.Warn("cannot format the running definition; it keeps its metadata", "domain", d.name, "err", err)
		return nil
	}
	m := *live
	m.Domain = &dom
	d.mu.Lock()
	d.live, d.liveXML = &m, text
	d.mu.Unlock()
	return changed
}

func metadataElements(dom *libvirtxml.Domain) (map[string]string, error) {
	if dom.Metadata == nil {
		return nil, nil
	}
	return metaxml.Elements(dom.Metadata.XML)
}
