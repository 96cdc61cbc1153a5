"""Run a grading job on untrusted input in a sandboxed child process.

``run(job)`` forks the calling process (a grading worker that keeps the heavy tools imported, so a
grading costs milliseconds of start-up, not seconds) and, in the child, before ``job`` sees the
input:

- a new, empty network namespace (no interface but a loopback that is down): ``unshare --net`` as
  root, ``unshare -rn`` (a user namespace as well) otherwise. Where neither works, ``run`` raises
  ``SandboxUnavailable`` and nothing is graded: grading is refused, never run unsandboxed;
- a user id of its own (as root): ``UID_BASE + the child's pid``, so that no other process shares it
  and the per-user process limit really is per grading; supplementary groups dropped;
- a fresh empty working directory, ``HOME``, ``XDG_CONFIG_HOME`` and ``TMPDIR`` inside it, and an
  environment of three variables;
- rlimits: CPU 5 s, address space 512 MB on top of what the worker had mapped (measured: address-
  space limits do hold in a child forked from a worker with cfn-lint imported, whose mapping is
  about 150 MB; the Go runtime of actionlint needs 1 GB of address space, so tools get their own
  limit when they are executed), files 4 MiB, 32 processes, no core files;
- a pids and memory cgroup where the machine lets us make one (cgroup v1 or v2);
- ``no_new_privs``, and a Landlock ruleset where the kernel has one: reads only below the Python
  installation, the virtualenv, the system libraries and the work directory, writes only in the
  work directory, no TCP, no signals or abstract sockets outside the sandbox;
- the idle scheduling class (``SCHED_IDLE``, as root): the grading gets a processor only when the web
  workers leave one idle. A grading still running after ``idle_seconds`` (0.3 s; a grading needs
  10-70 ms of processor time) is lifted to nice 10, the worker's own share, so that a busy site
  delays a grading by at most that much and never starves it into the wall-clock limit. Where the
  parent could not lift it again (not root), nice 19 instead.

The parent reads at most 1 MiB of the child's answer, kills the child's process group at the wall-
clock deadline (4.5 s), raises what is dying to nice -10 (a killed process still needs a processor to
exit: a fork bomb's 32 exits took 0.4-0.9 s at nice 10 on a busy machine, inside the 6 s in which the
learner must have an answer), and then kills whatever the sandbox's user id and cgroup still hold. The job's
return value must be JSON-serialisable; failures come back as ``SandboxFailure`` with a ``reason``
("timeout", "cpu", "memory", "output", "files", "crashed") and a message a learner can act on.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import resource
import select
import shutil
import signal
import sys
import sysconfig
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.utils.translation import gettext_lazy, gettext_noop

from labs.messages import Message

UID_BASE = 200_000
MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one grading may use. Memory figures are bytes of new memory (on top of the worker's)."""

    cpu_seconds: int = 5
    memory: int = 512 * MiB
    file_size: int = 4 * MiB
    processes: int = 32
    wall_seconds: float = 4.5
    # How long a grading runs in the idle class before it gets the worker's share of the processors.
    idle_seconds: float = 0.3
    output: int = 1 * MiB
    # Executed tools get an address-space limit of their own: the Go runtime reserves more than
    # 512 MB of address space at start-up and fails below 1 GB (measured with actionlint).
    tool_memory: dict[str, int] = field(default_factory=lambda: {"actionlint": 1024 * MiB})


DEFAULT_LIMITS = Limits()


UNAVAILABLE_MESSAGE = gettext_noop(
    "Checking is switched off on this server: it cannot isolate the checking tools from the network "
    "(no network namespace). Your file is saved; tell your instructor."
)


class SandboxUnavailable(Exception):
    """No network isolation can be made on this machine: grading is refused."""

    message = gettext_lazy(UNAVAILABLE_MESSAGE)


