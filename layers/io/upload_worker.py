"""Parse an upload in a child process with a time and a memory limit.

An upload is the one input a stranger with an editor account controls byte by byte, and GDAL
and JSON parsers can be made to spend unbounded time (a GeoPackage view that recurses) or
memory (millions of coordinates). Run in the server process, one such file stalls or swells
the server for every viewer. Here the parse runs in `python -m layers.io.upload_worker`:
- address space (RLIMIT_AS) and CPU seconds (RLIMIT_CPU) are capped by the kernel, and the
  parent kills the child when the wall-clock limit passes;
- GDAL's VRT drivers are skipped and its network reads refused (configuration in the child's
  environment, so it is in place when GDAL loads), whatever a file names inside it;
- the child gets the bytes on stdin and answers JSON on stdout; it writes only its temporary
  folder.
The editor sees which limit was hit; nothing of the working copy is touched (the caller only
previews).
"""
from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
from dataclasses import dataclass

from layers.io.importing import ImportResult, UploadError, read_upload

# Set in the child's environment before GDAL is loaded there.
GDAL_LOCKDOWN = {
    "GDAL_SKIP": "VRT,OGR_VRT,Derived,GTI",  # files that name other files or URLs
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".__no_network__",  # /vsicurl/ finds nothing
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_PROXY": "127.0.0.1:9",  # the discard port: any HTTP GDAL still tried fails fast
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
}


@dataclass(frozen=True)
class Limits:
    seconds: float = 30.0
    memory_mb: int = 1536  # address space, which counts the interpreter and GDAL themselves


def _limit_self(limits: Limits) -> None:
    """Called first thing in the child, before it reads a byte of the upload (a preexec_fn
    would do the same in the parent's fork, which is unsafe in a threaded server)."""
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(limits.seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))


def read_upload_bounded(raw: bytes, filename: str, declared_crs: str | None = None, encoding: str = "auto",
                        limits: Limits = Limits()) -> ImportResult:
    """read_upload in a child process under `limits`; UploadError names the limit it hit."""
    request = json.dumps({"filename": filename, "crs": declared_crs, "encoding": encoding}).encode() + b"\n"
    env = {**os.environ, **GDAL_LOCKDOWN, "PYTHONPATH": os.pathsep.join(filter(None, [_repo_root(), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.Popen([sys.executable, "-m", "layers.io.upload_worker", str(limits.seconds), str(limits.memory_mb)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                            start_new_session=True)  # its own group: a kill reaches anything GDAL started
    try:
        out, err = proc.communicate(request + raw, timeout=limits.seconds)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise UploadError(f"{filename}: took too long: reading stopped after {limits.seconds:g} s "
                          "(the import time limit); is it a very large or unusual file?") from None
    if proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        raise UploadError(f"{filename}: took too long: reading stopped at the import CPU limit "
                          f"({limits.seconds:g} s)")
    try:
        answer = json.loads(out.decode("utf-8"))
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        if b"MemoryError" in err or b"std::bad_alloc" in err or proc.returncode == -signal.SIGABRT:
            raise UploadError(_too_large(filename, limits))
        raise UploadError(f"{filename} could not be read (the reader stopped with code {proc.returncode})")
    if "error" in answer:
        raise UploadError(answer["error"])
    return ImportResult(answer["collection"], answer["source_crs"], answer["notes"])


def _too_large(filename: str, limits: Limits) -> str:
    return (f"{filename}: too large to read within the import memory limit ({limits.memory_mb} MB); "
            "split the file or simplify its geometry")


def _repo_root() -> str:
    from layers import settings
    return str(settings.REPO_ROOT)


def _main() -> int:
    limits = Limits(float(sys.argv[1]), int(sys.argv[2]))
    _limit_self(limits)
    request = json.loads(sys.stdin.buffer.readline())
    raw = sys.stdin.buffer.read()
    try:
        result = read_upload(raw, request["filename"], request["crs"], request["encoding"])
        del raw
        answer = json.dumps({"collection": result.collection, "source_crs": result.source_crs,
                             "notes": result.notes}, ensure_ascii=False, allow_nan=False)
    except UploadError as exc:
        answer = json.dumps({"error": str(exc)})
    except MemoryError:
        answer = json.dumps({"error": _too_large(request["filename"], limits)})
    except ValueError:  # NaN or infinity left in the data: JSON has no word for them
        answer = json.dumps({"error": f"{request['filename']}: coordinates or values that are not numbers (NaN)"})
    sys.stdout.write(answer)
    return 0


if __name__ == "__main__":
    sys.exit(_main())
