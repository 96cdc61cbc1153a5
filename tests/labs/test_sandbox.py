"""The grading sandbox against attacks: each ends with a clear message in under 6 s, and the process
that asked (the worker) stays up. The attacks run as jobs inside the sandbox, as a compromised tool
would; the input attacks (deep nesting, a 1 MB file, an alias bomb) go through the real grader."""

import contextlib
import os
import socket
import threading
import time

import pytest

from labs import grading, sandbox, tools
from labs.results import CheckSpec

pytestmark = pytest.mark.skipif(sandbox.capabilities().network is None, reason="no network namespace here")

K8S = grading.LabSpec(
    kind="kubernetes",
    pass_mark=100,
    checks=(CheckSpec("valid", "valid", "kubernetes-validate", ("required", "type"), 1, True),),
)


def run(job, uids: list | None = None):
    """The job's outcome (its value or the SandboxFailure), in under 6 s; ``uids`` receives the sandbox's uid."""
    started = time.monotonic()
    try:
        outcome = sandbox.run(job, on_start=uids.append if uids is not None else None)
    except sandbox.SandboxFailure as failure:
        outcome = failure
    elapsed = time.monotonic() - started
    assert elapsed < 6, f"took {elapsed:.1f} s"
    return outcome


def test_a_job_returns_its_value_from_an_isolated_child():
    uid, cwd, home = run(lambda: [os.getuid(), os.getcwd(), os.environ["HOME"]])
    assert uid >= sandbox.UID_BASE
    assert cwd == home and os.path.basename(cwd) == "work"
    assert not os.path.exists(cwd)  # removed afterwards


def test_no_network():
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    accepted = []
    threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()

    def connect():
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
            return "connected"
        except OSError as error:
            return f"refused: {error.strerror}"

    assert run(connect).startswith("refused")
    assert accepted == []
    server.close()


def test_no_reading_outside_the_work_directory(tmp_path, settings):
    secret = tmp_path / "secret.txt"
    secret.write_text("s3cr3t")
    secret.chmod(0o644)  # readable by anyone who can reach it
    targets = [str(secret), str(settings.BASE_DIR / "devopslearn" / "settings.py"), "/etc/passwd", "/root"]

    def read():
        outcome = {}
        for path in targets:
            try:
                with open(path) as handle:
                    outcome[path] = handle.read(6)
            except OSError as error:
                outcome[path] = type(error).__name__
        return outcome

    outcome = run(read)
    assert all(value in ("FileNotFoundError", "PermissionError", "IsADirectoryError") for value in outcome.values()), (
        outcome
    )


def test_a_fork_bomb_is_stopped():
    def bomb():
        while True:
            with contextlib.suppress(OSError):
                os.fork()

    uids = []
    failure = run(bomb, uids)
    assert isinstance(failure, sandbox.SandboxFailure)
    assert failure.reason in ("timeout", "cpu")
    assert "Simplify the file and check again" in failure.message
    assert gone(uids[0])