class SandboxFailure(Exception):
    """The job did not finish inside its limits; ``message`` is written for the learner."""

    MESSAGES = {
        "timeout": gettext_noop(
            "Checking took longer than %(wall)s seconds and was stopped. Simplify the file and check again."
        ),
        "cpu": gettext_noop(
            "Checking used more than %(cpu)s seconds of processor time and was stopped. Simplify the file and "
            "check again."
        ),
        "memory": gettext_noop(
            "Checking needed more than %(memory)s MB of memory and was stopped. Simplify the file and check again."
        ),
        "output": gettext_noop(
            "The checking tools wrote more than %(output)s MB of output and were stopped. Simplify the file and "
            "check again."
        ),
        "files": gettext_noop(
            "Checking tried to write more than %(files)s MB to disk and was stopped. Simplify the file and check again."
        ),
        "crashed": gettext_noop(
            "The checker stopped unexpectedly (%(detail)s). Your file is saved: press Check to try again."
        ),
    }

    def __init__(self, reason: str, limits: Limits = DEFAULT_LIMITS, detail: str = ""):
        self.reason, self.detail = reason, detail
        self.message = Message(self.MESSAGES[reason]) % {
            "wall": f"{limits.wall_seconds:g}",
            "cpu": limits.cpu_seconds,
            "memory": limits.memory // MiB,
            "output": limits.output // MiB,
            "files": limits.file_size // MiB,
            "detail": detail or Message(gettext_noop("no answer")),
        }
        super().__init__(self.message)


# --- what this machine offers ---------------------------------------------------------------------


@dataclass(frozen=True)
class Capabilities:
    """How a sandbox is made here: ``network`` is "netns" (root), "userns" (unprivileged) or None."""

    network: str | None
    private_root: bool  # a mount namespace whose root holds only what a grading may read
    separate_uid: bool
    landlock_abi: int
    cgroup: str | None  # "v1", "v2" or None

    def describe(self) -> str:
        parts = [
            {"netns": "network namespace", "userns": "user + network namespace", None: "NO network isolation"}[
                self.network
            ],
            "private filesystem root" if self.private_root else "shared filesystem",
            "own user id" if self.separate_uid else "same user id",
            f"Landlock ABI {self.landlock_abi}" if self.landlock_abi else "no Landlock",
            f"cgroup {self.cgroup}" if self.cgroup else "no cgroup",
        ]
        return ", ".join(parts)


@cache
def capabilities() -> Capabilities:
    """Probe once per process, in a throw-away child, what isolation this machine allows."""
    root = os.geteuid() == 0
    network = None
    for mode in ["netns", "userns"] if root else ["userns"]:
        if _probe(lambda mode=mode: _isolate(mode, None)):
            network = mode
            break
    private_root = False
    if network:
        with tempfile.TemporaryDirectory(prefix="devopslearn-probe-") as base:
            os.mkdir(f"{base}/root")
            os.mkdir(f"{base}/work")
            private_root = _probe(lambda: _isolate(network, (f"{base}/root", f"{base}/work")))
    return Capabilities(
        network=network,
        private_root=private_root,
        separate_uid=root,
        landlock_abi=_landlock_abi(),
        cgroup=_Cgroup.version() if root else None,
    )


def _probe(step: Callable[[], None]) -> bool:
    pid = _fork()
    if pid == 0:  # pragma: no cover - the child only reports by its exit status
        try:
            step()
            os._exit(0)
        except BaseException:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def _isolate(mode: str, root: tuple[str, str] | None) -> None:
    """Enter new namespaces: network ("netns" as root, "userns" = user + network otherwise), and when
    ``root`` = (empty directory, work directory) is given, a mount namespace whose root is a fresh
    tmpfs holding read-only binds of ``readable_roots()`` and a writable bind of the work directory."""
    flags = os.CLONE_NEWNET | (os.CLONE_NEWNS if root else 0)
    if mode == "netns":
        os.unshare(flags)
    else:
        uid, gid = os.getuid(), os.getgid()
        os.unshare(os.CLONE_NEWUSER | flags)
        # Map our own ids (as `unshare -r` does), so that files made in the work directory have an owner.
        Path("/proc/self/setgroups").write_text("deny")
        Path("/proc/self/uid_map").write_text(f"0 {uid} 1")
        Path("/proc/self/gid_map").write_text(f"0 {gid} 1")
    if root:
        _private_root(*root)


