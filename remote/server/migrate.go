package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/xml"
	"os"
	"strings"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Migration serves libvirt's migration protocol version 3 with extensible
// parameters, as virDomainMigrate3 (`virsh migrate` without --p2p) drives
// it: the client calls Begin on the source, Prepare on the target, Perform
// on the source (skipped for --offline), Finish on the target and Confirm
// on the source. Every phase is stateless on the daemons: Prepare and
// Finish both get the domain XML Begin returned (destination_xml), as
// libvirt's client puts it into the parameters it hands to every phase.
//
// Offline migration (--offline --persistent) moves the persistent
// definition: Finish defines it on the target and Confirm undefines it on
// the source with --undefinesource, once the target has it. A container's
// root filesystem is a path on the host; it is not copied, so the target
// must see it at the same path (shared storage), as a disk of a QEMU guest
// must be without --copy-storage-*.
//
// Live migration (migrate_live.go) needs a driver that is a
// driverapi.Checkpointer; without one it is refused in Begin, before
// anything changes.

// migrateFlags are the virDomainMigrate flags the procedures accept:
// VIR_MIGRATE_LIVE, PERSIST_DEST, UNDEFINE_SOURCE, PAUSED, UNSAFE, OFFLINE,
// ABORT_ON_ERROR (the client masks it out for the target), PEER2PEER
// (Perform drives the phases, migrate_p2p.go; the other phases get it
// too). Storage copy, tunnels, post-copy and QEMU's stream tuning are
// refused as unsupported flags; change protection is never sent (the
// feature is 0).
const migrateFlags = uint32(libvirt.MigrateLive | libvirt.MigratePersistDest | libvirt.MigrateUndefineSource |
	libvirt.MigratePaused | libvirt.MigrateUnsafe | libvirt.MigrateOffline | libvirt.MigrateAbortOnError |
	libvirt.MigratePeer2peer)

// migrateParams are the parameters the procedures accept; the rest of
// libvirt's VIR_MIGRATE_PARAM_* tune QEMU's migration stream or storage
// copy, and are refused as libvirt's virTypedParamsValidate refuses an
// unknown one.
var migrateParams = map[string]libvirt.TypedParameterType{
	libvirt.MigrateParamURI:        libvirt.TypedParamString,
	libvirt.MigrateParamDestName:   libvirt.TypedParamString,
	libvirt.MigrateParamDestXML:    libvirt.TypedParamString,
	libvirt.MigrateParamPersistXML: libvirt.TypedParamString,
	libvirt.MigrateParamBandwidth:  libvirt.TypedParamUllong,
}

// migration is what a phase reads from its parameters.
type migration struct {
	flags      uint32
	destName   string // destination_name: the domain's name on the target
	destXML    string // destination_xml: the definition for the target
	persistXML string // persistent_xml: the target's persistent definition
}

func (m migration) offline() bool { return m.flags&uint32(libvirt.MigrateOffline) != 0 }

// persistentDef is the definition the target defines with --persistent:
// persistent_xml when the client gave it, else def.
func (m migration) persistentDef(def string) string {
	if m.persistXML != "" {
		return m.persistXML
	}
	return def
}

