package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Live migration moves a running container through a checkpoint on
// storage both hosts see (the driver's Checkpointer names the directory,
// beside the root filesystem):
//
//   - Begin (source) returns the live definition and refuses a container
//     the driver cannot checkpoint for migration.
//   - Prepare (target) checks the incoming domain as for offline migration
//     and writes a random token into the checkpoint directory; the token
//     travels to the source in the cookie.
//   - Perform (source) finds the token in its own checkpoint directory,
//     which proves that both hosts see the same storage at the same path,
//     and only then checkpoints the container (stopping it). A failed
//     dump leaves it running, and the client cancels the target.
//   - Finish (target) defines the domain (with --persistent: the source's
//     persistent definition, or persistent_xml, which Perform's cookie
//     carries) and restores it from the checkpoint, suspended with
//     --suspend; if that fails it undoes the definition and the client
//     cancels the source.
//   - Confirm (source) undefines the domain (--undefinesource) once the
//     target runs it, or, cancelled, restores it on the source from the
//     same checkpoint.

// tokenFile is the file in the checkpoint directory that holds the
// target's token.
const tokenFile = ".lxcvirt-migration-token"

// checkpointer is the driver's Checkpointer, or the error that refuses a
// live migration without one.
func (s *Server) checkpointer() (driverapi.Checkpointer, error) {
	cp, ok := s.drv().(driverapi.Checkpointer)
	if !ok {
		return nil, virterror.New(libvirt.ErrOperationUnsupported, "live migration of a running container is not supported yet (it needs CRIU checkpoint and restore); shut it off and migrate it with --offline --persistent")
	}
	return cp, nil
}

// beginLive is Begin of a live migration: the live definition of a
// running container the driver can checkpoint for migration.
func (s *Server) beginLive(ctx context.Context, dom libvirt.Domain, st driverapi.Status) (*libvirt.DomainMigrateBegin3ParamsRet, error) {
	if st.ID == -1 {
		return nil, virterror.New(libvirt.ErrOperationInvalid, "domain is not running")
	}
	cp, err := s.checkpointer()
	if err != nil {
		return nil, err
	}
	def, err := s.drv().XMLDesc(ctx, dom.UUID, uint32(libvirt.DomainXMLSecure|libvirt.DomainXMLMigratable))
	if err != nil {
		return nil, err
	}
	if _, err := cp.CheckpointDir(ctx, def); err != nil {
		return nil, err
	}
	return &libvirt.DomainMigrateBegin3ParamsRet{XML: def, CookieOut: s.sourceCookie()}, nil
}

// prepareLive writes a fresh token into the incoming domain's checkpoint
// directory and returns it, the cookie for Perform.
func (s *Server) prepareLive(ctx context.Context, m migration) ([]byte, error) {
	cp, err := s.checkpointer()
	if err != nil {
		return nil, err
	}
	dir, err := cp.CheckpointDir(ctx, m.destXML)
	if err != nil {
		return nil, err
	}
	token := []byte(randomHex())
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, virterror.New(libvirt.ErrSystemError, "cannot create the checkpoint directory: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, tokenFile), token, 0o600); err != nil {
		return nil, virterror.New(libvirt.ErrSystemError, "cannot write the migration token: %v", err)
	}
	return token, nil
}