# --- a private filesystem root (a mount namespace) -------------------------------------------------

_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 1, 2, 4, 8
_MS_REMOUNT, _MS_BIND, _MS_REC, _MS_PRIVATE = 32, 4096, 16384, 1 << 18
_MNT_DETACH = 2
_SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41}.get(os.uname().machine)


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    encode = lambda value: value.encode() if value is not None else None  # noqa: E731
    if _libc().mount(encode(source), encode(target), encode(fstype), ctypes.c_ulong(flags), encode(data)) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"mount {target}: {os.strerror(code)}")


def _private_root(newroot: str, workdir: str) -> None:
    _mount(None, "/", None, _MS_REC | _MS_PRIVATE)  # nothing below propagates back
    _mount("tmpfs", newroot, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=1m,mode=755")
    binds = [(path, False) for path in readable_roots()] + [(workdir, True), (os.devnull, True)]
    for path, writable in binds:
        inside = newroot + path
        if os.path.isdir(path):
            os.makedirs(inside, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(inside), exist_ok=True)
            open(inside, "a").close()  # noqa: SIM115 - a mount point, closed at once
        try:
            _mount(path, inside, None, _MS_BIND | _MS_REC)
        except OSError:
            if path == "/proc":
                continue  # a user namespace may refuse it; nothing needs it
            raise
        # Keep the flags the original mount has (a user namespace may not drop them), add read-only.
        kept = os.statvfs(path).f_flag & (_MS_RDONLY | _MS_NOSUID | _MS_NODEV | _MS_NOEXEC)
        flags = _MS_REMOUNT | _MS_BIND | _MS_NOSUID | kept | (0 if writable else _MS_RDONLY)
        _mount(None, inside, None, flags)
    os.chdir(newroot)
    if _SYS_PIVOT_ROOT is not None:
        os.mkdir(".old")
        if _libc().syscall(_SYS_PIVOT_ROOT, b".", b".old") == 0:
            os.chdir("/")
            _libc().umount2(b"/.old", _MNT_DETACH)
            os.rmdir("/.old")
            return
    os.chroot(".")
    os.chdir("/")


# --- cgroups --------------------------------------------------------------------------------------


class _Cgroup:
    """A pids + memory cgroup for one grading, below the worker's own cgroup (v1 or v2)."""

    NAME = "devopslearn-lab-{pid}-{n}"

    def __init__(self, limits: Limits):
        self.dirs: list[Path] = []
        name = self.NAME.format(pid=os.getpid(), n=time.monotonic_ns())
        for controller, base in self._bases().items():
            path = base / name
            try:
                path.mkdir()
            except OSError:
                continue
            self.dirs.append(path)
            try:
                if controller == "pids":
                    (path / "pids.max").write_text(str(limits.processes))
                elif (path / "memory.limit_in_bytes").exists():
                    (path / "memory.limit_in_bytes").write_text(str(self.memory(limits)))
                elif (path / "memory.max").exists():
                    (path / "memory.max").write_text(str(self.memory(limits)))
                    if (path / "pids.max").exists():
                        (path / "pids.max").write_text(str(limits.processes))
            except OSError:
                pass

    @staticmethod
    def memory(limits: Limits) -> int:
        """The group's memory: a backstop over the rlimits, which stop a grading first and cleanly (the
        group is also charged for the worker's pages the child copies on write, and for page cache)."""
        return 2 * limits.memory

    @staticmethod
    def _bases() -> dict[str, Path]:
        """{controller: the cgroup directory this process is in}, for the pids and memory controllers."""
        bases: dict[str, Path] = {}
        try:
            lines = Path("/proc/self/cgroup").read_text().splitlines()
        except OSError:
            return bases
        for line in lines:
            _, controllers, path = line.split(":", 2)
            for controller in ("pids", "memory"):
                if controller in controllers.split(","):
                    mount = Path("/sys/fs/cgroup") / controller
                    if mount.is_dir() and os.access(mount, os.W_OK):
                        bases[controller] = mount / path.lstrip("/")
            if controllers == "" and not bases:  # pure cgroup v2
                base = Path("/sys/fs/cgroup") / path.lstrip("/")
                enabled = (base / "cgroup.subtree_control").read_text().split() if base.is_dir() else []
                if {"pids", "memory"} & set(enabled) and os.access(base, os.W_OK):
                    bases["v2"] = base
        return bases

    @classmethod
    def version(cls) -> str | None:
        bases = cls._bases()
        for base in bases.values():  # empty groups left by a worker that was killed: removed
            for stale in base.glob("devopslearn-lab-*"):
                with contextlib.suppress(OSError):
                    if time.time() - stale.stat().st_mtime > 60:  # not one another worker is filling now
                        stale.rmdir()
        return ("v2" if "v2" in bases else "v1") if bases else None

    @property
    def tracks_processes(self) -> bool:
        """Whether the group lists the grading's processes (every cgroup lists its members, and a
        process's children stay in its group: one that left the process group is still there)."""
        return bool(self.dirs)

    def join(self) -> None:
        for path in self.dirs:
            with contextlib.suppress(OSError):
                (path / "cgroup.procs").write_text(str(os.getpid()))

    def oom_killed(self) -> bool:
        for path in self.dirs:
            for name, key in (("memory.oom_control", "oom_kill"), ("memory.events", "oom_kill")):
                try:
                    values = dict(line.split() for line in (path / name).read_text().splitlines() if " " in line)
                except (OSError, ValueError):
                    continue
                if int(values.get(key, 0)):
                    return True
            try:
                if int((path / "memory.failcnt").read_text() or 0):
                    return True
            except (OSError, ValueError):
                pass
        return False

    def pids(self) -> list[int]:
        """The processes in the group (the grading's, wherever they moved in the process tree)."""
        members: set[int] = set()
        for path in self.dirs:
            with contextlib.suppress(OSError, ValueError):
                members.update(int(p) for p in (path / "cgroup.procs").read_text().split())
        return sorted(members)

    def destroy(self) -> None:
        for path in self.dirs:
            for _ in range(50):
                try:
                    pids = [int(p) for p in (path / "cgroup.procs").read_text().split()]
                except OSError:
                    pids = []
                for pid in pids:
                    _kill(pid)
                try:
                    path.rmdir()
                    break
                except OSError:
                    time.sleep(0.01)


def _kill(pid: int, group: bool = False) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        (os.killpg if group else os.kill)(pid, signal.SIGKILL)


# --- Landlock (Linux >= 5.13) ---------------------------------------------------------------------

_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446  # x86_64 and aarch64 alike
_PR_SET_NO_NEW_PRIVS = 38
_FS_READ = (1 << 0) | (1 << 2) | (1 << 3)  # execute, read file, read dir
_FS_WRITE = (1 << 1) | (1 << 4) | (1 << 5) | (1 << 7) | (1 << 8) | (1 << 12)  # write, remove, make dir/file/symlink


def _libc():
    return ctypes.CDLL(None, use_errno=True)


@cache
def _landlock_abi() -> int:
    if sys.platform != "linux":
        return 0
    try:
        abi = _libc().syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    except (OSError, AttributeError):
        return 0
    return max(abi, 0)


class _RulesetAttr(ctypes.Structure):
    _fields_ = [
        ("handled_access_fs", ctypes.c_uint64),
        ("handled_access_net", ctypes.c_uint64),
        ("scoped", ctypes.c_uint64),
    ]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _landlock(read_paths: tuple[str, ...], write_paths: tuple[str, ...]) -> bool:
    """Restrict this process (and its children) to reading ``read_paths`` and writing ``write_paths``,
    with no TCP (ABI 4+) and no signals or abstract sockets outside the sandbox (ABI 6+)."""
    abi = _landlock_abi()
    if abi < 1:
        return False
    libc = _libc()
    handled = (1 << 13) - 1  # ABI 1: every access right from execute to make symlink
    if abi >= 2:
        handled |= 1 << 13  # refer
    if abi >= 3:
        handled |= 1 << 14  # truncate
    write = _FS_WRITE | (1 << 14 if abi >= 3 else 0)
    attr = _RulesetAttr(handled_access_fs=handled, handled_access_net=3 if abi >= 4 else 0, scoped=3 if abi >= 6 else 0)
    size = ctypes.sizeof(_RulesetAttr) if abi >= 6 else (16 if abi >= 4 else 8)
    ruleset = libc.syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if ruleset < 0:
        return False
    try:
        for paths, access in ((read_paths, _FS_READ), (write_paths, _FS_READ | write)):
            for path in paths:
                try:
                    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                except OSError:
                    continue
                try:
                    allowed = access if os.path.isdir(path) else access & ((1 << 0) | (1 << 1) | (1 << 2) | (1 << 14))
                    rule = _PathBeneathAttr(allowed_access=allowed & handled, parent_fd=fd)
                    libc.syscall(
                        _SYS_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(1), ctypes.byref(rule), ctypes.c_uint32(0)
                    )
                finally:
                    os.close(fd)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return False
        return libc.syscall(_SYS_RESTRICT_SELF, ctypes.c_int(ruleset), ctypes.c_uint32(0)) == 0
    finally:
        os.close(ruleset)


@cache
def readable_roots() -> tuple[str, ...]:
    """What a sandboxed grading may read: the Python installation and virtualenv (the tools and their
    data files), the system's libraries, and this package (for imports a tool makes late)."""
    paths = {
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
        sysconfig.get_path("purelib"),
        sysconfig.get_path("platlib"),
        sysconfig.get_path("scripts"),
        str(Path(__file__).resolve().parent),
        "/usr/lib",
        "/usr/lib64",
        "/lib",
        "/lib64",
        "/usr/share/zoneinfo",
        "/etc/ld.so.cache",
        "/proc",
        "/dev/urandom",
    }
    paths = {os.path.realpath(path) for path in paths}
    return tuple(sorted(path for path in paths if path and os.path.exists(path)))


# --- running a job --------------------------------------------------------------------------------


def run(
    job: Callable[[], object], limits: Limits = DEFAULT_LIMITS, on_start: Callable[[int], None] | None = None
) -> object:
    """Run ``job()`` in a sandboxed child and return its (JSON) return value.

    Raises ``SandboxUnavailable`` where no network isolation can be made, and ``SandboxFailure``
    when the job ran out of time, processor time, memory or output, or died. ``on_start(uid)`` is
    called with the user id the sandbox runs as, once the child exists (the tests watch it).
    """
    caps = capabilities()
    if caps.network is None:
        raise SandboxUnavailable(SandboxUnavailable.message)
    base = tempfile.mkdtemp(prefix="devopslearn-lab-")
    workdir, newroot = os.path.join(base, "work"), os.path.join(base, "root")
    os.mkdir(workdir, 0o700)
    os.mkdir(newroot, 0o755)
    cgroup = _Cgroup(limits) if caps.cgroup else None
    read_fd, write_fd = os.pipe()
    inherited = _mapped_bytes()
    readable_roots()  # computed here: the child cannot import what sysconfig loads late
    started = time.monotonic()
    pid = _fork()
    if pid == 0:  # pragma: no cover - measured by the tests through its effects
        os.close(read_fd)
        _child(job, limits, caps, (newroot, workdir), cgroup, write_fd, inherited)
    os.close(write_fd)
    uid = UID_BASE + pid
    if on_start:
        on_start(uid)
    try:
        share = max(os.getpriority(os.PRIO_PROCESS, 0), 10)  # the worker's own, as the child had it
        data, overflow, timed_out = _read_answer(read_fd, limits, started, lambda: _lift(pid, cgroup, caps, share))
    finally:
        os.close(read_fd)
        _kill(pid, group=True)
        _lift(pid, cgroup, caps, -10)  # what is dying exits now, not when a busy machine lets it
        _, status = os.waitpid(pid, 0)
        oom = bool(cgroup and cgroup.oom_killed())
        if cgroup and cgroup.tracks_processes:
            cgroup.destroy()  # kills every process left in the group (one that left the process group too)
        else:
            _reap(uid, caps, pid)  # the same, by the sandbox's user id: one more fork
            if cgroup:
                cgroup.destroy()
        shutil.rmtree(base, ignore_errors=True)
    if overflow:
        raise SandboxFailure("output", limits)
    if timed_out:
        raise SandboxFailure("timeout", limits)
    try:
        answer = json.loads(data)
    except ValueError:
        answer = None
    if isinstance(answer, dict) and "sandbox" in answer:
        if answer["sandbox"] == "ok":
            return answer["value"]
        raise SandboxFailure(answer["sandbox"], limits, answer.get("detail", ""))
    signum = -os.waitstatus_to_exitcode(status)
    if oom:
        raise SandboxFailure("memory", limits)
    if signum in (signal.SIGXCPU, signal.SIGKILL) and time.monotonic() - started >= limits.cpu_seconds * 0.9:
        raise SandboxFailure("cpu", limits)
    detail = f"signal {signal.Signals(signum).name}" if signum > 0 else f"exit status {-signum}"
    raise SandboxFailure("crashed", limits, detail)


def _fork() -> int:
    with warnings.catch_warnings():
        # A test server's threads are idle in a fork: the child runs only this module's code and a
        # wall-clock deadline bounds it. The grading worker itself is single-threaded.
        warnings.filterwarnings("ignore", message=".*multi-threaded.*fork", category=DeprecationWarning)
        return os.fork()


def _read_answer(fd: int, limits: Limits, started: float, lift: Callable[[], None]) -> tuple[bytes, bool, bool]:
    """(answer, too large, timed out): the child's length-prefixed answer, read until it is whole
    (a process the job left behind may hold the pipe open), the end of the pipe, or the deadline.
    ``lift()`` is called once if the job is still running after ``limits.idle_seconds``."""
    received = bytearray()
    deadline = started + limits.wall_seconds
    lift_at: float | None = started + limits.idle_seconds
    while True:
        if len(received) >= 8:
            size = int.from_bytes(received[:8], "big")
            if size > limits.output:
                return b"", True, False
            if len(received) >= 8 + size:
                return bytes(received[8 : 8 + size]), False, False
        now = time.monotonic()
        if lift_at is not None and now >= lift_at:
            lift()
            lift_at = None
        left = deadline - now
        if left <= 0:
            return b"", False, True
        ready, _, _ = select.select([fd], [], [], min(left, lift_at - now) if lift_at is not None else left)
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"", False, False
        received += chunk


def _lift(pid: int, cgroup, caps: Capabilities, nice: int) -> None:
    """Take the grading's processes out of the idle class, at ``nice`` (root only: no one else may
    raise a priority). Without a cgroup that lists them, the child and its process group only."""
    if not caps.separate_uid:
        return
    pids = cgroup.pids() if cgroup and cgroup.tracks_processes else [pid]
    for member in pids:
        with contextlib.suppress(OSError):
            os.sched_setscheduler(member, os.SCHED_OTHER, os.sched_param(0))
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PGRP, pid, nice)


