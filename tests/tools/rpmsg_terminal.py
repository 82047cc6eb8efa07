#!/usr/bin/env python3
"""picocom or screen on rprocd's ttyRPMSG link, run as a user types it.

usage: rpmsg_terminal.py picocom TTY [OPTION...]   runs `picocom [OPTION...] TTY`
       rpmsg_terminal.py screen TTY [ARG...]       runs `screen TTY [ARG...]`

The program gets a pseudo-terminal of its own, as in a terminal window. Once
it is ready a line is typed; the firmware's echo must show on its screen.
Then it is left as a user leaves it: picocom with its escape keys C-a C-x,
screen with `screen -X quit` from another shell. It must end by itself with
status 0. Prints "echoed, exit 0"; anything else: one line on stderr naming
what went wrong (with what the program showed), exit 1. A missing program is
a failure too: the tests need it (scripts/setup installs it).
"""
import fcntl
import os
import pty
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time

# Generous: the machine may be shared and loaded.
TIMEOUT_S = 60.0


class Terminal:
    """A program on a pseudo-terminal, and what it showed."""

    def __init__(self, argv, env):
        self.shown = b""
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        # 24x80, as a terminal window: screen sizes its window from it.
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))

    def read_until(self, want, what):
        """Read until want shows (None: until the program closes its terminal)."""
        end = time.monotonic() + TIMEOUT_S
        while want is None or want not in self.shown:
            left = end - time.monotonic()
            if left <= 0:
                fail(f"no {what} within {TIMEOUT_S:.0f} s", self.shown)
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                continue
            try:
                data = os.read(self.fd, 4096)
            except OSError:  # EIO: the program and its children closed it
                data = b""
            if not data:
                if want is None:
                    return
                fail(f"the program ended before its {what}", self.shown)
            self.shown += data

    def type(self, keys):
        os.write(self.fd, keys)

    def status(self):
        """Its exit status, once it ended (within TIMEOUT_S)."""
        end = time.monotonic() + TIMEOUT_S
        while time.monotonic() < end:
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(st)
            time.sleep(0.05)
        fail("the program did not end", self.shown)
        return None


def fail(why, shown=None):
    if shown is not None:
        why += f"; it showed: {shown[-600:].decode('ascii', 'backslashreplace')!r}"
    sys.stderr.write(f"rpmsg_terminal.py: {why}\n")
    sys.exit(1)


def needs(prog, package):
    if not shutil.which(prog):
        fail(f"{prog} is not installed (Debian package {package}: run scripts/setup)")


def picocom(tty, options, env, line):
    needs("picocom", "picocom")
    term = Terminal(["picocom", *options, tty], env)
    # Printed once the port is set up and its keys are read.
    term.read_until(b"Terminal ready", "'Terminal ready'")
    term.type(line + b"\r")
    term.read_until(line, "echo of the typed line")
    term.type(b"\x01\x18")  # C-a C-x: exit (the port set back as it was found)
    term.read_until(None, "end")
    return term.status()


def screen(tty, args, env, line):
    needs("screen", "screen")
    # Its sessions in a directory of ours: `screen -X` finds this one only,
    # a user's own screenrc does not count.
    sockdir = tempfile.mkdtemp(prefix="rpt-screen.")
    env = dict(env, SCREENDIR=sockdir, SCREENRC="/dev/null")
    try:
        term = Terminal(["screen", tty, *args], env)
        # Drawn once the session runs, its window on the tty.
        end = time.monotonic() + TIMEOUT_S
        while not os.listdir(sockdir) and time.monotonic() < end:
            time.sleep(0.05)
        if not os.listdir(sockdir):
            fail("no screen session", term.shown)
        term.read_until(b"\x1b[H", "screen drawn")
        term.type(line + b"\r")
        term.read_until(line, "echo of the typed line")
        quit_ = subprocess.run(["screen", "-X", "quit"], env=env, capture_output=True,
                               timeout=TIMEOUT_S, check=False)
        if quit_.returncode:
            fail(f"screen -X quit: exit {quit_.returncode}: {quit_.stdout + quit_.stderr!r}",
                 term.shown)
        term.read_until(b"[screen is terminating]", "'[screen is terminating]'")
        term.read_until(None, "end")
        st = term.status()
        # The session itself (its SCREEN process) is gone too.
        end = time.monotonic() + TIMEOUT_S
        while os.listdir(sockdir) and time.monotonic() < end:
            time.sleep(0.05)
        if os.listdir(sockdir):
            fail(f"the screen session stayed: {os.listdir(sockdir)}", term.shown)
        return st
    finally:
        shutil.rmtree(sockdir, ignore_errors=True)


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("picocom", "screen"):
        sys.stderr.write(__doc__)
        sys.exit(2)
    prog, tty, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
    # CI has no terminal of its own: say which one ours is.
    env = dict(os.environ, TERM="vt100")
    line = f"hello {prog} {os.getpid()}".encode()
    run = picocom if prog == "picocom" else screen
    st = run(tty, rest, env, line)
    if st != 0:
        fail(f"{prog} ended with status {st}")
    print("echoed, exit 0")


main()