// parseMigration checks flags and params for api (the wire bounds how
// many params there are).
func parseMigration(api string, flags uint32, params []libvirt.TypedParam) (migration, error) {
	m := migration{flags: flags}
	if flags&uint32(libvirt.MigrateTunnelled) != 0 {
		return m, virterror.New(libvirt.ErrArgumentUnsupported, "tunnelled migration is not supported")
	}
	if err := checkFlags(flags, migrateFlags, api); err != nil {
		return m, err
	}
	seen := map[string]bool{}
	for _, p := range params {
		want, ok := migrateParams[p.Field]
		if !ok {
			return m, virterror.New(libvirt.ErrInvalidArg, "parameter '%s' not supported", p.Field)
		}
		if libvirt.TypedParameterType(p.Value.D) != want {
			return m, virterror.New(libvirt.ErrInvalidArg, "invalid type for parameter '%s'", p.Field)
		}
		if seen[p.Field] {
			return m, virterror.New(libvirt.ErrInvalidArg, "parameter '%s' occurs multiple times", p.Field)
		}
		seen[p.Field] = true
		s, _ := p.Value.I.(string)
		switch p.Field {
		case libvirt.MigrateParamDestName:
			if err := driverapi.CheckName(s); err != nil {
				return m, err
			}
			m.destName = s
		case libvirt.MigrateParamDestXML:
			if err := driverapi.CheckDefinition(s); err != nil {
				return m, err
			}
			m.destXML = s
		case libvirt.MigrateParamPersistXML:
			if err := driverapi.CheckDefinition(s); err != nil {
				return m, err
			}
			m.persistXML = s
		}
	}
	if m.offline() {
		if flags&uint32(libvirt.MigratePersistDest) == 0 {
			return m, virterror.New(libvirt.ErrOperationInvalid, "offline migration must be specified with the persistent flag set")
		}
		if flags&uint32(libvirt.MigrateLive) != 0 {
			return m, virterror.New(libvirt.ErrInvalidArg, "flags 'live' and 'offline' are mutually exclusive")
		}
	}
	return m, nil
}

// identity is a domain XML's name and UUID.
type identity struct {
	Name string `xml:"name"`
	UUID string `xml:"uuid"`
}

// parseIdentity reads the name and UUID of a domain XML; the driver
// validates the rest when it defines it.
func parseIdentity(def string) (identity, driverapi.UUID, error) {
	var id identity
	var u driverapi.UUID
	if err := xml.Unmarshal([]byte(def), &id); err != nil {
		return id, u, virterror.New(libvirt.ErrXMLError, "(domain_definition): %v", err)
	}
	id.Name, id.UUID = strings.TrimSpace(id.Name), strings.TrimSpace(id.UUID)
	if id.Name == "" {
		return id, u, virterror.New(libvirt.ErrNoName, "missing name information in migrated domain XML")
	}
	hex := strings.ReplaceAll(id.UUID, "-", "")
	if len(hex) != 32 {
		return id, u, virterror.New(libvirt.ErrInternalError, "malformed uuid element")
	}
	for i := range u {
		var b byte
		for _, c := range hex[2*i : 2*i+2] {
			switch {
			case c >= '0' && c <= '9':
				b = b<<4 | byte(c-'0')
			case c >= 'a' && c <= 'f':
				b = b<<4 | byte(c-'a'+10)
			case c >= 'A' && c <= 'F':
				b = b<<4 | byte(c-'A'+10)
			default:
				return id, u, virterror.New(libvirt.ErrInternalError, "malformed uuid element")
			}
		}
		u[i] = b
	}
	return id, u, nil
}

// migrateBegin3Params serves DOMAIN_MIGRATE_BEGIN3_PARAMS on the source:
// it returns the definition the target gets.
func (s *Server) migrateBegin3Params(ctx context.Context, c *conn, args *libvirt.DomainMigrateBegin3ParamsArgs) (*libvirt.DomainMigrateBegin3ParamsRet, error) {
	m, err := parseMigration("virDomainMigrateBegin3Params", args.Flags, args.Params)
	if err != nil {
		return nil, err
	}
	if m.destName != "" && m.destName != args.Dom.Name {
		return nil, virterror.New(libvirt.ErrArgumentUnsupported, "renaming a container while migrating it (destination_name) is not supported")
	}
	if m.destXML != "" {
		return nil, virterror.New(libvirt.ErrArgumentUnsupported, "migrating a container with a different definition (destination_xml) is not supported")
	}
	if m.persistXML != "" {
		if err := sameDomain(m.persistXML, identity{Name: args.Dom.Name}, args.Dom.UUID); err != nil {
			return nil, err
		}
	}
	st, err := s.drv().Status(ctx, args.Dom.UUID)
	if err != nil {
		return nil, err
	}
	if !m.offline() {
		return s.beginLive(ctx, args.Dom, st)
	}
	// The persistent definition; a transient domain's live one, as
	// libvirt's QEMU driver sends it.
	def, err := s.drv().XMLDesc(ctx, args.Dom.UUID, uint32(libvirt.DomainXMLInactive|libvirt.DomainXMLSecure|libvirt.DomainXMLMigratable))
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainMigrateBegin3ParamsRet{XML: def, CookieOut: s.sourceCookie()}, nil
}