def _reap(uid: int, caps: Capabilities, pid: int) -> None:
    """Kill whatever is left with the sandbox's user id (a process that left the process group)."""
    if not caps.separate_uid:
        return
    reaper = _fork()
    if reaper == 0:  # pragma: no cover
        try:
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            os.kill(-1, signal.SIGKILL)  # every process of this uid but the reaper itself
        except OSError:
            pass
        os._exit(0)
    os.waitpid(reaper, 0)


def _mapped_bytes() -> int:
    """The address space this process has mapped (VmSize), which a forked child starts with."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _child(job, limits: Limits, caps: Capabilities, dirs: tuple[str, str], cgroup, write_fd: int, inherited: int):
    """In the forked child: isolate, limit, drop privileges, run the job, write the answer, exit."""
    answer: dict
    workdir = dirs[1]
    parent = os.getppid()
    try:
        os.setsid()
        if cgroup:
            cgroup.join()
        uid = UID_BASE + os.getpid()
        if caps.separate_uid:
            os.chown(workdir, uid, uid)
        _isolate(caps.network, dirs if caps.private_root else None)
        os.chdir(workdir)
        os.environ.clear()
        os.environ.update(
            {
                "HOME": workdir,
                "XDG_CONFIG_HOME": os.path.join(workdir, ".config"),
                "TMPDIR": workdir,
                "PATH": "/usr/bin:/bin",
                "LANG": "C.UTF-8",
            }
        )
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        os.closerange(3, write_fd)
        os.closerange(write_fd + 1, _max_fd())
        address_space = inherited + limits.memory
        ceiling = max(address_space, *limits.tool_memory.values(), limits.memory)
        for which, soft, hard in (
            (resource.RLIMIT_CPU, limits.cpu_seconds, limits.cpu_seconds + 1),
            (resource.RLIMIT_AS, address_space, ceiling),
            (resource.RLIMIT_FSIZE, limits.file_size, limits.file_size),
            (resource.RLIMIT_NPROC, limits.processes, limits.processes),
            (resource.RLIMIT_CORE, 0, 0),
            (resource.RLIMIT_NOFILE, 64, 64),
        ):
            resource.setrlimit(which, (soft, hard))
        if caps.separate_uid:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
        _die_with_parent(parent)  # after the uid change, which clears it
        if caps.landlock_abi:
            _landlock(readable_roots(), (workdir, os.devnull))
        else:
            _libc().prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
        os.setpriority(os.PRIO_PROCESS, 0, max(os.getpriority(os.PRIO_PROCESS, 0), 10))
        _idle(caps)
    except BaseException as exc:
        answer = {"sandbox": "crashed", "detail": f"the sandbox could not be set up: {exc}"}
    else:
        try:
            answer = {"sandbox": "ok", "value": job()}
        except MemoryError:
            answer = {"sandbox": "memory"}
        except OSError as exc:
            if exc.errno == errno.EFBIG:
                answer = {"sandbox": "files"}
            else:
                answer = {"sandbox": "crashed", "detail": f"{type(exc).__name__}: {exc}"[:300]}
        except BaseException as exc:
            detail = "".join(traceback.format_exception_only(exc)).strip()[:300]
            answer = {"sandbox": "crashed", "detail": detail}
    try:
        payload = json.dumps(answer).encode()
    except (TypeError, ValueError, MemoryError):
        payload = b'{"sandbox": "crashed", "detail": "the answer was not JSON"}'
    try:
        view = memoryview(len(payload).to_bytes(8, "big") + payload)
        while view:
            view = view[os.write(write_fd, view) :]
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            os._exit(3)
    os._exit(0)


def _idle(caps: Capabilities) -> None:
    """Give the processors to the web workers first: the idle class where the parent can lift the
    grading out of it again (``_lift``, as root), else nice 19."""
    if caps.separate_uid:
        with contextlib.suppress(OSError):
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
            return
    os.setpriority(os.PRIO_PROCESS, 0, 19)


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Be killed if the grading worker dies (a killed worker leaves no grading running behind it)."""
    _libc().prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # it died before the line above
        os._exit(1)


def _max_fd() -> int:
    try:
        return resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    except (OSError, ValueError):
        return 1024


def tool_preexec(name: str, limits: Limits = DEFAULT_LIMITS) -> Callable[[], None]:
    """For subprocess.Popen(preexec_fn=...): the address-space limit of the tool ``name``."""
    memory = limits.tool_memory.get(name, limits.memory)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        _libc().prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)

    return limit
