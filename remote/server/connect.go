package server

import (
	"context"
	"net/url"
	"os"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// URI is the connection URI lxcvirtd serves; SessionURI is the one a
// session daemon (Config.Session) serves.
const (
	URI        = "lxc:///system"
	SessionURI = "lxc:///session"
)

// LibVersion is the libvirt version lxcvirtd reports to
// virConnectGetLibVersion (`virsh version --daemon`): the libvirt release
// whose protocol it implements, so clients enable exactly the features of
// that release.
const LibVersion = 9000000

// Driver features a client may ask about (virDrvFeature).
const (
	featureMigrationP2P       = 4
	featureMigrationOffline   = 12
	featureMigrationParams    = 13
	featureTypedParamString   = 9
	featureProgramKeepalive   = 10
	featureRemoteEventCB      = 14
	featureRemoteCloseCB      = 15
	featureNetworkUpdateOrder = 16
)

// supportedFeatures are the features lxcvirtd implements; every other
// feature (fd passing, migration protocols 1 to 3 without parameters,
// change protection) is answered 0.
var supportedFeatures = map[int32]bool{
	// Migration protocol 3 with extensible parameters (migrate.go), which
	// virDomainMigrate3 (`virsh migrate`) uses, and offline migration.
	featureMigrationParams:  true,
	featureMigrationOffline: true,
	// Peer-to-peer migration (migrate_p2p.go): `virsh migrate --p2p`.
	featureMigrationP2P:     true,
	featureTypedParamString: true,
	featureRemoteEventCB:    true,
	featureRemoteCloseCB:    true,
	// virNetworkUpdate is forwarded to libvirt's network driver, whose
	// arguments are in the documented order since libvirt 1.2.6.
	featureNetworkUpdateOrder: true,
}

// secModel is the security model lxcvirtd reports: no security driver
// labels containers.
var secModel = driverapi.SecurityModel{Model: "none", DOI: "0"}

func (s *Server) authList(ctx context.Context, c *conn) (*libvirt.AuthListRet, error) {
	// Unix socket access is governed by the socket's file mode alone.
	return &libvirt.AuthListRet{Types: []libvirt.AuthType{libvirt.AuthType(0)}}, nil
}

func (s *Server) supportsFeature(ctx context.Context, c *conn, args *libvirt.ConnectSupportsFeatureArgs) (*libvirt.ConnectSupportsFeatureRet, error) {
	if args.Feature == featureProgramKeepalive {
		c.startKeepalive()
		return &libvirt.ConnectSupportsFeatureRet{Supported: 1}, nil
	}
	c.mu.Lock()
	opened := c.opened
	c.mu.Unlock()
	if !opened {
		return nil, virterror.NewFrom(virterror.FromRPC, libvirt.ErrInternalError, "hypervisor connection not open")
	}
	ret := &libvirt.ConnectSupportsFeatureRet{}
	if supportedFeatures[args.Feature] {
		ret.Supported = 1
	}
	return ret, nil
}

// connectOpen accepts lxc:///system (lxc:///session from a session
// daemon; lxc:///, and a NULL URI from clients that probe); the read-only
// flag makes the connection read-only.
func (s *Server) connectOpen(ctx context.Context, c *conn, args *libvirt.ConnectOpenArgs) error {
	if len(args.Name) == 1 && args.Name[0] != "" {
		if err := checkURI(args.Name[0], s.cfg.Session); err != nil {
			return err
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.opened = true
	c.markOpened()
	if args.Flags&libvirt.ConnectRo != 0 {
		c.ro = true
	}
	c.log.Debug("connection opened", "uri", args.Name, "readonly", c.ro)
	return nil
}

// checkURI refuses a URI for another driver or host, and the path of the
// other kind of daemon: as libvirt's virConnectValidateURIPath, a
// privileged daemon serves /system only and a session daemon /session.
func checkURI(name string, session bool) error {
	u, err := url.Parse(name)
	if err != nil {
		return virterror.NewFrom(virterror.FromNone, libvirt.ErrInvalidArg, "cannot parse URI %q: %v", name, err)
	}
	if u.Scheme != "lxc" {
		return virterror.NewFrom(virterror.FromNone, libvirt.ErrNoConnect, "no connection driver available for %s", name)
	}
	if u.Host != "" {
		return virterror.NewFrom(virterror.FromLXC, libvirt.ErrInvalidArg, "lxcvirtd serves local containers only, not host %q", u.Host)
	}
	want := "/system"
	if session {
		want = "/session"
	}
	if u.Path != "" && u.Path != "/" && u.Path != want {
		return virterror.NewFrom(virterror.FromLXC, libvirt.ErrInternalError, "Unexpected LXC URI path '%s', try lxc://%s", u.Path, want)
	}
	return nil
}

func (s *Server) connectClose(ctx context.Context, c *conn) error {
	c.mu.Lock()
	c.opened = false
	c.closeCallback = false
	c.mu.Unlock()
	c.forgetCallbacks()
	c.closeUpstream()
	return nil
}

func (s *Server) registerCloseCallback(ctx context.Context, c *conn) error {
	c.mu.Lock()
	c.closeCallback = true
	c.mu.Unlock()
	return nil
}

func (s *Server) unregisterCloseCallback(ctx context.Context, c *conn) error {
	c.mu.Lock()
	c.closeCallback = false
	c.mu.Unlock()
	return nil
}

func (s *Server) getType(ctx context.Context, c *conn) (*libvirt.ConnectGetTypeRet, error) {
	return &libvirt.ConnectGetTypeRet{Type: "LXC"}, nil
}

// host is the driver's view of the host, for node and host calls.
func (s *Server) host(fn string) (driverapi.Host, error) {
	if s.cfg.Host == nil {
		return nil, noSupport(fn)
	}
	return s.cfg.Host, nil
}

// getVersion reports the driver's hypervisor version (for LXC, the kernel
// release).
func (s *Server) getVersion(ctx context.Context, c *conn) (*libvirt.ConnectGetVersionRet, error) {
	h, err := s.host("virConnectGetVersion")
	if err != nil {
		return nil, err
	}
	v, err := h.Version(ctx)
	if err != nil {
		return nil, err
	}
	return &libvirt.ConnectGetVersionRet{HvVer: v}, nil
}

func (s *Server) getLibVersion(ctx context.Context, c *conn) (*libvirt.ConnectGetLibVersionRet, error) {
	return &libvirt.ConnectGetLibVersionRet{LibVer: LibVersion}, nil
}

// getHostname names the machine the daemon runs on, as libvirtd answers
// from its own process; the driver plugin runs on the same machine, so
// this one system call does not go through the driver.
func (s *Server) getHostname(ctx context.Context, c *conn) (*libvirt.ConnectGetHostnameRet, error) {
	name, err := os.Hostname()
	if err != nil {
		return nil, virterror.New(libvirt.ErrSystemError, "cannot get the host name: %v", err)
	}
	return &libvirt.ConnectGetHostnameRet{Hostname: name}, nil
}

func (s *Server) getURI(ctx context.Context, c *conn) (*libvirt.ConnectGetUriRet, error) {
	if s.cfg.Session {
		return &libvirt.ConnectGetUriRet{Uri: SessionURI}, nil
	}
	return &libvirt.ConnectGetUriRet{Uri: URI}, nil
}

func (s *Server) isSecure(ctx context.Context, c *conn) (*libvirt.ConnectIsSecureRet, error) {
	return &libvirt.ConnectIsSecureRet{Secure: 1}, nil // a local unix socket
}

func (s *Server) nodeInfo(ctx context.Context, fn string) (driverapi.NodeInfo, error) {
	h, err := s.host(fn)
	if err != nil {
		return driverapi.NodeInfo{}, err
	}
	return h.NodeInfo(ctx)
}

// getMaxVcpus reports the host's CPU count: a container can use every CPU.
func (s *Server) getMaxVcpus(ctx context.Context, c *conn, args *libvirt.ConnectGetMaxVcpusArgs) (*libvirt.ConnectGetMaxVcpusRet, error) {
	if len(args.Type) == 1 && args.Type[0] != "" && args.Type[0] != "lxc" && args.Type[0] != "LXC" {
		return nil, virterror.New(libvirt.ErrInvalidArg, "unknown type '%s'", args.Type[0])
	}
	ni, err := s.nodeInfo(ctx, "virConnectGetMaxVcpus")
	if err != nil {
		return nil, err
	}
	return &libvirt.ConnectGetMaxVcpusRet{MaxVcpus: ni.CPUs}, nil
}

func (s *Server) nodeGetInfo(ctx context.Context, c *conn) (*libvirt.NodeGetInfoRet, error) {
	ni, err := s.nodeInfo(ctx, "virNodeGetInfo")
	if err != nil {
		return nil, err
	}
	ret := &libvirt.NodeGetInfoRet{
		Memory: ni.MemKiB, Cpus: ni.CPUs, Mhz: ni.MHz,
		Nodes: ni.Nodes, Sockets: ni.Sockets, Cores: ni.Cores, Threads: ni.Threads,
	}
	for i := 0; i < len(ni.Model) && i < len(ret.Model)-1; i++ {
		ret.Model[i] = int8(ni.Model[i])
	}
	return ret, nil
}

func (s *Server) nodeGetFreeMemory(ctx context.Context, c *conn) (*libvirt.NodeGetFreeMemoryRet, error) {
	h, err := s.host("virNodeGetFreeMemory")
	if err != nil {
		return nil, err
	}
	free, err := h.FreeMemory(ctx)
	if err != nil {
		return nil, err
	}
	return &libvirt.NodeGetFreeMemoryRet{FreeMem: free}, nil
}

func (s *Server) getCapabilities(ctx context.Context, c *conn) (*libvirt.ConnectGetCapabilitiesRet, error) {
	h, err := s.host("virConnectGetCapabilities")
	if err != nil {
		return nil, err
	}
	xml, err := h.Capabilities(ctx, secModel)
	if err != nil {
		return nil, err
	}
	return &libvirt.ConnectGetCapabilitiesRet{Capabilities: xml}, nil
}

func (s *Server) getSysinfo(ctx context.Context, c *conn, args *libvirt.ConnectGetSysinfoArgs) (*libvirt.ConnectGetSysinfoRet, error) {
	if err := checkFlags(args.Flags, 0, "virConnectGetSysinfo"); err != nil {
		return nil, err
	}
	h, err := s.host("virConnectGetSysinfo")
	if err != nil {
		return nil, err
	}
	xml, err := h.Sysinfo(ctx)
	if err != nil {
		return nil, err
	}
	return &libvirt.ConnectGetSysinfoRet{Sysinfo: xml}, nil
}

// cString is a NUL-terminated C string as libvirt sends char arrays.
func cString(s string) []int8 {
	out := make([]int8, len(s)+1)
	for i := range len(s) {
		out[i] = int8(s[i])
	}
	return out
}

func (s *Server) nodeGetSecurityModel(ctx context.Context, c *conn) (*libvirt.NodeGetSecurityModelRet, error) {
	return &libvirt.NodeGetSecurityModelRet{Model: cString(secModel.Model), Doi: cString(secModel.DOI)}, nil
}

// The daemon has no storage, interface or node-device drivers:
// their listings are empty rather than unsupported, which clients such as
// virt-manager handle without warnings.

func (s *Server) listAllStoragePools(ctx context.Context, c *conn, args *libvirt.ConnectListAllStoragePoolsArgs) (*libvirt.ConnectListAllStoragePoolsRet, error) {
	return &libvirt.ConnectListAllStoragePoolsRet{}, nil
}

func (s *Server) listAllInterfaces(ctx context.Context, c *conn, args *libvirt.ConnectListAllInterfacesArgs) (*libvirt.ConnectListAllInterfacesRet, error) {
	return &libvirt.ConnectListAllInterfacesRet{}, nil
}

func (s *Server) listAllNodeDevices(ctx context.Context, c *conn, args *libvirt.ConnectListAllNodeDevicesArgs) (*libvirt.ConnectListAllNodeDevicesRet, error) {
	return &libvirt.ConnectListAllNodeDevicesRet{}, nil
}

func (s *Server) listAllSecrets(ctx context.Context, c *conn, args *libvirt.ConnectListAllSecretsArgs) (*libvirt.ConnectListAllSecretsRet, error) {
	return &libvirt.ConnectListAllSecretsRet{}, nil
}

func (s *Server) listAllNwfilters(ctx context.Context, c *conn, args *libvirt.ConnectListAllNwfiltersArgs) (*libvirt.ConnectListAllNwfiltersRet, error) {
	return &libvirt.ConnectListAllNwfiltersRet{}, nil
}

func (s *Server) nodeNumOfDevices(ctx context.Context, c *conn, args *libvirt.NodeNumOfDevicesArgs) (*libvirt.NodeNumOfDevicesRet, error) {
	return &libvirt.NodeNumOfDevicesRet{}, nil
}

func (s *Server) nodeListDevices(ctx context.Context, c *conn, args *libvirt.NodeListDevicesArgs) (*libvirt.NodeListDevicesRet, error) {
	return &libvirt.NodeListDevicesRet{}, nil
}
