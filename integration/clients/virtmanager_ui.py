#!/usr/bin/python3
"""Drive the real virt-manager through its accessibility tree.

Run by integration/virtmanager_test.go inside a D-Bus session
(dbus-run-session) on an Xvfb display, as virt-manager's own UI tests run
it: dogtail finds the widgets on the at-spi bus, presses buttons through
their accessible actions and types with synthesized key events.

Scenario "connections": virt-manager opened on one connection adds a
second through File -> Add Connection; its list shows each connection
with its own running guest (a QEMU guest and a container).

Scenario "snapshots": the details window of a running container, opened
from the manager's list; its toolbar's Snapshots view lists a snapshot
taken before; Force Off; New Snapshot (the Create snapshot window) of the
shut-off guest is listed and selected; Run; Run selected snapshot (the
shut-off snapshot: the guest stops, its root filesystem comes back).

Scenario "save": the details window of a running container; Save from
the shutdown menu shows it saved (the Run button reads Restore, the
manager's row "Saved"); Restore runs it again; Force Reset (confirmed)
restarts it.

Scenario "container": New VM -> Operating system container -> an existing
root directory -> Finish; a shell command typed into the text console of
the details window prints its output; the title edited on the running
guest (Details -> Overview -> Apply) is saved with no "takes effect after
the next guest shutdown" dialog; Reboot from the toolbar menu; the console
still runs commands after the reboot.

At each checkpoint the script prints "STEP <name> [value]" and waits for
one line on stdin: "ok" to go on (the Go test checked the host side), or
anything else to stop. Checks that fail without making later ones
meaningless are collected and the script goes on; it exits 1 listing them,
or at once on a failure that leaves nothing more to check. A screenshot and
the accessible tree of every window are saved into --artifacts on failure.
"""

import argparse
import os
import re
import signal
import subprocess
import sys
import time

import gi


def parse_args():
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--log", required=True, help="file for virt-manager's --debug output")
    common.add_argument("--artifacts", required=True, help="directory for screenshots")
    common.add_argument("--prefix", default="virtmanager", help="artifact file name prefix")
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="scenario", required=True)
    c = sub.add_parser("container", parents=[common], help="New VM -> container, console, title, reboot")
    c.add_argument("--uri", required=True, help="connection URI virt-manager opens")
    c.add_argument("--vm", required=True, help="name for the new container")
    c.add_argument("--rootfs", required=True, help="existing OS root directory")
    c.add_argument("--title", required=True, help="title to set on the running guest")
    n = sub.add_parser("connections", parents=[common], help="two connections, each with its running guest")
    n.add_argument("--uri", required=True, help="connection URI virt-manager opens")
    n.add_argument("--add", required=True, help="hypervisor to pick in File -> Add Connection")
    n.add_argument("--expect", required=True, action="append", metavar="CONNECTION=GUEST",
                   help="a running guest the manager must list under the connection's label")
    s = sub.add_parser("snapshots", parents=[common], help="the snapshot view: New Snapshot, Run selected snapshot")
    s.add_argument("--uri", required=True, help="connection URI virt-manager opens")
    s.add_argument("--vm", required=True, help="the running container to open")
    s.add_argument("--seen", required=True, help="a snapshot the view must list when it opens")
    s.add_argument("--snapshot", required=True, help="name for the snapshot New Snapshot takes")
    v = sub.add_parser("save", parents=[common], help="Save, Restore and Force Reset from the details window")
    v.add_argument("--uri", required=True, help="connection URI virt-manager opens")
    v.add_argument("--vm", required=True, help="the running container to open")
    return p.parse_args()


# Parsed before dogtail loads GTK, whose initialisation takes options such
# as --name and --display out of sys.argv.
ARGS = parse_args()

gi.require_version("Atspi", "2.0")

import dogtail.config  # noqa: E402

