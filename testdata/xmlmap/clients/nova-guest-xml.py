#!/usr/bin/python3
"""Prints the LXC guest XML that OpenStack Nova's own libvirt driver builds.

Runs Debian's python3-nova: LibvirtDriver._get_guest_config with
[libvirt] virt_type = lxc, on Nova's fake libvirt connection (from Nova's own
test fixtures), and LibvirtConfigGuest.to_xml(). The script makes the
instance, flavor, image and network objects a compute node would get from
the API; everything else is Nova's code.

  nova-guest-xml.py bridge   a bridge VIF (the Linux bridge agent)
  nova-guest-xml.py full     a tap VIF (type ethernet) plus every optional
                             element Nova writes for LXC: <vcpu cpuset>
                             ([compute] cpu_shared_set), <cputune> (flavor
                             quota:cpu_*), <idmap> ([libvirt] uid_maps,
                             gid_maps), <memoryBacking> ([libvirt]
                             file_backed_memory) and <perf> (the events
                             init_host would enable; set by the script)
  nova-guest-xml.py VARIANT CPU_MODE
                             the same with [libvirt] cpu_mode = CPU_MODE
                             (host-model or host-passthrough) and
                             cpu_model_extra_flags = -pdpe1gb, +pcid: Nova's
                             _get_guest_cpu_config then writes <cpu> with
                             the mode, the flavor's topology and the flags
                             as features. Nova's own init_host refuses any
                             cpu_mode but none for virt_type lxc ("does not
                             support selecting CPU models"), so a running
                             nova-compute never sends this; the script does
                             not call init_host.

Nova cannot give an LXC guest a NUMA topology (its _has_numa_support wants
a QEMU connection), so <cputune><vcpupin>, <emulatorpin>, <numatune> and
hugepages never reach an LXC guest.
"""
import sys
import warnings
from unittest import mock

warnings.simplefilter("ignore")
# Nova's test fixtures import test-only packages Debian does not ship with
# python3-nova; nothing used here needs them.
for m in ("wsgi_intercept", "wsgi_intercept.interceptor", "oslo_policy.fixture",
          "oslotest", "oslotest.base", "oslotest.mock_fixture", "oslotest.output",
          "oslotest.log", "oslotest.timeout", "oslotest.moxstubout", "testscenarios"):
    sys.modules.setdefault(m, mock.MagicMock())

import nova.conf  # noqa: E402
from nova import objects  # noqa: E402

objects.register_all()
import os_vif.objects  # noqa: E402

os_vif.objects.register_all()
CONF = nova.conf.CONF
CONF([], project="nova", default_config_files=[])

from nova.tests.fixtures import libvirt as fakelibvirt  # noqa: E402

fakelibvirt.LibvirtFixture(stub_os_vif=False).setUp()

from nova import context  # noqa: E402
from nova.network import model as nm  # noqa: E402
from nova.virt import fake  # noqa: E402
from nova.virt.libvirt import driver as ldriver  # noqa: E402

variant = sys.argv[1] if len(sys.argv) > 1 else "bridge"
CONF.set_override("virt_type", "lxc", "libvirt")
if len(sys.argv) > 2:
    CONF.set_override("cpu_mode", sys.argv[2], "libvirt")
    CONF.set_override("cpu_model_extra_flags", ["-pdpe1gb", "+pcid"], "libvirt")
CONF.set_override("instances_path", "/var/lib/nova/instances")
extra_specs = {}
if variant == "full":
    CONF.set_override("uid_maps", ["0:100000:65536"], "libvirt")
    CONF.set_override("gid_maps", ["0:100000:65536"], "libvirt")
    CONF.set_override("cpu_shared_set", "0-1", "compute")
    CONF.set_override("file_backed_memory", 1024, "libvirt")
    extra_specs = {"quota:cpu_shares": "2048", "quota:cpu_period": "100000",
                   "quota:cpu_quota": "50000"}

drv = ldriver.LibvirtDriver(fake.FakeVirtAPI(), True)
if variant == "full":
    drv._supported_perf_events = ["cmt", "mbml"]

flavor = objects.Flavor(name="m1.small", flavorid="2", memory_mb=512, vcpus=2,
                        root_gb=1, ephemeral_gb=0, swap=0, extra_specs=extra_specs)
inst = objects.Instance(
    uuid="8b5d6a0e-2f4c-4d4e-9a51-3c0a6f1e2b7d", id=1, os_type="linux",
    display_name="nova-lxc-test", project_id="p1", user_id="u1", flavor=flavor,
    numa_topology=None, pci_requests=objects.InstancePCIRequests(requests=[]),
    pci_devices=objects.PciDeviceList(), system_metadata={},
    image_ref="155d900f-4e14-4e4c-a73d-069cbf4541e6", kernel_id="", ramdisk_id="",
    vcpu_model=None, config_drive="", root_device_name="/dev/vda", resources=None,
    created_at=None, vm_mode=None, host="compute1", hostname="nova-lxc-test",
    launched_at=None, ephemeral_key_uuid=None, metadata={}, trusted_certs=None,
    device_metadata=None, migration_context=None, info_cache=None, root_gb=1,
    ephemeral_gb=0, memory_mb=512, vcpus=2, key_name=None, key_data=None,
    user_data=None, access_ip_v4=None, access_ip_v6=None, availability_zone=None,
    task_state=None, vm_state="building", power_state=0)
image_meta = objects.ImageMeta.from_dict(
    {"id": "155d900f-4e14-4e4c-a73d-069cbf4541e6", "disk_format": "raw", "properties": {}})
net = nm.Network(id="9c3f1b2a-6d5e-4f70-8a91-b2c3d4e5f607", bridge="br100",
                 label="private", subnets=[], meta={"mtu": 1450})
vif = nm.VIF(id="0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9", address="fa:16:3e:11:22:33",
             network=net, type="tap" if variant == "full" else "bridge",
             devname="tap0a1b2c3d-4e", vnic_type="normal", details={},
             ovs_interfaceid=None)
ctx = context.RequestContext(user_id="u1", project_id="p1")
cfg = drv._get_guest_config(inst, nm.NetworkInfo([vif]), image_meta, {"mapping": {}}, context=ctx)
sys.stdout.write(cfg.to_xml())
