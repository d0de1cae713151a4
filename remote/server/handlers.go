package server

import "github.com/lxcvirt/lxcvirt/remote/proto"

// newHandlers fills the generated handler table; every procedure left nil
// answers VIR_ERR_NO_SUPPORT.
func (s *Server) newHandlers() proto.Handlers[*conn] {
	return proto.Handlers[*conn]{
		// Connection.
		AuthList:                       s.authList,
		ConnectSupportsFeature:         s.supportsFeature,
		ConnectOpen:                    s.connectOpen,
		ConnectClose:                   s.connectClose,
		ConnectRegisterCloseCallback:   s.registerCloseCallback,
		ConnectUnregisterCloseCallback: s.unregisterCloseCallback,
		ConnectGetType:                 s.getType,
		ConnectGetVersion:              s.getVersion,
		ConnectGetLibVersion:           s.getLibVersion,
		ConnectGetHostname:             s.getHostname,
		ConnectGetUri:                  s.getURI,
		ConnectIsSecure:                s.isSecure,
		ConnectGetMaxVcpus:             s.getMaxVcpus,
		ConnectGetCapabilities:         s.getCapabilities,
		ConnectGetSysinfo:              s.getSysinfo,
		ConnectGetDomainCapabilities:   s.getDomainCapabilities,

		// Host.
		NodeGetInfo:          s.nodeGetInfo,
		NodeGetCPUMap:        s.nodeGetCPUMap,
		NodeGetFreeMemory:    s.nodeGetFreeMemory,
		NodeGetSecurityModel: s.nodeGetSecurityModel,
		NodeNumOfDevices:     s.nodeNumOfDevices,
		NodeListDevices:      s.nodeListDevices,

		// Networks (network.go): forwarded to libvirt's network driver,
		// or served from the driver's own networks.
		ConnectListAllNetworks:           s.listAllNetworks,
		ConnectNumOfNetworks:             s.numOfNetworks,
		ConnectNumOfDefinedNetworks:      s.numOfDefinedNetworks,
		ConnectListNetworks:              s.listNetworks,
		ConnectListDefinedNetworks:       s.listDefinedNetworks,
		NetworkLookupByName:              s.networkLookupByName,
		NetworkLookupByUUID:              s.networkLookupByUUID,
		NetworkGetXMLDesc:                s.networkGetXMLDesc,
		NetworkGetBridgeName:             s.networkGetBridgeName,
		NetworkGetAutostart:              s.networkGetAutostart,
		NetworkIsActive:                  s.networkIsActive,
		NetworkIsPersistent:              s.networkIsPersistent,
		NetworkGetDhcpLeases:             s.networkGetDhcpLeases,
		NetworkListAllPorts:              s.networkListAllPorts,
		ConnectNetworkEventRegisterAny:   s.networkEventRegisterAny,
		ConnectNetworkEventDeregisterAny: s.networkEventDeregisterAny,
		NetworkDefineXML:                 s.networkDefineXML,
		NetworkDefineXMLFlags:            s.networkDefineXMLFlags,
		NetworkCreateXML:                 s.networkCreateXML,
		NetworkCreateXMLFlags:            s.networkCreateXMLFlags,
		NetworkCreate:                    s.networkCreate,
		NetworkDestroy:                   s.networkDestroy,
		NetworkUndefine:                  s.networkUndefine,
		NetworkSetAutostart:              s.networkSetAutostart,
		NetworkUpdate:                    s.networkUpdate,
		NetworkPortCreateXML:             s.networkPortCreateXML,

		// Objects of drivers lxcvirtd does not have: empty lists.
		ConnectListAllStoragePools: s.listAllStoragePools,
		ConnectListAllInterfaces:   s.listAllInterfaces,
		ConnectListAllNodeDevices:  s.listAllNodeDevices,
		ConnectListAllSecrets:      s.listAllSecrets,
		ConnectListAllNwfilters:    s.listAllNwfilters,

		// Domain listing and lookup.
		ConnectListAllDomains:      s.listAllDomains,
		ConnectNumOfDomains:        s.numOfDomains,
		ConnectListDomains:         s.listDomains,
		ConnectNumOfDefinedDomains: s.numOfDefinedDomains,
		ConnectListDefinedDomains:  s.listDefinedDomains,
		DomainLookupByName:         s.lookupByName,
		DomainLookupByUUID:         s.lookupByUUID,
		DomainLookupByID:           s.lookupByID,

		// Domain lifecycle.
		DomainDefineXML:       s.defineXML,
		DomainDefineXMLFlags:  s.defineXMLFlags,
		DomainCreateXML:       s.createXML,
		DomainUndefine:        s.undefine,
		DomainUndefineFlags:   s.undefineFlags,
		DomainCreate:          s.create,
		DomainCreateWithFlags: s.createWithFlags,
		DomainShutdown:        s.shutdown,
		DomainShutdownFlags:   s.shutdownFlags,
		DomainDestroy:         s.destroy,
		DomainDestroyFlags:    s.destroyFlags,
		DomainReboot:          s.reboot,
		DomainSuspend:         s.suspend,
		DomainResume:          s.resume,
		DomainSetAutostart:    s.setAutostart,
		DomainSetMetadata:     s.setMetadata,

		// Save and restore (save.go).
		DomainSave:                s.save,
		DomainSaveFlags:           s.saveFlags,
		DomainSaveParams:          s.saveParams,
		DomainRestore:             s.restore,
		DomainRestoreFlags:        s.restoreFlags,
		DomainRestoreParams:       s.restoreParams,
		DomainSaveImageGetXMLDesc: s.saveImageGetXMLDesc,
		DomainManagedSave:         s.managedSave,
		DomainManagedSaveRemove:   s.managedSaveRemove,
		DomainGetJobInfo:          s.getJobInfo,
		DomainReset:               s.reset,

		// Devices.
		DomainAttachDevice:      s.attachDevice,
		DomainAttachDeviceFlags: s.attachDeviceFlags,
		DomainDetachDevice:      s.detachDevice,
		DomainDetachDeviceFlags: s.detachDeviceFlags,
		DomainUpdateDeviceFlags: s.updateDeviceFlags,
		DomainDetachDeviceAlias: s.detachDeviceAlias,

		// Snapshots (snapshot.go).
		DomainSnapshotCreateXML:         s.snapshotCreateXML,
		DomainSnapshotGetXMLDesc:        s.snapshotGetXMLDesc,
		DomainSnapshotNum:               s.snapshotNum,
		DomainSnapshotListNames:         s.snapshotListNames,
		DomainListAllSnapshots:          s.listAllSnapshots,
		DomainSnapshotNumChildren:       s.snapshotNumChildren,
		DomainSnapshotListChildrenNames: s.snapshotListChildrenNames,
		DomainSnapshotListAllChildren:   s.snapshotListAllChildren,
		DomainSnapshotLookupByName:      s.snapshotLookupByName,
		DomainSnapshotGetParent:         s.snapshotGetParent,
		DomainSnapshotIsCurrent:         s.snapshotIsCurrent,
		DomainSnapshotHasMetadata:       s.snapshotHasMetadata,
		DomainHasCurrentSnapshot:        s.hasCurrentSnapshot,
		DomainSnapshotCurrent:           s.snapshotCurrent,
		DomainRevertToSnapshot:          s.revertToSnapshot,
		DomainSnapshotDelete:            s.snapshotDelete,

		// Tuning (tune.go).
		DomainSetMemory:                   s.setMemory,
		DomainSetMaxMemory:                s.setMaxMemory,
		DomainSetMemoryFlags:              s.setMemoryFlags,
		DomainGetMemoryParameters:         s.getMemoryParameters,
		DomainSetMemoryParameters:         s.setMemoryParameters,
		DomainGetBlkioParameters:          s.getBlkioParameters,
		DomainSetBlkioParameters:          s.setBlkioParameters,
		DomainGetSchedulerType:            s.getSchedulerType,
		DomainGetSchedulerParameters:      s.getSchedulerParameters,
		DomainGetSchedulerParametersFlags: s.getSchedulerParametersFlags,
		DomainSetSchedulerParameters:      s.setSchedulerParameters,
		DomainSetSchedulerParametersFlags: s.setSchedulerParametersFlags,
		DomainBlockStatsFlags:             s.domainBlockStatsFlags,
		DomainSendProcessSignal:           s.sendProcessSignal,
		DomainGetHostname:                 s.domainGetHostname,

		// Domain state.
		DomainGetState:            s.getState,
		DomainGetInfo:             s.getInfo,
		DomainGetMaxMemory:        s.getMaxMemory,
		DomainGetVcpusFlags:       s.getVcpusFlags,
		DomainGetOsType:           s.getOSType,
		DomainGetXMLDesc:          s.getXMLDesc,
		DomainIsActive:            s.isActive,
		DomainIsPersistent:        s.isPersistent,
		DomainIsUpdated:           s.isUpdated,
		DomainGetAutostart:        s.getAutostart,
		DomainGetMetadata:         s.getMetadata,
		DomainHasManagedSaveImage: s.hasManagedSaveImage,
		DomainGetSecurityLabel:    s.getSecurityLabel,
		DomainGetMessages:         s.getMessages,
		ConnectGetAllDomainStats:  s.getAllDomainStats,
		DomainMemoryStats:         s.domainMemoryStats,
		DomainInterfaceStats:      s.domainInterfaceStats,
		DomainGetCPUStats:         s.domainGetCPUStats,
		DomainBlockStats:          s.domainBlockStats,
		DomainInterfaceAddresses:  s.domainInterfaceAddresses,
		NodeGetCPUStats:           s.nodeGetCPUStats,
		NodeGetMemoryStats:        s.nodeGetMemoryStats,

		// Migration (migrate.go).
		DomainMigrateBegin3Params:   s.migrateBegin3Params,
		DomainMigratePrepare3Params: s.migratePrepare3Params,
		DomainMigratePerform3Params: s.migratePerform3Params,
		DomainMigrateFinish3Params:  s.migrateFinish3Params,
		DomainMigrateConfirm3Params: s.migrateConfirm3Params,

		// Native configs.
		ConnectDomainXMLFromNative: s.domainXMLFromNative,
		ConnectDomainXMLToNative:   s.domainXMLToNative,

		// Console.
		DomainOpenConsole: s.openConsole,

		// Events.
		ConnectDomainEventCallbackRegisterAny:   s.callbackRegisterAny,
		ConnectDomainEventCallbackDeregisterAny: s.callbackDeregisterAny,
		ConnectDomainEventRegisterAny:           s.eventRegisterAny,
		ConnectDomainEventDeregisterAny:         s.eventDeregisterAny,
		ConnectDomainEventRegister:              s.eventRegister,
		ConnectDomainEventDeregister:            s.eventDeregister,

		// LXC program.
		LXCDomainOpenNamespace: s.lxcOpenNamespace,
	}
}
