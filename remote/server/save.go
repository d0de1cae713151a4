package server

import (
	"context"

	libvirt "github.com/digitalocean/go-libvirt"

	"github.com/lxcvirt/lxcvirt/driverapi"
	"github.com/lxcvirt/lxcvirt/virterror"
)

// Save and restore procedures, served by a driver with driverapi.Saver
// (CRIU images; libvirt-lxc has none of them and answers "not supported",
// as lxcvirtd does for a driver without it). virDomainHasManagedSaveImage
// is 0 for such a driver, as libvirt-lxc's.

func (s *Server) saver(api string) (driverapi.Saver, error) {
	sv, ok := s.drv().(driverapi.Saver)
	if !ok {
		return nil, noSupport(api)
	}
	return sv, nil
}

// saveParam reads the file and dxml parameters of the *Params procedures
// (VIR_DOMAIN_SAVE_PARAM_FILE, VIR_DOMAIN_SAVE_PARAM_DXML).
func saveParam(ps []libvirt.TypedParam) (file, dxml string, err error) {
	params, err := paramsFromWire(ps, 16)
	if err != nil {
		return "", "", err
	}
	for _, p := range params {
		switch p.Field {
		case "file":
			file = p.Str
		case "dxml":
			dxml = p.Str
		default:
			return "", "", virterror.New(libvirt.ErrInvalidArg, "parameter '%s' not supported", p.Field)
		}
	}
	return file, dxml, nil
}

func (s *Server) doSave(ctx context.Context, api string, dom libvirt.Domain, to, dxml string, flags uint32) error {
	sv, err := s.saver(api)
	if err != nil {
		return err
	}
	return sv.Save(ctx, dom.UUID, to, dxml, flags)
}

func (s *Server) save(ctx context.Context, c *conn, args *libvirt.DomainSaveArgs) error {
	return s.doSave(ctx, "virDomainSave", args.Dom, args.To, "", 0)
}

func (s *Server) saveFlags(ctx context.Context, c *conn, args *libvirt.DomainSaveFlagsArgs) error {
	return s.doSave(ctx, "virDomainSaveFlags", args.Dom, args.To, optString(args.Dxml), args.Flags)
}

func (s *Server) saveParams(ctx context.Context, c *conn, args *libvirt.DomainSaveParamsArgs) error {
	file, dxml, err := saveParam(args.Params)
	if err != nil {
		return err
	}
	if file == "" {
		return virterror.New(libvirt.ErrInvalidArg, "a save file is required")
	}
	return s.doSave(ctx, "virDomainSaveParams", args.Dom, file, dxml, args.Flags)
}

func (s *Server) doRestore(ctx context.Context, api, from, dxml string, flags uint32) error {
	sv, err := s.saver(api)
	if err != nil {
		return err
	}
	_, err = sv.RestoreSaved(ctx, from, dxml, flags)
	return err
}

func (s *Server) restore(ctx context.Context, c *conn, args *libvirt.DomainRestoreArgs) error {
	return s.doRestore(ctx, "virDomainRestore", args.From, "", 0)
}

func (s *Server) restoreFlags(ctx context.Context, c *conn, args *libvirt.DomainRestoreFlagsArgs) error {
	return s.doRestore(ctx, "virDomainRestoreFlags", args.From, optString(args.Dxml), args.Flags)
}

func (s *Server) restoreParams(ctx context.Context, c *conn, args *libvirt.DomainRestoreParamsArgs) error {
	file, dxml, err := saveParam(args.Params)
	if err != nil {
		return err
	}
	if file == "" {
		return virterror.New(libvirt.ErrInvalidArg, "a save file is required")
	}
	return s.doRestore(ctx, "virDomainRestoreParams", file, dxml, args.Flags)
}

func (s *Server) saveImageGetXMLDesc(ctx context.Context, c *conn, args *libvirt.DomainSaveImageGetXMLDescArgs) (*libvirt.DomainSaveImageGetXMLDescRet, error) {
	sv, err := s.saver("virDomainSaveImageGetXMLDesc")
	if err != nil {
		return nil, err
	}
	x, err := sv.SaveImageXML(ctx, args.File, args.Flags)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainSaveImageGetXMLDescRet{XML: x}, nil
}

func (s *Server) managedSave(ctx context.Context, c *conn, args *libvirt.DomainManagedSaveArgs) error {
	sv, err := s.saver("virDomainManagedSave")
	if err != nil {
		return err
	}
	return sv.ManagedSave(ctx, args.Dom.UUID, args.Flags)
}

func (s *Server) managedSaveRemove(ctx context.Context, c *conn, args *libvirt.DomainManagedSaveRemoveArgs) error {
	sv, err := s.saver("virDomainManagedSaveRemove")
	if err != nil {
		return err
	}
	return sv.ManagedSaveRemove(ctx, args.Dom.UUID, args.Flags)
}

func (s *Server) hasManagedSaveImage(ctx context.Context, c *conn, args *libvirt.DomainHasManagedSaveImageArgs) (*libvirt.DomainHasManagedSaveImageRet, error) {
	sv, ok := s.drv().(driverapi.Saver)
	if !ok {
		if err := checkFlags(args.Flags, 0, "virDomainHasManagedSaveImage"); err != nil {
			return nil, err
		}
		if _, err := s.status(ctx, args.Dom); err != nil {
			return nil, err
		}
		return &libvirt.DomainHasManagedSaveImageRet{}, nil
	}
	has, err := sv.HasManagedSave(ctx, args.Dom.UUID, args.Flags)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainHasManagedSaveImageRet{Result: boolInt(has)}, nil
}

func (s *Server) getJobInfo(ctx context.Context, c *conn, args *libvirt.DomainGetJobInfoArgs) (*libvirt.DomainGetJobInfoRet, error) {
	sv, err := s.saver("virDomainGetJobInfo")
	if err != nil {
		return nil, err
	}
	j, err := sv.JobInfo(ctx, args.Dom.UUID)
	if err != nil {
		return nil, err
	}
	return &libvirt.DomainGetJobInfoRet{Type: j.Type, TimeElapsed: uint64(j.Elapsed.Milliseconds())}, nil
}

func (s *Server) reset(ctx context.Context, c *conn, args *libvirt.DomainResetArgs) error {
	sv, err := s.saver("virDomainReset")
	if err != nil {
		return err
	}
	return sv.Reset(ctx, args.Dom.UUID, args.Flags)
}
