#!/usr/bin/python3
"""virt-manager's snapshot view, its calls in the order it makes them.

Runs virt-manager's own backend code (virtinst's DomainSnapshot, as
virtManager/details/snapshots.py and virtManager/object/domain.py use it)
against a connection: the support probe, a new snapshot from the New
Snapshot dialog's XML (internal mode: flags 0), the list with each
snapshot's parsed XML and current flag, the current snapshot, a revert and
a delete. Prints one line per step; exits non-zero on the first failure.
Usage: vmm_snapshots.py URI DOMAIN SNAPSHOT
"""
import sys

sys.path.insert(0, "/usr/share/virt-manager")

import libvirt  # noqa: E402
from virtinst import DomainSnapshot, VirtinstConnection  # noqa: E402


def main():
    uri, name, snapname = sys.argv[1:4]
    conn = VirtinstConnection(uri)
    conn.open(None, None)
    dom = conn.lookupByName(name)
    if not conn.support.domain_list_snapshots(dom):
        sys.exit("snapshots not supported")
    print("supported")

    # _validate_new_snapshot, then vmmDomain.create_snapshot: flags 0.
    snap = DomainSnapshot(conn)
    snap.name = snapname
    snap.description = "from virt-manager"
    snap.validate_generic_name("Snapshot", snap.name)
    created = dom.snapshotCreateXML(snap.get_xml(), 0)
    print("created", created.getName())

    # list_snapshots and each row's state; get_current_snapshot.
    for raw in dom.listAllSnapshots():
        x = DomainSnapshot(conn, parsexml=raw.getXMLDesc(0))
        external = x.memory_type == "external" or any(d.snapshot == "external" for d in x.disks)
        print("listed", raw.getName(), x.state, "external" if external else "internal",
              "current" if raw.isCurrent() else "-", x.description)
    if not dom.hasCurrentSnapshot(0):
        sys.exit("no current snapshot")
    cur = dom.snapshotCurrent(0)
    print("current", cur.getName())

    # revert_to_snapshot, then the snapshot's delete.
    dom.revertToSnapshot(cur)
    print("reverted", dom.state()[0] == libvirt.VIR_DOMAIN_SHUTOFF and "shutoff" or "active")
    cur.delete()
    print("deleted", len(dom.listAllSnapshots()))


if __name__ == "__main__":
    main()
