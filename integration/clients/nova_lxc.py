#!/usr/bin/python3
"""Drive OpenStack Nova's libvirt driver (virt_type=lxc) against lxcvirtd.

Run by integration/nova_test.go. Nova's own code (Debian's python3-nova) does
the work: LibvirtDriver.init_host and get_available_resource, the guest XML
from Nova's config builder, and the guest's lifecycle through Nova's
Host/Guest classes and the driver's instance methods.

Protocol with the test: after each step the script prints one JSON line on
stdout ({"step", "test_called", "nova_called", "result"}) and waits for a
line on stdin before the next step, so the test can check the step's outcome
from its own side and attribute the daemon's calls to it. Nova's log goes
to stderr. A failing step reports "error" instead of "result"; after a
failing step that later steps need, the script stops; it exits 1 if any
step failed.

Nothing that talks to libvirt is mocked. Nova is configured through a
nova.conf (oslo.config) in a temp dir, and starts as nova-compute does but
with no database, conductor or RPC. The stand-ins are Nova's database reads
(listed in main; the last report gives each one's call count). Nova's
privsep helper runs for real (privsep-helper, started directly: the test
runs as root). The instance's root filesystem dir
(instances_path/<uuid>/rootfs) is prepared by the test: Nova's spawn would
mount the image there (disk.setup_container), which is the part of spawn
the script leaves out; the guest XML is Nova's, unchanged.
"""

import nova.monkey_patch  # noqa: F401  (first, as in nova-compute)

import argparse
import json
import os
import sys
import time
import traceback
import uuid
from unittest import mock

import eventlet
import os_vif
from oslo_log import log as logging

import nova.conf
import nova.db.main.api
from nova import config
from nova import context as nova_context
from nova import exception
from nova import objects
from nova import utils
from nova.compute import power_state
from nova.network import model as network_model
from nova.objects import fields
from nova.virt import event as virtevent
from nova.virt import virtapi
from nova.virt.libvirt import blockinfo
from nova.virt.libvirt import driver as libvirt_driver
from nova.virt.libvirt import guest as libvirt_guest

CONF = nova.conf.CONF

STATES = {
    power_state.NOSTATE: 'NOSTATE', power_state.RUNNING: 'RUNNING',
    power_state.PAUSED: 'PAUSED', power_state.SHUTDOWN: 'SHUTDOWN',
    power_state.CRASHED: 'CRASHED', power_state.SUSPENDED: 'SUSPENDED',
}


def write_conf(args):
    """A nova.conf as a deployer would write it for this compute host."""
    path = os.path.join(args.workdir, 'nova.conf')
    with open(path, 'w') as f:
        f.write(f"""[DEFAULT]
state_path = {args.workdir}
instances_path = {args.instances}
instance_name_template = {args.name}
compute_driver = libvirt.LibvirtDriver
host = {args.host}
my_ip = 127.0.0.1
use_stderr = true
debug = true

[oslo_concurrency]
lock_path = {os.path.join(args.workdir, 'lock')}

[libvirt]
virt_type = lxc
connection_uri = {args.uri}
wait_soft_reboot_seconds = 60

[nova_sys_admin]
helper_command = privsep-helper --config-file {path}

[vif_plug_linux_bridge_privileged]
helper_command = privsep-helper --config-file {path}
""")
    return path


class Steps:
    """Runs the steps in order, reporting each on stdout."""

    def __init__(self):
        # Reports go to a private copy of stdout; whatever else writes to
        # stdout (Nova, the privsep helpers it starts) goes to the log.
        sys.stdout.flush()
        self.out = os.fdopen(os.dup(1), 'w')
        os.dup2(2, 1)
        self.failed = False

    def emit(self, obj):
        json.dump(obj, self.out)
        self.out.write('\n')
        self.out.flush()
        if not sys.stdin.readline():
            raise SystemExit('the test went away')

    def step(self, name, test_called, nova_called, fatal=True):
        """A decorator that runs the function at once as step name and
        reports its result or error; a failing fatal step ends the run."""
        def run(fn):
            rec = {'step': name, 'test_called': test_called,
                   'nova_called': nova_called}
            try:
                rec['result'] = fn()
            except Exception as e:
                traceback.print_exc()
                rec['error'] = f'{type(e).__name__}: {e}'
                self.failed = True
                self.emit(rec)
                if fatal:
                    raise SystemExit(1)
                return
            self.emit(rec)
        return run

    def done(self, stand_ins):
        """Reports how often each database stand-in was called, and ends."""
        self.emit({'step': 'done', 'test_called': '(the database stand-ins '
                   'report their calls)', 'db_stand_ins': {
            name: m.call_count for name, m in stand_ins.items()}})
        raise SystemExit(1 if self.failed else 0)