def gone(uid: int, within: float = 2.0) -> bool:
    """Whether the sandbox ``uid`` has no process left, once the kernel has finished the exits of what
    was killed (32 exits take a moment on a busy machine)."""
    deadline = time.monotonic() + within
    while sandbox_processes(uid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return sandbox_processes(uid) == []


def sandbox_processes(uid: int) -> list[int]:
    """Processes still running under a sandbox's user id (other tests' sandboxes have their own)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                owner = os.stat(f"/proc/{entry}").st_uid
                with open(f"/proc/{entry}/stat") as stat:
                    state = stat.read().split(")")[-1].split()[0]
            except OSError:
                continue
            if owner == uid and state != "Z":
                found.append(int(entry))
    return found


def scheduling() -> list:
    return [os.sched_getscheduler(0) == os.SCHED_IDLE, os.getpriority(os.PRIO_PROCESS, 0)]


def test_a_grading_leaves_the_processors_to_the_web_workers_and_is_lifted_if_it_runs_long():
    if not sandbox.capabilities().separate_uid:  # only root can lift a priority again: nice 19 instead
        assert run(scheduling) == [False, 19]
        return
    assert run(scheduling) == [True, 10]  # the idle class: a processor only when nothing else wants it

    def long_grading():
        started = time.monotonic()
        while os.sched_getscheduler(0) == os.SCHED_IDLE and time.monotonic() - started < 3.5:
            time.sleep(0.02)
        return [*scheduling(), time.monotonic() - started]

    idle, nice, waited = run(long_grading)
    assert [idle, nice] == [False, 10]  # the worker's own share, as a busy site must not starve it
    assert waited > sandbox.DEFAULT_LIMITS.idle_seconds / 2  # not at once


def test_a_memory_bomb_is_stopped():
    def bomb():
        hoard = []
        while True:
            hoard.append(bytearray(64 * 1024 * 1024))

    failure = run(bomb)
    assert failure.reason == "memory"
    assert "512 MB" in failure.message


def test_an_endless_loop_is_stopped():
    def loop():
        while True:
            pass

    failure = run(loop)
    assert failure.reason in ("timeout", "cpu")


def test_a_huge_file_is_refused():
    def write():
        with open("big", "wb") as handle:
            handle.write(b"x" * (8 * 1024 * 1024))

    assert run(write).reason == "files"


def test_a_flood_of_output_is_cut():
    assert run(lambda: "x" * (2 * 1024 * 1024)).reason == "output"


def test_the_job_cannot_signal_the_worker():
    def kill():
        os.kill(os.getppid(), 9)

    assert run(kill).reason == "crashed"
    assert os.getpid()  # still here


def test_a_process_left_behind_is_killed():
    def escape():
        if os.fork() == 0:
            os.setsid()
            time.sleep(60)
            os._exit(0)
        return "forked"

    uids = []
    assert run(escape, uids) == "forked"
    assert gone(uids[0])


def grade(text):
    started = time.monotonic()
    result = grading.grade_sandboxed(K8S, text)
    assert time.monotonic() - started < 6
    return result


def test_30000_deep_nesting_is_refused_with_a_message():
    result = grade("a: " + "[" * 30000 + "]" * 30000 + "\n")
    assert result["status"] == "error"
    assert "limit for this lab is 32 KB" in result["message"]
    deep = "a: " + "[" * 15000 + "]" * 15000 + "\n"  # under the size limit: the depth limit answers
    result = grade(deep)
    assert result["status"] == "error"
    assert "nested more than 50 levels" in result["message"]
    block = "".join("  " * level + f"k{level}:\n" for level in range(60)) + "  " * 60 + "v: 1\n"
    result = grade(block)
    assert "nested more than 50 levels" in result["message"]
    assert result["line"] == 51


def test_a_1_mb_input_is_refused_with_a_message():
    result = grade("a: b\n" * 200_000)
    assert result["status"] == "error"
    assert "1,000,000 bytes" in result["message"]


def test_a_yaml_alias_bomb_is_refused_with_a_message():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    result = grade("\n".join(lines) + "\n")
    assert result["status"] == "error"
    assert "aliases" in result["message"]


def test_a_recursive_alias_is_refused():
    assert "loop" in grade("a: &a [*a]\n")["message"]


def test_unparseable_yaml_is_an_error_with_its_line():
    result = grade("apiVersion: v1\nkind: [Pod\n")
    assert result["status"] == "error"
    assert result["line"] == 3


def test_grading_is_refused_where_no_sandbox_can_be_made(monkeypatch):
    monkeypatch.setattr(sandbox, "capabilities", lambda: sandbox.Capabilities(None, False, False, 0, None))
    with pytest.raises(sandbox.SandboxUnavailable) as refusal:
        grading.grade_sandboxed(K8S, "a: 1\n")
    assert "switched off" in refusal.value.message


def test_address_space_limits_hold_in_a_child_of_a_worker_with_cfn_lint_imported():
    """Measured: a worker that imported cfn-lint maps about 150-400 MB; the child's limit is that plus
    512 MB, so cfn-lint still lints in the child and a bomb still stops at the limit."""
    tools.preload({"cfn-lint"})
    spec = grading.LabSpec(
        kind="cloudformation", pass_mark=100, checks=(CheckSpec("refs", "refs", "cfn-lint", ("E1020",), 1, True),)
    )
    bad = (
        'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n'
        "      BucketName: !Ref Missing\n"
    )
    started = time.monotonic()
    result = grading.grade_sandboxed(spec, bad)
    assert time.monotonic() - started < 3
    assert result["checks"][0]["status"] == "fail" and result["checks"][0]["lines"] == [6]

    def bomb():
        hoard = []
        while True:
            hoard.append(bytearray(64 * 1024 * 1024))

    assert run(bomb).reason == "memory"


def test_capabilities_describe_what_isolates_the_tools():
    text = sandbox.capabilities().describe()
    assert "network" in text


def test_a_grading_dies_with_its_worker():
    read_end, write_end = os.pipe()
    worker = sandbox._fork()  # os.fork() without the warning about pytest's idle threads
    if worker == 0:  # a "grading worker" that starts a long grading and says which uid it runs as
        os.close(read_end)
        try:
            sandbox.run(lambda: time.sleep(30), on_start=lambda uid: os.write(write_end, uid.to_bytes(8, "big")))
        finally:
            os._exit(0)
    os.close(write_end)
    uid = int.from_bytes(os.read(read_end, 8), "big")
    os.close(read_end)
    deadline = time.monotonic() + 10
    while not sandbox_processes(uid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sandbox_processes(uid), "the grading did not start"
    os.kill(worker, 9)
    os.waitpid(worker, 0)
    deadline = time.monotonic() + 5
    while sandbox_processes(uid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sandbox_processes(uid) == []
