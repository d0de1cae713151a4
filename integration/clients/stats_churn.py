#!/usr/bin/python3
"""Polls getAllDomainStats (and domainListGetStats on the listed domains) on
one connection while another connection creates and destroys transient
domains, as virt-manager and the prometheus exporter poll while a user
works. Prints one JSON object: the number of polls, the errors they got,
the create/destroy cycles done and how many polls saw a transient domain.

usage: stats_churn.py URI DOMAIN_XML_FILE CYCLES
The XML's <name> is suffixed with the cycle number.
"""
import json
import sys
import threading

import libvirt


def churn(uri, xml, cycles, result, seen, done):
    conn = libvirt.open(uri)
    try:
        for i in range(cycles):
            seen.clear()
            result["current"] = "%s%d" % (result["prefix"], i)
            dom = conn.createXML(xml.replace("</name>", "-%d</name>" % i, 1), 0)
            # Destroy it only once a poll has seen it, so polls overlap
            # both its life and its removal in every cycle.
            if not seen.wait(60):
                result["churn_error"] = "no poll saw %s within a minute" % dom.name()
                break
            dom.destroy()
            result["cycles"] += 1
    except libvirt.libvirtError as e:
        result["churn_error"] = str(e)
    finally:
        done.set()
        conn.close()


def main():
    uri, xml_file, cycles = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(xml_file) as f:
        xml = f.read()
    prefix = xml.split("<name>", 1)[1].split("</name>", 1)[0] + "-"
    result = {"polls": 0, "errors": [], "cycles": 0, "saw_transient": 0, "prefix": prefix, "current": None}
    seen, done = threading.Event(), threading.Event()
    conn = libvirt.open(uri)
    worker = threading.Thread(target=churn, args=(uri, xml, cycles, result, seen, done))
    worker.start()
    while not done.is_set():
        for call in ("all", "list"):
            try:
                if call == "all":
                    recs = conn.getAllDomainStats()
                else:
                    doms = conn.listAllDomains()
                    recs = conn.domainListGetStats(doms) if doms else []
            except libvirt.libvirtError as e:
                result["errors"].append("%s: %s" % (call, e))
                continue
            finally:
                result["polls"] += 1
            names = [d.name() for d, _ in recs]
            if any(n.startswith(prefix) for n in names):
                result["saw_transient"] += 1
            if result["current"] in names:
                seen.set()
    worker.join()
    conn.close()
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