dogtail.config.config.logDebugToStdOut = False
dogtail.config.config.logDebugToFile = False
# Searches are single attempts: wait() below polls them with a deadline.
dogtail.config.config.searchCutoffCount = 1
dogtail.config.config.searchBackoffDuration = 0.1
dogtail.config.config.actionDelay = 0.1
dogtail.config.config.defaultDelay = 0.1
dogtail.config.config.typingDelay = 0.02

import dogtail.tree  # noqa: E402
import pyatspi  # noqa: E402

# dogtail replaces the excepthook and hides tracebacks when its logging is off.
sys.excepthook = sys.__excepthook__

VIRT_MANAGER = "/usr/bin/virt-manager"


def selected(node):
    """Whether the table cell's row is selected (its state, as virt-manager's tests read it)."""
    return node.getState().contains(pyatspi.STATE_SELECTED)


class Failure(Exception):
    """A check failed; the message says what was expected and what was seen."""


class Driver:
    def __init__(self, args):
        self.args = args
        self.proc = None
        self.logfile = None
        self.soft = []  # failures that did not stop the run

    # ---- virt-manager process ----

    def launch(self, uri):
        """Start virt-manager connected to uri, with its debug log in --log."""
        self.logfile = open(self.args.log, "w")
        cmd = [sys.executable, VIRT_MANAGER, "--debug", "--no-fork", "--connect", uri]
        self.proc = subprocess.Popen(cmd, stdout=self.logfile, stderr=subprocess.STDOUT)
        print("virt-manager started (pid %d): %s" % (self.proc.pid, " ".join(cmd)), flush=True)

    def stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def check_alive(self):
        if self.proc is not None and self.proc.poll() is not None:
            raise Failure("virt-manager exited with status %d" % self.proc.returncode)

    # ---- waiting and finding ----

    def wait(self, what, fn, timeout=30.0):
        """Poll fn until it returns something true; fail after timeout."""
        deadline = time.monotonic() + timeout
        last = None
        while True:
            self.check_alive()
            try:
                got = fn()
                if got:
                    return got
            except Failure:
                raise
            except Exception as e:  # the tree changes under us: retry
                last = e
            if time.monotonic() > deadline:
                msg = "no %s within %gs" % (what, timeout)
                if last is not None:
                    msg += " (last error: %s)" % last
                raise Failure(msg)
            time.sleep(0.1)

    def app(self):
        """The accessible application of the virt-manager this script started."""
        pid = self.proc.pid
        return self.wait(
            "virt-manager (pid %d) on the accessibility bus" % pid,
            lambda: dogtail.tree.root.findChild(
                lambda n: n.roleName == "application" and n.get_process_id() == pid,
                recursive=False, retry=False, requireResult=False),
            timeout=60)

    def window(self, pattern, role="frame", timeout=30.0):
        """The top-level window whose title and role match the patterns."""
        rx, rrx = re.compile(pattern), re.compile(role)
        return self.wait(
            "window %r" % pattern,
            lambda: self.app().findChild(
                lambda n: rrx.fullmatch(n.roleName) and rx.fullmatch(n.name) and n.showing,
                recursive=False, retry=False, requireResult=False),
            timeout)

    def find(self, parent, what, pred, timeout=30.0):
        return self.wait(
            what,
            lambda: parent.findChild(pred, retry=False, requireResult=False, showingOnly=True),
            timeout)

    def named(self, parent, name, role, timeout=30.0):
        return self.find(parent, "%s %r" % (role, name),
                         lambda n: n.roleName == role and n.name == name, timeout)

    def labelled(self, parent, label, role="text"):
        """The widget of role whose label reads label (as virt-manager's tests find entries)."""
        def pred(n):
            if n.roleName != role:
                return False
            lab = n.labeller
            return lab is not None and not isinstance(lab, list) and lab.name == label
        return self.find(parent, "%s labelled %r" % (role, label), pred)

    def press(self, node):
        """Activate a button through its accessible action."""
        self.wait("%s %r sensitive" % (node.roleName, node.name), lambda: node.sensitive)
        node.doActionNamed("click")

    def click(self, node):
        """Click a widget with the pointer (a synthesized X event), as
        virt-manager's own tests do. Needed where the click opens a modal
        dialog: its nested main loop would run inside the accessible
        action's D-Bus call, and the application would answer no
        accessibility call until the dialog closed."""
        self.wait("%s %r sensitive and showing" % (node.roleName, node.name),
                  lambda: node.sensitive and node.showing)
        node.click()

    def alerts(self):
        return [w for w in self.app().children if w.roleName == "alert" and w.showing]

    @staticmethod
    def labels(node):
        return [n.name for n in node.findChildren(lambda n: n.roleName == "label" and n.name)]

    # ---- protocol with the Go test ----

    def step(self, name, value=""):
        print(("STEP %s %s" % (name, value)).rstrip(), flush=True)
        reply = sys.stdin.readline().strip()
        if reply != "ok":
            raise Failure("the test stopped after step %s: %s" % (name, reply or "EOF"))

    def soft_fail(self, msg):
        print("FAIL: %s" % msg, file=sys.stderr, flush=True)
        self.soft.append(msg)
        self.screenshot("failure-%d" % len(self.soft))

    # ---- artifacts ----

    def screenshot(self, tag):
        path = os.path.join(self.args.artifacts, "%s-%s.png" % (self.args.prefix, tag))
        r = subprocess.run(["import", "-window", "root", path], capture_output=True, text=True)
        if r.returncode != 0:
            print("screenshot %s failed: %s" % (path, r.stderr.strip()), file=sys.stderr, flush=True)
            return
        print("screenshot: %s" % path, flush=True)

    def dump_tree(self):
        path = os.path.join(self.args.artifacts, "%s-a11y-tree.txt" % self.args.prefix)
        lines = []

        def walk(n, depth):
            try:
                text = ""
                if n.roleName in ("text", "terminal", "label"):
                    text = " text=%r" % n.text[-300:]
                lines.append("%s%r role=%r showing=%s sensitive=%s%s" % (
                    "  " * depth, n.name, n.roleName, n.showing, n.sensitive, text))
                for c in n.children:
                    walk(c, depth + 1)
            except Exception as e:
                lines.append("%s<error: %s>" % ("  " * depth, e))

        try:
            for w in self.app().children:
                walk(w, 0)
        except Exception as e:
            lines.append("<no tree: %s>" % e)
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        print("accessible tree: %s" % path, flush=True)

    # ---- console ----

    def shell(self, term, probe, timeout):
        """Type `echo probe-$((6*7))` into the console terminal and wait for
        probe-42 followed by a new shell prompt. The typed line itself echoes
        as $((6*7)), so the output proves the guest's shell ran it. Typing is
        repeated every few seconds until the deadline: keys typed while the
        console stream is not attached go nowhere."""
        want = re.compile(re.escape(probe) + r"-42\s*\n/ # ")
        deadline = time.monotonic() + timeout
        while True:
            self.check_alive()
            term.click()  # the pointer over the terminal: X gives it the keys
            self.wait("keyboard focus in the console terminal", lambda: term.focused, 10)
            term.typeText("echo %s-$((6*7))\n" % probe)
            retype = min(deadline, time.monotonic() + 5)
            while time.monotonic() < retype:
                if want.search(term.text):
                    return
                time.sleep(0.1)
            if time.monotonic() >= deadline:
                raise Failure("the console did not answer `echo %s-$((6*7))` with %s-42 and a prompt "
                              "within %gs; the terminal shows:\n%s" % (probe, probe, timeout, term.text.strip()))

    # ---- scenario: a container from the New VM wizard ----

    def container(self):
        a = self.args
        self.launch(a.uri)
        manager = self.window("Virtual Machine Manager", timeout=60)
        self.press(self.named(manager, "New", "push button"))

        wiz = self.window("New VM")
        page = self.named(wiz, "pagenum-label", "label")
        self.press(self.named(wiz, "Operating system container", "radio button"))
        self.next_page(wiz, page, "Step 2 of 4")
        self.labelled(wiz, "Provide the existing OS root directory:").text = a.rootfs
        self.next_page(wiz, page, "Step 3 of 4")
        self.next_page(wiz, page, "Step 4 of 4")
        self.labelled(wiz, "Name:").text = a.vm
        # The connection's network "default" is the wizard's pick (its
        # netlist.py picks a virtual network named default when the host's
        # default route is on no bridge): no device name to type.
        self.press(self.named(wiz, "Finish", "push button"))

        details = self.wait(
            "details window of %s (or an error dialog)" % a.vm,
            lambda: self.created(a.vm), timeout=90)
        self.step("running", a.vm)

        term = self.named(details, "Serial Terminal", "terminal")
        self.shell(term, "vm", 30)
        self.screenshot("console")
        self.step("console")

        self.edit_title(details, a.title)
        self.step("titled", a.title)

        self.press(self.named(details, "Console", "radio button"))
        term = self.named(details, "Serial Terminal", "terminal")
        menu = self.named(details, "Menu", "toggle button")
        self.press(menu)
        self.press(self.find(menu, "menu item 'Reboot'",
                             lambda n: n.roleName == "menu item" and n.name == "Reboot" and n.showing))
        self.step("rebooted")
        try:
            self.shell(term, "rebooted", 60)
            self.screenshot("rebooted")
        except Failure as e:
            self.soft_fail("after Reboot: %s" % e)

    # ---- scenario: two connections side by side ----

    def connections(self):
        a = self.args
        want = [e.split("=", 1) for e in a.expect]
        self.launch(a.uri)
        manager = self.window("Virtual Machine Manager", timeout=60)
        self.named(manager, want[0][0], "table cell", 60)  # the first connection is open

        self.press(self.named(manager, "File", "menu"))
        self.press(self.named(manager, "Add Connection...", "menu item"))
        dialog = self.window("Add Connection", "dialog")
        combo = self.named(dialog, "Hypervisor Select", "combo box")
        combo.doActionNamed("press")
        self.press(self.named(combo, a.add, "menu item"))
        uri = self.named(dialog, "uri-label", "label")
        print("Add Connection: %s -> %s" % (a.add, uri.text), flush=True)
        self.press(self.named(dialog, "Connect", "push button"))

        def listed():
            alerts = self.alerts()
            if alerts:
                raise Failure("connecting showed an error: %s" % " / ".join(self.labels(alerts[0])))
            rows = self.vm_rows(manager)
            return all("%s\nRunning" % guest in rows.get(conn, []) for conn, guest in want) and rows

        rows = self.wait("manager list with %s" % ", ".join(a.expect), listed, 60)
        print("manager list: %s" % rows, flush=True)
        self.screenshot("connections")
        self.step("listed", " ".join(sorted(rows)))

    # ---- the details window of an existing guest ----

    def open_details(self, manager, vm, status):
        """Select the guest's row in the manager's list (its cell reads
        "vm\nstatus") and press Open; returns the details window."""
        vmlist = self.named(manager, "vm-list", "tree table", 60)
        cell = self.find(vmlist, "row %r" % ("%s\n%s" % (vm, status)),
                         lambda n: n.roleName == "table cell" and n.name == "%s\n%s" % (vm, status), 60)
        cell.click()
        self.wait("row of %s selected" % vm, lambda: selected(cell))
        self.press(self.named(manager, "Open", "push button"))
        return self.window(re.escape(vm) + " on .*")

    def shutdown_menu(self, details, item):
        """Pick item of the toolbar's shutdown menu (the arrow by Shut Down)."""
        menu = self.named(details, "Menu", "toggle button")
        self.click(menu)
        self.click(self.find(menu, "menu item %r" % item,
                             lambda n: n.roleName == "menu item" and n.name == item and n.showing))

    def answer(self, text, button):
        """Wait for virt-manager's dialog whose label holds text and press button."""
        def dialog():
            for alert in self.alerts():
                labels = self.labels(alert)
                if any(text in label for label in labels):
                    return alert
                raise Failure("a dialog other than %r: %s" % (text, " / ".join(labels)))
        alert = self.wait("dialog %r" % text, dialog)
        self.press(self.named(alert, button, "push button"))
        self.wait("the dialog %r to close" % text, lambda: not alert.showing)

    def no_error(self, what, fn):
        """fn for wait(), failing at once on an error dialog."""
        def check():
            alerts = self.alerts()
            if alerts:
                raise Failure("%s showed a dialog: %s" % (what, " / ".join(self.labels(alerts[0]))))
            return fn()
        return check

    def snapshot_cell(self, details, name):
        """The snapshot's cell in the list (its first line is the name);
        the list is rebuilt on every state change, so look it up anew."""
        lst = self.find(details, "the snapshot list", lambda n: n.name == "snapshot-list" and
                        n.roleName in ("table", "tree table"))
        return self.find(lst, "snapshot %r in the list" % name,
                         lambda n: n.roleName == "table cell" and n.name.split("\n")[0] == name)

    def snapshot_selected(self, details, name):
        self.wait("snapshot %r selected" % name, lambda: selected(self.snapshot_cell(details, name)))

    # ---- scenario: the snapshot view ----

    def snapshots(self):
        a = self.args
        self.launch(a.uri)
        manager = self.window("Virtual Machine Manager", timeout=60)
        details = self.open_details(manager, a.vm, "Running")
        self.step("opened", a.vm)

        # The toolbar's Snapshots button lists the snapshot taken before.
        self.press(self.named(details, "Snapshots", "radio button"))
        self.snapshot_cell(details, a.seen)
        self.screenshot("snapshots")
        self.step("listed", a.seen)

        # Force Off (confirmed), then New Snapshot of the shut-off guest.
        self.shutdown_menu(details, "Force Off")
        self.answer("Are you sure you want to force poweroff", "Yes")
        run = self.named(details, "Run", "push button")
        self.wait("Run sensitive after Force Off", self.no_error("Force Off", lambda: run.sensitive), 60)
        self.step("off")

        self.press(self.named(details, "snapshot-add", "push button"))
        new = self.window("Create snapshot", "dialog|frame")
        self.labelled(new, "Name:").text = a.snapshot
        self.press(self.named(new, "Finish", "push button"))
        self.wait("the Create snapshot window to close",
                  self.no_error("New Snapshot", lambda: not new.showing), 60)
        self.snapshot_selected(details, a.snapshot)
        self.screenshot("created")
        self.step("created", a.snapshot)

        # Run the guest again (the test changed its root filesystem
        # meanwhile), then Run selected snapshot: the shut-off snapshot's
        # revert stops it and brings the root filesystem back.
        self.press(run)
        self.wait("Run insensitive after Run", self.no_error("Run", lambda: not run.sensitive), 60)
        self.step("running")

        self.snapshot_cell(details, a.snapshot).click()
        self.snapshot_selected(details, a.snapshot)
        self.click(self.named(details, "snapshot-start", "push button"))
        self.answer("Are you sure you want to run the snapshot '%s'?" % a.snapshot, "Yes")
        self.wait("Run sensitive after the revert", self.no_error("Run selected snapshot", lambda: run.sensitive), 60)
        self.screenshot("reverted")
        self.step("reverted", a.snapshot)

    # ---- scenario: Save, Restore, Force Reset ----

    def save(self):
        a = self.args
        self.launch(a.uri)
        manager = self.window("Virtual Machine Manager", timeout=60)
        details = self.open_details(manager, a.vm, "Running")
        self.step("opened", a.vm)

        # Save (no confirmation by default) runs a job with a progress
        # window; the guest then shows as saved: its Run button reads
        # Restore and the manager's row "Saved".
        self.shutdown_menu(details, "Save")
        self.wait("the Restore button after Save", self.no_error(
            "Save", lambda: details.findChild(
                lambda n: n.roleName == "push button" and n.name == "Restore" and n.sensitive,
                retry=False, requireResult=False, showingOnly=True)), 120)
        self.named(manager, "%s\nSaved" % a.vm, "table cell")
        self.screenshot("saved")
        self.step("saved")

        self.press(self.named(details, "Restore", "push button"))
        run = self.named(details, "Run", "push button")
        self.wait("Run insensitive after Restore", self.no_error("Restore", lambda: not run.sensitive), 120)
        self.named(manager, "%s\nRunning" % a.vm, "table cell")
        self.screenshot("restored")
        self.step("restored")

        self.shutdown_menu(details, "Force Reset")
        self.answer("Are you sure you want to force reset", "Yes")
        self.step("reset")
        # The test saw the guest boot afresh: an error dialog would be up.
        alerts = self.alerts()
        if alerts:
            self.soft_fail("Force Reset showed a dialog: %s" % " / ".join(self.labels(alerts[0])))
        self.screenshot("reset")

    def vm_rows(self, manager):
        """The manager's list as {connection label: [guest cells]}: its
        rows come in order, each connection followed by its guests, whose
        cells read "name\nstatus"."""
        vmlist = self.named(manager, "vm-list", "tree table")
        rows, conn = {}, None
        for cell in vmlist.findChildren(lambda n: n.roleName == "table cell" and n.name):
            if "\n" in cell.name:
                rows.setdefault(conn, []).append(cell.name)
            else:
                conn = cell.name
                rows.setdefault(conn, [])
        return rows

    def next_page(self, wiz, page, want):
        self.press(self.named(wiz, "Forward", "push button"))
        self.wait("wizard page %r (at %r)" % (want, page.text), lambda: self.wizard_page(page, want))

    def wizard_page(self, page, want):
        alerts = self.alerts()
        if alerts:
            raise Failure("the New VM wizard shows an error: %s" % " / ".join(self.labels(alerts[0])))
        return page.text == want

    def created(self, name):
        alerts = self.alerts()
        if alerts:
            raise Failure("Finish in the New VM wizard failed: %s" % " / ".join(self.labels(alerts[0])))
        rx = re.compile(re.escape(name) + " on .*")
        return self.app().findChild(
            lambda n: n.roleName == "frame" and rx.fullmatch(n.name) and n.showing,
            recursive=False, retry=False, requireResult=False)

    def edit_title(self, details, title):
        self.press(self.named(details, "Details", "radio button"))
        overview = self.named(details, "Overview", "table cell")
        overview.click()
        self.named(details, "Hypervisor Details", "label")
        field = self.labelled(details, "Title:")
        field.text = title
        apply = self.named(details, "config-apply", "push button")
        self.press(apply)

        def settled():
            alerts = self.alerts()
            if alerts:
                return alerts[0]
            return not apply.sensitive and "done"

        got = self.wait("Apply to finish", settled)
        if got != "done":
            self.soft_fail("Apply of the title on the running guest showed a dialog: %s"
                           % " / ".join(self.labels(got)))
            self.press(self.named(got, "OK", "push button"))
            self.wait("the dialog to close", lambda: not got.showing)
        # After Apply the page shows the guest's XML again: the running
        # guest's, which must carry the new title.
        try:
            self.wait("Title field reading %r after Apply" % title, lambda: field.text == title, 10)
        except Failure as e:
            self.soft_fail("%s; it reads %r" % (e, field.text))
        late = self.alerts()
        if late:
            self.soft_fail("a dialog appeared after Apply: %s" % " / ".join(self.labels(late[0])))
            self.press(self.named(late[0], "OK", "push button"))
        self.screenshot("title")


def main():
    args = ARGS
    d = Driver(args)
    try:
        getattr(d, args.scenario)()
    except Failure as e:
        print("FAIL: %s" % e, file=sys.stderr, flush=True)
        d.screenshot("failure")
        d.dump_tree()
        d.stop()
        return 1
    except Exception:
        import traceback
        traceback.print_exc()
        d.screenshot("failure")
        d.dump_tree()
        d.stop()
        return 1
    if d.soft:
        d.dump_tree()
    d.stop()
    if d.soft:
        print("FAIL: %d check(s) failed:\n- %s" % (len(d.soft), "\n- ".join(d.soft)), file=sys.stderr, flush=True)
        return 1
    print("PASS", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