// randomHex is 16 random bytes in hex: an instance name, a token.
func randomHex() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// sourceCookie is Begin's cookie for Prepare: the source daemon's
// instance, as libvirt's QEMU driver sends its host UUID.
func (s *Server) sourceCookie() []byte { return []byte(cookiePrefix + s.instance) }

// cookiePrefix starts the cookie Begin sends.
const cookiePrefix = "lxcvirtd-source:"

// checkNotSelf refuses a migration whose source is this daemon: it would
// undefine the domain it just redefined.
func (s *Server) checkNotSelf(cookie []byte) error {
	if string(cookie) == string(s.sourceCookie()) {
		return virterror.New(libvirt.ErrInternalError, "Attempt to migrate guest to the same host %s", s.instance)
	}
	return nil
}

// checkIncoming refuses an incoming domain whose name or UUID another
// domain has, and one that runs here already, as libvirt's
// virDomainObjListAdd does for a migrated domain; the same domain, shut
// off, is redefined.
func (s *Server) checkIncoming(ctx context.Context, id identity, u driverapi.UUID) error {
	if d, err := s.drv().LookupByName(ctx, id.Name); err == nil && d.UUID != u {
		return virterror.New(libvirt.ErrOperationFailed, "domain '%s' is already defined with uuid %s", id.Name, driverapi.FormatUUID(d.UUID))
	} else if err != nil && !virterror.HasCode(err, libvirt.ErrNoDomain) {
		return err
	}
	st, err := s.drv().Status(ctx, u)
	switch {
	case virterror.HasCode(err, libvirt.ErrNoDomain):
		return nil
	case err != nil:
		return err
	case st.Name != id.Name:
		return virterror.New(libvirt.ErrOperationFailed, "domain '%s' already exists with uuid %s", st.Name, driverapi.FormatUUID(u))
	case st.ID != -1:
		return virterror.New(libvirt.ErrOperationInvalid, "domain '%s' is already active", st.Name)
	}
	return nil
}

// incoming reads the domain a Prepare or Finish phase gets.
func incoming(m migration) (identity, driverapi.UUID, error) {
	if m.destXML == "" {
		return identity{}, driverapi.UUID{}, virterror.New(libvirt.ErrInvalidArg, "no domain XML passed")
	}
	id, u, err := parseIdentity(m.destXML)
	if err != nil {
		return id, u, err
	}
	if m.destName != "" && m.destName != id.Name {
		return id, u, virterror.New(libvirt.ErrArgumentUnsupported, "renaming a container while migrating it (destination_name) is not supported")
	}
	if m.persistXML != "" {
		if err := sameDomain(m.persistXML, id, u); err != nil {
			return id, u, err
		}
	}
	return id, u, nil
}

// sameDomain refuses a persistent definition of another domain than the
// migrated one (id, u).
func sameDomain(def string, id identity, u driverapi.UUID) error {
	pid, pu, err := parseIdentity(def)
	if err != nil {
		return err
	}
	if pid.Name != id.Name || pu != u {
		return virterror.New(libvirt.ErrInvalidArg, "persistent_xml defines domain '%s' (%s), not the migrated '%s' (%s)", pid.Name, driverapi.FormatUUID(pu), id.Name, driverapi.FormatUUID(u))
	}
	return nil
}

// migratePrepare3Params serves DOMAIN_MIGRATE_PREPARE3_PARAMS on the
// target: it refuses what Finish could not define, and changes nothing.
func (s *Server) migratePrepare3Params(ctx context.Context, c *conn, args *libvirt.DomainMigratePrepare3ParamsArgs) (*libvirt.DomainMigratePrepare3ParamsRet, error) {
	m, err := parseMigration("virDomainMigratePrepare3Params", args.Flags, args.Params)
	if err != nil {
		return nil, err
	}
	id, u, err := incoming(m)
	if err != nil {
		return nil, err
	}
	if err := s.checkNotSelf(args.CookieIn); err != nil {
		return nil, err
	}
	if err := s.checkIncoming(ctx, id, u); err != nil {
		return nil, err
	}
	host, err := os.Hostname()
	if err != nil {
		return nil, virterror.New(libvirt.ErrSystemError, "cannot get the host name: %v", err)
	}
	// The client needs a URI for Perform even when --offline skips it.
	ret := &libvirt.DomainMigratePrepare3ParamsRet{UriOut: libvirt.OptString{"lxc://" + host + "/system"}}
	if !m.offline() {
		if ret.CookieOut, err = s.prepareLive(ctx, m); err != nil {
			return nil, err
		}
	}
	return ret, nil
}