def make_instance(ctx, args):
    """A test instance as the API and conductor would hand it to compute."""
    flavor = objects.Flavor(
        id=1, flavorid='lxc.tiny', name='lxc.tiny', memory_mb=128, vcpus=1,
        root_gb=1, ephemeral_gb=0, swap=0, rxtx_factor=1.0,
        vcpu_weight=None, disabled=False, is_public=True, extra_specs={},
        description=None)
    image = {
        'id': '00000000-0000-4000-8000-00000000beef',
        'name': 'busybox', 'disk_format': 'raw', 'container_format': 'bare',
        'min_disk': 0, 'min_ram': 0, 'size': 0,
        'properties': {'os_type': 'linux', 'hw_architecture': 'x86_64'},
    }
    inst = objects.Instance(
        context=ctx, id=1, uuid=args.uuid, host=args.host, node=args.host,
        project_id='test', user_id='test', hostname='nova-lxc',
        display_name='nova-lxc', flavor=flavor, old_flavor=None,
        new_flavor=None, instance_type_id=flavor.id,
        memory_mb=flavor.memory_mb, vcpus=flavor.vcpus, root_gb=1,
        ephemeral_gb=0, image_ref=image['id'], kernel_id='', ramdisk_id='',
        os_type='linux', architecture=fields.Architecture.X86_64,
        vm_state='building', task_state='spawning',
        power_state=power_state.NOSTATE, metadata={},
        system_metadata=utils.get_system_metadata_from_image(image, flavor),
        numa_topology=None, pci_requests=None, pci_devices=None,
        vcpu_model=None, resources=None, trusted_certs=None,
        root_device_name=None, config_drive='',
        keypairs=objects.KeyPairList(objects=[]),
        vm_mode=None, launched_at=None, created_at=None, device_metadata=None,
        availability_zone=None)
    return inst, objects.ImageMeta.from_dict(image)


def make_vif(args, n):
    """Port n on the host bridge, as Neutron's linuxbridge agent reports
    it (the bridge exists: the test made it)."""
    port = str(uuid.uuid5(uuid.NAMESPACE_URL, '%s/%d' % (args.uuid, n)))
    mac = 'fa:16:3e:' + ':'.join(port[i:i + 2] for i in (0, 2, 4))
    network = network_model.Network(
        id=str(uuid.uuid5(uuid.NAMESPACE_URL, args.bridge)),
        bridge=args.bridge, label='test', subnets=[], meta={'mtu': 1500})
    return network_model.VIF(
        id=port, address=mac, network=network,
        type=network_model.VIF_TYPE_BRIDGE,
        devname=('tap' + port)[:network_model.NIC_NAME_LEN],
        vnic_type=network_model.VNIC_TYPE_NORMAL, details={}, active=True)


