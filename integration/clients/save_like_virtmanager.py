#!/usr/bin/python3
"""What virt-manager's Save and Force Reset do, with libvirt-python.

virt-manager (virtManager/object/domain.py) saves a guest with
managedSave(0) in a job while a progress thread polls jobInfo(); it shows
the guest as saved when hasManagedSaveImage(0) says so, runs it with
create(), and resets it with reset(0).

Usage: save_like_virtmanager.py URI NAME; prints one line per step.
"""
import sys
import threading

import libvirt

uri, name = sys.argv[1], sys.argv[2]
conn = libvirt.open(uri)
dom = conn.lookupByName(name)
print("has managed save before:", dom.hasManagedSaveImage(0))

errors = []
infos = []
done = threading.Event()


def progress():
    while not done.is_set():
        try:
            infos.append(dom.jobInfo()[0])
        except libvirt.libvirtError as e:
            errors.append(str(e))
        done.wait(0.01)


t = threading.Thread(target=progress)
t.start()
try:
    dom.managedSave(0)
finally:
    done.set()
    t.join()
if errors:
    sys.exit("jobInfo failed: %s" % errors[0])
print("job types seen:", sorted(set(infos)))
state, reason = dom.state()
print("state after save:", state, reason)
print("has managed save after:", dom.hasManagedSaveImage(0))
dom.create()
state, reason = dom.state()
print("state after create:", state, reason)
print("has managed save after create:", dom.hasManagedSaveImage(0))
old = dom.ID()
dom.reset(0)
print("reset from id", old)
