import os
import resource
import subprocess
import sys
import textwrap

import pytest

from app.persistence import DesignSaveError
from app.persistence.atomic import TEMP_MARK, atomic_write_bytes, clean_stale_temp_files


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_write_replaces_content_and_keeps_mode(tmp_path):
    target = tmp_path / "d.mlsd"
    target.write_bytes(b"old")
    os.chmod(target, 0o600)
    atomic_write_bytes(target, b"new content")
    assert target.read_bytes() == b"new content"
    assert target.stat().st_mode & 0o777 == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(TEMP_MARK)]


def test_stale_temp_files_of_dead_writers_are_removed_live_ones_kept(tmp_path):
    stale = tmp_path / f".d.mlsd.{_dead_pid()}-abcd{TEMP_MARK}"
    live = tmp_path / f".d.mlsd.{os.getppid()}-beef{TEMP_MARK}"
    other = tmp_path / "notes.txt"
    for path in (stale, live, other):
        path.write_bytes(b"x")
    removed = clean_stale_temp_files(tmp_path)
    assert removed == [stale]
    assert live.exists() and other.exists()


def test_write_into_missing_folder_fails_clearly(tmp_path):
    with pytest.raises(DesignSaveError, match="does not exist"):
        atomic_write_bytes(tmp_path / "nope" / "d.mlsd", b"x")


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_file_size_limit_leaves_original_identical_and_no_temp_file(tmp_path):
    target = tmp_path / "d.mlsd"
    target.write_bytes(b"original bytes")
    code = textwrap.dedent(
        f"""
        import resource, signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))
        from app.persistence.atomic import atomic_write_bytes
        from app.persistence import DesignSaveError
        try:
            atomic_write_bytes({str(target)!r}, b"y" * 100_000)
        except DesignSaveError as exc:
            print("ERROR:", exc)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "ERROR:" in out.stdout and "nothing was changed" in out.stdout
    assert target.read_bytes() == b"original bytes"
    assert [p.name for p in tmp_path.iterdir()] == ["d.mlsd"]
    assert resource.getrlimit(resource.RLIMIT_FSIZE)  # the limit applied only to the child


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_write_through_a_symlink_updates_the_target_and_keeps_the_link(tmp_path):
    real = tmp_path / "real.mlsd"
    real.write_bytes(b"old")
    link = tmp_path / "link.mlsd"
    link.symlink_to(real)
    atomic_write_bytes(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root may write any file")
def test_read_only_file_is_not_replaced(tmp_path):
    # As root: tests/reliability/test_permissions.py proves it as the user "nobody".
    target = tmp_path / "d.mlsd"
    target.write_bytes(b"original")
    os.chmod(target, 0o444)
    with pytest.raises(DesignSaveError, match="read-only; nothing was changed"):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"original"
    assert [p.name for p in tmp_path.iterdir()] == ["d.mlsd"]


@pytest.mark.parametrize("through_link", [False, True])
def test_a_named_pipe_is_written_to_not_replaced(tmp_path, through_link):
    """Renaming a file over a pipe (or /dev/stdout's terminal) would replace it: a reader would
    wait forever and the next program to open the path would find a file."""
    import stat
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    target = fifo
    if through_link:  # like /dev/stdout -> /proc/self/fd/1
        target = tmp_path / "link"
        target.symlink_to(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    atomic_write_bytes(target, b"streamed" * 20000)
    reader.join(timeout=10)
    assert received == [b"streamed" * 20000]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted({"pipe", target.name})


def test_a_socket_is_refused(tmp_path):
    import socket

    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(DesignSaveError, match="not a regular file"):
            atomic_write_bytes(path, b"x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s"]


@pytest.mark.parametrize("name", ["a" * 240 + ".svg", "推" * 83 + ".mlsd"])
def test_a_name_near_the_length_limit_is_written(tmp_path, name):
    """The temporary name added ~30 bytes to the target's: a valid name of 230-255 bytes
    failed with 'could not write (File name too long)'."""
    target = tmp_path / name
    atomic_write_bytes(target, b"data")
    assert target.read_bytes() == b"data"
    assert [p.name for p in tmp_path.iterdir()] == [name]


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs /proc (Linux)")
def test_a_folder_that_takes_no_new_file_is_not_called_missing():
    with pytest.raises(DesignSaveError) as info:
        atomic_write_bytes("/proc/self/x.svg", b"x")
    assert info.value.problem == "no file can be created in /proc/self; nothing was changed"


def test_a_named_pipe_with_no_reader_is_refused_at_once(tmp_path):
    """`mlsd export d.mlsd --mermaid f.mmd` on a FIFO nobody reads used to block for ever."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    script = textwrap.dedent(
        f"""
        from app.persistence import DesignSaveError
        from app.persistence.atomic import atomic_write_bytes
        try:
            atomic_write_bytes({str(fifo)!r}, b"data")
        except DesignSaveError as exc:
            print(exc)
        """
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    try:
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=20
        )
    except subprocess.TimeoutExpired:
        pytest.fail("writing to a pipe with no reader blocked")
    message = "no program is reading the pipe; start the reader first; nothing was written"
    assert done.stdout.strip() == f"{fifo}: {message}"
    import stat

    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]