// migratePerform3Params serves DOMAIN_MIGRATE_PERFORM3_PARAMS on the
// source, which an offline migration skips.
func (s *Server) migratePerform3Params(ctx context.Context, c *conn, args *libvirt.DomainMigratePerform3ParamsArgs) (*libvirt.DomainMigratePerform3ParamsRet, error) {
	m, err := parseMigration("virDomainMigratePerform3Params", uint32(args.Flags), args.Params)
	if err != nil {
		return nil, err
	}
	if m.flags&uint32(libvirt.MigratePeer2peer) != 0 {
		if len(args.Dconnuri) == 0 || args.Dconnuri[0] == "" {
			return nil, virterror.New(libvirt.ErrInvalidArg, "dconnuri in virDomainMigratePerform3Params must not be NULL")
		}
		if err := s.migrateP2P(ctx, c, args.Dom, args.Dconnuri[0], m, args.Params); err != nil {
			return nil, err
		}
		return &libvirt.DomainMigratePerform3ParamsRet{}, nil
	}
	if m.offline() {
		return &libvirt.DomainMigratePerform3ParamsRet{}, nil
	}
	cookie, err := s.performLive(ctx, args.Dom, m, args.CookieIn)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainMigratePerform3ParamsRet{CookieOut: cookie}, nil
}

// migrateFinish3Params serves DOMAIN_MIGRATE_FINISH3_PARAMS on the
// target: an offline migration defines the domain here.
func (s *Server) migrateFinish3Params(ctx context.Context, c *conn, args *libvirt.DomainMigrateFinish3ParamsArgs) (*libvirt.DomainMigrateFinish3ParamsRet, error) {
	m, err := parseMigration("virDomainMigrateFinish3Params", args.Flags, args.Params)
	if err != nil {
		return nil, err
	}
	if _, _, err := incoming(m); err != nil {
		return nil, err
	}
	if args.Cancelled != 0 {
		if !m.offline() {
			s.abortLive(ctx, m)
		}
		return nil, virterror.New(libvirt.ErrMigrateFinishOk, "migration successfully aborted")
	}
	var d driverapi.Domain
	if m.offline() {
		d, err = s.drv().DefineXML(ctx, m.persistentDef(m.destXML), 0)
	} else {
		d, err = s.finishLive(ctx, m, args.CookieIn)
	}
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainMigrateFinish3ParamsRet{Dom: wireDomain(d)}, nil
}

// migrateConfirm3Params serves DOMAIN_MIGRATE_CONFIRM3_PARAMS on the
// source: once the target has the domain, --undefinesource undefines it
// here; a domain running here keeps its definition, as in libvirt's QEMU
// driver. A cancelled offline migration changed nothing on the source; a
// cancelled live one restores the container here.
func (s *Server) migrateConfirm3Params(ctx context.Context, c *conn, args *libvirt.DomainMigrateConfirm3ParamsArgs) error {
	m, err := parseMigration("virDomainMigrateConfirm3Params", args.Flags, args.Params)
	if err != nil {
		return err
	}
	if args.Cancelled != 0 {
		if m.offline() {
			return nil
		}
		return s.restoreSource(ctx, args.Dom, m)
	}
	if m.flags&uint32(libvirt.MigrateUndefineSource) == 0 {
		return nil
	}
	st, err := s.drv().Status(ctx, args.Dom.UUID)
	switch {
	case virterror.HasCode(err, libvirt.ErrNoDomain):
		return nil // a transient domain, gone with its checkpoint
	case err != nil:
		return err
	case st.ID != -1 || !st.Persistent:
		return nil
	}
	return s.drv().Undefine(ctx, args.Dom.UUID, 0)
}
