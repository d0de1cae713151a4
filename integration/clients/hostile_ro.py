#!/usr/bin/python3
"""A hostile local client of lxcvirtd's read-only socket (run it as an
unprivileged user). Prints one JSON line with what it achieved, then holds
its connections until its stdin closes.

usage: hostile_ro.py flood SOCKET N
    Opens up to N connections, each making CONNECT_OPEN while the server
    still answers; the rest only connect. Counts "opened" (the server
    answered), "pending" (connected, unanswered: accepted but not served,
    or waiting in the listen backlog) and "refused" (connect failed).
usage: hostile_ro.py partial SOCKET N SIZE OPEN
    Opens N connections (making CONNECT_OPEN first when OPEN is 1); each
    announces a SIZE-byte packet and sends all of it but the last byte.
    Counts "held" (every byte went out) and "dropped" (the server closed
    the connection or answered with an error first).
"""
import errno
import json
import socket
import struct
import sys

PROGRAM = 0x20008086
PROC_CONNECT_OPEN = 1


def packet(proc, serial, payload, length=None):
    n = 28 + len(payload) if length is None else length
    return struct.pack(">IIIiiII", n, PROGRAM, 1, proc, 0, serial, 0) + payload


def open_call(serial):
    # remote_connect_open_args: a NULL name (optional string, absent), flags 0.
    return packet(PROC_CONNECT_OPEN, serial, struct.pack(">II", 0, 0))


def read_reply(s, timeout):
    s.settimeout(timeout)
    try:
        head = b""
        while len(head) < 4:
            chunk = s.recv(4 - len(head))
            if not chunk:
                return None
            head += chunk
        n = struct.unpack(">I", head)[0]
        body = b""
        while len(body) < n - 4:
            chunk = s.recv(n - 4 - len(body))
            if not chunk:
                return None
            body += chunk
        return struct.unpack(">IIIiiII", head + body[:24])[6]  # status
    except (socket.timeout, OSError):
        return None


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.setblocking(False)
    try:
        s.connect(path)
    except OSError as e:
        s.close()
        if e.errno in (errno.EAGAIN, errno.ECONNREFUSED, errno.EMFILE, errno.ENFILE):
            return None
        raise
    s.setblocking(True)
    return s


def flood(path, n):
    held, res = [], {"opened": 0, "pending": 0, "refused": 0}
    answering = True
    for i in range(n):
        s = connect(path)
        if s is None:
            res["refused"] += 1
            continue
        held.append(s)
        if answering:
            s.sendall(open_call(1))
            if read_reply(s, 2.0) == 0:
                res["opened"] += 1
                continue
            answering = False
        res["pending"] += 1
    return held, res


def partial(path, n, size, do_open):
    held, res = [], {"held": 0, "dropped": 0}
    for i in range(n):
        s = connect(path)
        if s is None:
            res["dropped"] += 1
            continue
        held.append(s)
        if do_open:
            s.sendall(open_call(1))
            if read_reply(s, 10.0) != 0:
                res["dropped"] += 1
                continue
        data = packet(PROC_CONNECT_OPEN, 2, b"", length=size)
        data += b"\0" * (size - 1 - len(data))
        try:
            s.settimeout(30)
            s.sendall(data)
        except OSError:
            res["dropped"] += 1
            continue
        res["held"] += 1
    return held, res


def main():
    mode, path = sys.argv[1], sys.argv[2]
    if mode == "flood":
        held, res = flood(path, int(sys.argv[3]))
    else:
        held, res = partial(path, int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == "1")
    print(json.dumps(res), flush=True)
    sys.stdin.read()
    for s in held:
        s.close()


main()