def make_network_info(args):
    """The instance's one port at spawn."""
    return network_model.NetworkInfo([make_vif(args, 0)])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--uri', required=True)
    ap.add_argument('--workdir', required=True)
    ap.add_argument('--instances', required=True)
    ap.add_argument('--name', required=True)
    ap.add_argument('--uuid', required=True)
    ap.add_argument('--bridge', required=True)
    ap.add_argument('--host', default='lxcvirt-nova-test')
    args = ap.parse_args()
    s = Steps()

    conf = write_conf(args)
    config.parse_args([sys.argv[0], '--config-file', conf],
                      configure_db=False, init_rpc=False)
    # As nova-compute's main does, minus the conductor and RPC.
    logging.setup(CONF, 'nova')
    objects.register_all()
    os_vif.initialize()
    nova.db.main.api.DISABLE_DB_ACCESS = True

    drv = libvirt_driver.LibvirtDriver(virtapi.VirtAPI(), False)
    ctx = nova_context.get_admin_context()
    inst = image_meta = xml = None
    network_info = make_network_info(args)

    # Nova's database, which this test has none of: the host's instances
    # (init_host: none yet), its compute service record (read when the
    # libvirt connection comes up, to enable the service), and, in the
    # resource update with domains present, the instances by uuid (the test
    # instance) and their block device mappings (none: no volumes).
    db_stand_ins = {
        'InstanceList.get_by_filters': mock.patch.object(
            objects.InstanceList, 'get_by_filters',
            side_effect=lambda *a, **kw: objects.InstanceList(
                objects=[inst] if inst else [])).start(),
        'BlockDeviceMappingList.bdms_by_instance_uuid': mock.patch.object(
            objects.BlockDeviceMappingList, 'bdms_by_instance_uuid',
            return_value={}).start(),
        'InstanceList.get_by_host': mock.patch.object(
            objects.InstanceList, 'get_by_host',
            return_value=objects.InstanceList(objects=[])).start(),
        'Service.get_by_compute_host': mock.patch.object(
            objects.Service, 'get_by_compute_host',
            return_value=objects.Service(host=args.host,
                                         disabled=False)).start(),
        # attach_interface's device metadata: the instance's virtual
        # interfaces and volumes (no tagged ones), and the save of the
        # result.
        'VirtualInterfaceList.get_by_instance_uuid': mock.patch.object(
            objects.VirtualInterfaceList, 'get_by_instance_uuid',
            return_value=objects.VirtualInterfaceList(objects=[])).start(),
        'BlockDeviceMappingList.get_by_instance_uuid': mock.patch.object(
            objects.BlockDeviceMappingList, 'get_by_instance_uuid',
            return_value=objects.BlockDeviceMappingList(objects=[])).start(),
        'Instance.save': mock.patch.object(objects.Instance, 'save').start(),
    }

    def info():
        return STATES.get(drv.get_info(inst).state, 'unknown')

    # The instance's lifecycle events as Nova's Host delivers them to the
    # compute manager (Stopped is held back 15 s in case a Started follows,
    # as in a reboot, so only the prompt ones are waited for).
    events = []

    def on_event(ev):
        if (isinstance(ev, virtevent.LifecycleEvent) and
                ev.get_instance_uuid() == args.uuid):
            events.append(str(virtevent.NAMES[ev.get_transition()]))

    drv.register_event_listener(on_event)

    def took(want=None):
        """The events delivered since the last call; first waits (up to
        30 s, letting Nova's event thread run) for one named want."""
        deadline = time.monotonic() + 30
        while want and want not in events and time.monotonic() < deadline:
            eventlet.sleep(0.05)
        got = events[:]
        del events[:]
        return got

    @s.step('init_host', 'LibvirtDriver(virtapi, False).init_host(host)',
            'Host.initialize (connect, event thread), capabilities, '
            'version checks, domain capabilities, mdev scan')
    def _():
        drv.init_host(args.host)
        return {'hypervisor_type': drv._host.get_driver_type()}

    @s.step('get_available_resource',
            'driver.get_available_resource(nodename)',
            'host info, CPU map, capabilities, domain list, node devices',
            fatal=False)
    def _():
        res = drv.get_available_resource(args.host)
        keep = ('vcpus', 'memory_mb', 'memory_mb_used', 'vcpus_used',
                'hypervisor_type', 'hypervisor_version',
                'hypervisor_hostname')
        out = {k: res[k] for k in keep}
        out['cpu_info'] = json.loads(res['cpu_info'])
        return out

    @s.step('guest_xml', 'blockinfo.get_disk_info(); driver._get_guest_xml('
            'ctx, instance, network_info, disk_info, image_meta) (one '
            'port on the test\'s bridge)',
            "Nova's guest config builder, as in spawn")
    def _():
        nonlocal inst, image_meta, xml
        inst, image_meta = make_instance(ctx, args)
        disk_info = blockinfo.get_disk_info(CONF.libvirt.virt_type, inst,
                                            image_meta)
        xml = drv._get_guest_xml(ctx, inst, network_info, disk_info,
                                 image_meta)
        return {'xml': xml}

    @s.step('define', 'driver.plug_vifs(instance, network_info); '
            'Guest.create(xml, host)', 'os-vif linux_bridge plug (the '
            'network asks for no bridge to be made: nothing to do); '
            'Host.write_instance_config -> defineXML')
    def _():
        drv.plug_vifs(inst, network_info)
        guest = libvirt_guest.Guest.create(xml, drv._host)
        return {'name': guest.name, 'uuid': guest.uuid,
                'power_state': info()}

    @s.step('launch', 'host.get_guest(instance).launch(); '
            'driver.get_info(instance)', 'lookup, createWithFlags')
    def _():
        drv._host.get_guest(inst).launch()
        return {'power_state': info(), 'events': took('Started')}

    @s.step('console_output', 'driver.get_console_output(ctx, instance)',
            'live XML; console log file or pty read (via privsep)',
            fatal=False)
    def _():
        out = drv.get_console_output(ctx, inst)
        if isinstance(out, bytes):
            out = out.decode('utf-8', 'replace')
        return {'output': out}

    @s.step('set_metadata', 'instance.display_name = "nova-lxc-renamed"; '
            'host.get_guest(instance).set_metadata(driver.'
            '_get_guest_config_meta(instance, network_info)), as '
            'attach_interface does',
            'setMetadata of nova:instance (flags 0: the running domain)',
            fatal=False)
    def _():
        inst.display_name = 'nova-lxc-renamed'
        drv._host.get_guest(inst).set_metadata(
            drv._get_guest_config_meta(inst, network_info))
        return {}

    @s.step('resources_running', 'driver.get_available_resource(nodename)',
            'the periodic resource update with the instance running: '
            'also each domain\'s vcpus and XML', fatal=False)
    def _():
        res = drv.get_available_resource(args.host)
        return {k: res[k] for k in ('vcpus', 'vcpus_used', 'memory_mb',
                                    'memory_mb_used')}

    hot_vif = make_vif(args, 1)

    @s.step('attach_interface', 'driver.attach_interface(ctx, instance, '
            'image_meta, vif) (a second port on the test\'s bridge)',
            'os-vif linux_bridge plug, Guest.attach_device -> '
            'attachDeviceFlags(CONFIG|LIVE), device metadata from the live '
            'XML, setMetadata', fatal=False)
    def _():
        inst.info_cache = objects.InstanceInfoCache(
            network_info=network_model.NetworkInfo(
                list(network_info) + [hot_vif]))
        drv.attach_interface(ctx, inst, image_meta, hot_vif)
        return {'mac': hot_vif['address'], 'tap': hot_vif['devname']}

    # What Nova's detach waits for: the device-removed event of the
    # interface's alias (DeviceRemovedEvent), or nothing within
    # [libvirt]device_detach_timeout (then it retries).
    detach_waits = []
    wait = drv._device_event_handler.wait

    def waited(waiter, timeout):
        ev = wait(waiter, timeout)
        detach_waits.append(type(ev).__name__ if ev else None)
        return ev

    @s.step('detach_interface', 'driver.detach_interface(ctx, instance, '
            'vif)', 'live XML lookup, detachDeviceFlags(CONFIG), then '
            'detachDeviceFlags(LIVE) and a wait for the device-removed '
            'event of the alias, os-vif unplug, setMetadata', fatal=False)
    def _():
        with mock.patch.object(drv._device_event_handler, 'wait',
                               side_effect=waited):
            drv.detach_interface(ctx, inst, hot_vif)
        inst.info_cache = objects.InstanceInfoCache(
            network_info=network_info)
        return {'detach_waits': detach_waits}

    @s.step('pause', 'driver.pause(instance); driver.get_info(instance)',
            'Guest.pause -> suspend')
    def _():
        drv.pause(inst)
        return {'power_state': info(), 'events': took('Paused')}

    @s.step('unpause', 'driver.unpause(instance); driver.get_info(instance)',
            'Guest.resume, Guest.sync_guest_time (setTime; a '
            'failure is only logged)')
    def _():
        drv.unpause(inst)
        return {'power_state': info(), 'events': took('Resumed')}

    @s.step('reboot', 'driver._soft_reboot(instance) (reboot SOFT without '
            'the hard-reboot fallback)', 'Guest.shutdown, poll state and id, '
            'Guest.launch, wait running')
    def _():
        return {'rebooted': drv._soft_reboot(inst), 'power_state': info(),
                'events': took('Started')}

    @s.step('power_off', 'driver.power_off(instance, timeout=60, '
            'retry_interval=5)', 'clean shutdown (Guest.shutdown, poll), '
            '_destroy (Guest.poweroff, wait for destroy, container teardown)')
    def _():
        drv.power_off(inst, timeout=60, retry_interval=5)
        return {'power_state': info(), 'events': took()}

    @s.step('power_on', 'host.get_guest(instance).launch() (power_on '
            'without the hard reboot\'s image and disk setup)',
            'lookup, createWithFlags')
    def _():
        drv._host.get_guest(inst).launch()
        return {'power_state': info(), 'events': took('Started')}

    @s.step('destroy', 'driver._destroy(instance) (driver.destroy, first '
            'half)', 'Guest.poweroff -> destroy, wait for destroy, container '
            'teardown')
    def _():
        drv._destroy(inst)
        return {'power_state': info(), 'events': took()}

    @s.step('undefine', 'driver.cleanup(ctx, instance, network_info, '
            'destroy_disks=False) (driver.destroy, second half)',
            'unplug vifs (os-vif linux_bridge: nothing to undo), '
            'Guest.delete_configuration: '
            'undefineFlags(MANAGED_SAVE), on error undefine')
    def _():
        drv.cleanup(ctx, inst, network_info, destroy_disks=False)
        try:
            drv.get_info(inst)
        except exception.InstanceNotFound as e:
            return {'power_state': type(e).__name__}
        return {'power_state': info()}

    s.done(db_stand_ins)


if __name__ == '__main__':
    main()