// checkToken refuses a checkpoint directory without the target's token:
// the hosts do not see the same storage there.
func checkToken(dir string, token []byte) error {
	got, err := os.ReadFile(filepath.Join(dir, tokenFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return virterror.New(libvirt.ErrSystemError, "cannot read the migration token: %v", err)
	}
	if len(token) == 0 || !bytes.Equal(got, token) {
		return virterror.New(libvirt.ErrOperationInvalid, "the checkpoint directory %s is not on storage both hosts see: live migration needs the container's root filesystem on a path the source and the target share", dir)
	}
	return nil
}

// liveCookie is Perform's cookie for Finish: the target's token, and the
// definition the target defines with --persistent (persistent_xml, or
// the source's persistent definition: libvirt's drivers carry it in their
// cookie too).
type liveCookie struct {
	Token      string `json:"token"`
	Persistent string `json:"persistent,omitempty"`
}

// performLive checkpoints the container into the directory the target
// prepared (its token the cookie in); its cookie carries the token and
// the persistent definition on to Finish.
func (s *Server) performLive(ctx context.Context, dom libvirt.Domain, m migration, token []byte) ([]byte, error) {
	cp, err := s.checkpointer()
	if err != nil {
		return nil, err
	}
	def, err := s.drv().XMLDesc(ctx, dom.UUID, uint32(libvirt.DomainXMLSecure|libvirt.DomainXMLMigratable))
	if err != nil {
		return nil, err
	}
	persistent := m.persistXML
	if persistent == "" && m.flags&uint32(libvirt.MigratePersistDest) != 0 {
		// Before the checkpoint: a transient domain goes with it.
		if persistent, err = s.drv().XMLDesc(ctx, dom.UUID, uint32(libvirt.DomainXMLInactive|libvirt.DomainXMLSecure|libvirt.DomainXMLMigratable)); err != nil {
			return nil, err
		}
	}
	dir, err := cp.CheckpointDir(ctx, def)
	if err != nil {
		return nil, err
	}
	if err := checkToken(dir, token); err != nil {
		return nil, err
	}
	cookie, err := json.Marshal(liveCookie{Token: string(token), Persistent: persistent})
	if err != nil {
		return nil, virterror.New(libvirt.ErrInternalError, "migration cookie: %v", err)
	}
	if err := cp.Checkpoint(ctx, dom.UUID, dir); err != nil {
		return nil, err
	}
	return cookie, nil
}

// parseLiveCookie reads Perform's cookie; its persistent definition must
// be the migrated domain's (id, u).
func parseLiveCookie(b []byte, id identity, u driverapi.UUID) (liveCookie, error) {
	var c liveCookie
	if err := json.Unmarshal(b, &c); err != nil {
		return c, virterror.New(libvirt.ErrInvalidArg, "bad migration cookie: %v", err)
	}
	if c.Persistent != "" {
		if err := driverapi.CheckDefinition(c.Persistent); err != nil {
			return c, err
		}
		if err := sameDomain(c.Persistent, id, u); err != nil {
			return c, err
		}
	}
	return c, nil
}

// finishLive defines the domain (--persistent: the cookie's persistent
// definition, else the running one) and restores it from the checkpoint,
// suspended with --suspend; on failure the target is left as it was.
func (s *Server) finishLive(ctx context.Context, m migration, cookie []byte) (driverapi.Domain, error) {
	cp, err := s.checkpointer()
	if err != nil {
		return driverapi.Domain{}, err
	}
	id, u, err := parseIdentity(m.destXML)
	if err != nil {
		return driverapi.Domain{}, err
	}
	c, err := parseLiveCookie(cookie, id, u)
	if err != nil {
		return driverapi.Domain{}, err
	}
	dir, err := cp.CheckpointDir(ctx, m.destXML)
	if err != nil {
		return driverapi.Domain{}, err
	}
	if err := checkToken(dir, []byte(c.Token)); err != nil {
		return driverapi.Domain{}, err
	}
	defined := false
	if m.flags&uint32(libvirt.MigratePersistDest) != 0 {
		persistent := c.Persistent
		if persistent == "" {
			persistent = m.persistentDef(m.destXML)
		}
		_, err := s.drv().Status(ctx, u)
		existed := err == nil
		if _, err := s.drv().DefineXML(ctx, persistent, 0); err != nil {
			return driverapi.Domain{}, err
		}
		defined = !existed
	}
	d, err := cp.Restore(ctx, m.destXML, dir)
	restored := err == nil
	if restored && m.flags&uint32(libvirt.MigratePaused) != 0 {
		if st, serr := s.drv().Status(ctx, u); serr == nil && st.State == libvirt.DomainRunning {
			err = s.drv().Suspend(ctx, u)
		}
	}
	if err != nil {
		if restored {
			if derr := s.drv().Destroy(ctx, u, 0); derr != nil {
				s.log.Warn("migration: cannot destroy the restored domain", "uuid", driverapi.FormatUUID(u), "err", derr)
			}
		}
		if defined {
			if uerr := s.drv().Undefine(ctx, u, 0); uerr != nil {
				s.log.Warn("migration: cannot undefine the domain whose restore failed", "uuid", driverapi.FormatUUID(u), "err", uerr)
			}
		}
		return driverapi.Domain{}, err
	}
	_ = os.Remove(filepath.Join(dir, tokenFile))
	return d, nil
}

// abortLive is Finish of a cancelled live migration: the token goes.
func (s *Server) abortLive(ctx context.Context, m migration) {
	cp, err := s.checkpointer()
	if err != nil {
		return
	}
	if dir, err := cp.CheckpointDir(ctx, m.destXML); err == nil {
		_ = os.Remove(filepath.Join(dir, tokenFile))
	}
}

// restoreSource is Confirm of a cancelled live migration: the container
// the checkpoint stopped runs again on the source.
func (s *Server) restoreSource(ctx context.Context, dom libvirt.Domain, m migration) error {
	if st, err := s.drv().Status(ctx, dom.UUID); err == nil && st.ID != -1 {
		return nil // Perform never stopped it
	}
	if m.destXML == "" {
		return virterror.New(libvirt.ErrInvalidArg, "no domain XML passed")
	}
	cp, err := s.checkpointer()
	if err != nil {
		return err
	}
	dir, err := cp.CheckpointDir(ctx, m.destXML)
	if err != nil {
		return err
	}
	_, err = cp.Restore(ctx, m.destXML, dir)
	return err
}
