"""PEP 517 build backend for hvapi: offline, standard library only, libhvapi inside the wheel.

Why it exists: pip builds in an isolated environment by default and downloads the backend's
requirements there; on a machine without a package index even ``setuptools`` cannot be
fetched. hvapi is pure Python plus one prebuilt native library (the Rust crate's cdylib,
called through ctypes), so a wheel is a zip file with a ``.dist-info`` directory, which the
standard library writes.

The wheel always carries the library, next to the package (``hvapi/libhvapi.so``, where
``hvapi._library`` looks first), and is tagged for its platform (``py3-none-linux_x86_64``,
``py3-none-win_amd64``, ...): never ``py3-none-any``. The library comes from, in order:

* the config setting ``library=PATH`` (``pip wheel --config-settings library=PATH``);
* for ``platform=win_amd64``: the Windows build's ``target/windows/x86_64-pc-windows-gnu/
  release/hvapi.dll`` (made by ``scripts/build-windows.sh``);
* otherwise the crate's ``target/release/libhvapi.so`` (``$CARGO_TARGET_DIR`` is honoured),
  built with ``cargo build --release --lib`` when it is missing.

The config setting ``platform=TAG`` makes a wheel for another platform (``win_amd64``).
A missing, empty or foreign library, or one whose ``hv_version()`` is not this package's
version, fails the build with :class:`BuildError`: a wheel never fails at import time for
want of its library.

The crate is the repository around ``python/`` or, in an sdist, its ``rust/`` copy (the sdist
carries the crate's sources, so a wheel can be built from it anywhere cargo is).
"""

from __future__ import annotations

import base64
import ctypes
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import zipfile
from typing import Any, Dict, List, Optional, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "hvapi"
#: What the sdist carries of the crate (under ``rust/``): enough for ``cargo build --lib``.
CRATE_FILES = ("Cargo.toml", "src", "benches", "README.md")
#: Where ``scripts/build-windows.sh`` leaves the Windows library, relative to the crate.
WINDOWS_LIBRARY = os.path.join("target", "windows", "x86_64-pc-windows-gnu", "release", "hvapi.dll")


class BuildError(RuntimeError):
    """The wheel cannot be built as asked; the message says why and what to do."""


# -- metadata ----------------------------------------------------------------------------


def _project() -> Dict[str, Any]:
    """The ``[project]`` table of pyproject.toml."""
    path = os.path.join(ROOT, "pyproject.toml")
    try:
        import tomllib  # Python 3.11+
    except ImportError:
        tomllib = None  # type: ignore[assignment]
    if tomllib is not None:
        with open(path, "rb") as fh:
            return dict(tomllib.load(fh)["project"])
    # Python < 3.11: the `key = "string"` lines and the one-line `[...]` lists we need.
    table: Dict[str, Any] = {}
    section = None
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            header = re.match(r"^\s*\[([^\]]+)\]\s*$", line)
            if header:
                section = header.group(1).strip()
                continue
            item = re.match(r'^\s*([\w-]+)\s*=\s*"([^"]*)"', line)
            if section == "project" and item:
                table[item.group(1)] = item.group(2)
            elif section == "project.urls" and item:
                table.setdefault("urls", {})[item.group(1)] = item.group(2)
    return table


def _metadata() -> Tuple[str, str, str]:
    """(normalized name, version, METADATA text)."""
    project = _project()
    name, version = project["name"], project["version"]
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {name}",
        f"Version: {version}",
    ]
    if project.get("description"):
        lines.append(f"Summary: {project['description']}")
    if project.get("requires-python"):
        lines.append(f"Requires-Python: {project['requires-python']}")
    license_ = project.get("license")
    if isinstance(license_, dict) and license_.get("text"):
        lines.append(f"License: {license_['text']}")
    for label, url in (project.get("urls") or {}).items():
        lines.append(f"Project-URL: {label}, {url}")
    for classifier in project.get("classifiers", []) or []:
        lines.append(f"Classifier: {classifier}")
    readme = os.path.join(ROOT, "README.md")
    body = ""
    if os.path.exists(readme):
        lines.append("Description-Content-Type: text/markdown")
        with open(readme, encoding="utf-8") as fh:
            body = fh.read()
    text = "\n".join(lines) + "\n\n" + body
    return re.sub(r"[-_.]+", "_", name).lower(), version, text


# -- the library ---------------------------------------------------------------------------

#: Platform tag prefix -> (library file name, the first bytes of such a file).
_FORMATS = (
    ("win", "hvapi.dll", b"MZ"),
    ("macosx", "libhvapi.dylib", b"\xcf\xfa\xed\xfe"),
    ("linux", "libhvapi.so", b"\x7fELF"),
    ("manylinux", "libhvapi.so", b"\x7fELF"),
)


def _host_platform() -> str:
    return re.sub(r"[-.]", "_", sysconfig.get_platform())


def _format(platform: str) -> Tuple[str, bytes]:
    for prefix, name, magic in _FORMATS:
        if platform.startswith(prefix):
            return name, magic
    raise BuildError(f"hvapi: no library format known for platform tag {platform!r} "
                     f"(known: {', '.join(p + '_*' for p, _, _ in _FORMATS)})")


def _crate_dir() -> Optional[str]:
    """The Rust crate: the repository around python/, or an sdist's rust/ copy."""
    for path in (os.path.dirname(ROOT), os.path.join(ROOT, "rust")):
        manifest = os.path.join(path, "Cargo.toml")
        if os.path.isfile(manifest):
            with open(manifest, encoding="utf-8") as fh:
                if re.search(r'(?m)^name\s*=\s*"hvapi"\s*$', fh.read()):
                    return path
    return None


def _cargo_build(crate: str) -> None:
    cargo = shutil.which("cargo")
    if cargo is None:
        raise BuildError("hvapi: libhvapi is not built and cargo is not on PATH: install Rust, "
                         "or build the library elsewhere and pass --config-settings library=PATH")
    print(f"hvapi: building libhvapi with cargo in {crate}", file=sys.stderr)
    # cargo's progress goes to our stderr; our stdout belongs to the frontend.
    code = subprocess.call([cargo, "build", "--release", "--lib",
                            "--manifest-path", os.path.join(crate, "Cargo.toml")],
                           stdout=sys.stderr)
    if code != 0:
        raise BuildError(f"hvapi: `cargo build --release --lib` failed (exit {code}); no wheel built")


def _default_library(platform: str, name: str) -> str:
    crate = _crate_dir()
    if crate is None:
        raise BuildError(f"hvapi: no {name} given (--config-settings library=PATH) and no hvapi "
                         f"crate to build it from next to {ROOT}")
    if platform == "win_amd64":
        path = os.path.join(crate, WINDOWS_LIBRARY)
        if not os.path.isfile(path):
            raise BuildError(f"hvapi: {path} is missing: run scripts/build-windows.sh first")
        return path
    if platform != _host_platform():
        raise BuildError(f"hvapi: a {platform} wheel needs --config-settings library=PATH "
                         f"(this machine builds {_host_platform()})")
    target = os.path.join(crate, os.environ.get("CARGO_TARGET_DIR") or "target")
    path = os.path.join(target, "release", name)
    if not os.path.isfile(path):
        _cargo_build(crate)
    return path


def _loaded_version(path: str) -> str:
    lib = ctypes.CDLL(os.path.abspath(path))
    lib.hv_version.restype = ctypes.c_char_p
    return lib.hv_version().decode("utf-8")


def _library(config_settings: Optional[Dict[str, Any]]) -> Tuple[str, str]:
    """(platform tag, path of the library to bundle), checked; BuildError otherwise."""
    settings = config_settings or {}
    platform = settings.get("platform") or _host_platform()
    name, magic = _format(platform)
    path = settings.get("library") or _default_library(platform, name)
    if os.path.basename(path) != name:
        raise BuildError(f"hvapi: a {platform} wheel carries {name}, not {os.path.basename(path)}")
    if not os.path.isfile(path):
        raise BuildError(f"hvapi: the library {path} does not exist; no wheel built")
    with open(path, "rb") as fh:
        head = fh.read(len(magic))
    if head != magic:
        raise BuildError(f"hvapi: {path} is not a {platform} library (it starts {head!r})")
    if platform == _host_platform():
        _, version, _ = _metadata()
        try:
            found = _loaded_version(path)
        except (OSError, AttributeError) as exc:
            raise BuildError(f"hvapi: {path} cannot be loaded: {exc}") from exc
        if found != version:
            raise BuildError(f"hvapi: {path} is libhvapi {found}, this package is {version}: "
                             "rebuild it (cargo build --release --lib)")
    print(f"hvapi: bundling {path} ({os.path.getsize(path)} bytes) for {platform}", file=sys.stderr)
    return platform, path


# -- wheels ------------------------------------------------------------------------------


def _package_files() -> List[Tuple[str, str]]:
    """(archive name, file path) of the package's Python files."""
    files = []
    pkg_dir = os.path.join(ROOT, PACKAGE)
    for entry in sorted(os.listdir(pkg_dir)):
        path = os.path.join(pkg_dir, entry)
        if os.path.isfile(path) and (entry.endswith(".py") or entry == "py.typed"):
            files.append((f"{PACKAGE}/{entry}", path))
    return files


def _write_wheel(directory: str, entries: List[Tuple[str, bytes, int]], tag: str, purelib: bool) -> str:
    """Writes the wheel of ``entries`` ((archive name, data, mode)); returns its file name."""
    name, version, metadata = _metadata()
    dist_info = f"{name}-{version}.dist-info"
    wheel_meta = (
        "Wheel-Version: 1.0\nGenerator: hvapi_build\n"
        f"Root-Is-Purelib: {'true' if purelib else 'false'}\nTag: {tag}\n"
    )
    entries = entries + [
        (f"{dist_info}/METADATA", metadata.encode("utf-8"), 0o644),
        (f"{dist_info}/WHEEL", wheel_meta.encode("utf-8"), 0o644),
        (f"{dist_info}/top_level.txt", f"{PACKAGE}\n".encode("utf-8"), 0o644),
    ]
    license_file = _license_file()
    if license_file is not None:
        entries.append((f"{dist_info}/LICENSE", _read(license_file), 0o644))
    record = []
    for arcname, data, _ in entries:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{arcname},sha256={digest},{len(data)}")
    record.append(f"{dist_info}/RECORD,,")
    entries.append((f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode("utf-8"), 0o644))
    filename = f"{name}-{version}-{tag}.whl"
    with zipfile.ZipFile(os.path.join(directory, filename), "w", zipfile.ZIP_DEFLATED) as zf:
        for arcname, data, mode in entries:
            info = zipfile.ZipInfo(arcname, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = mode << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return filename


def _license_file() -> Optional[str]:
    """LICENSE: in an sdist's root, or in the repository's."""
    for path in (os.path.join(ROOT, "LICENSE"), os.path.join(os.path.dirname(ROOT), "LICENSE")):
        if os.path.isfile(path):
            return path
    return None


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def _stripped(path: str) -> bytes:
    """The library without its debug information (the release profile keeps it: 30 MB -> 5 MB),
    when binutils' strip is here (it reads ELF and PE); else the file as it is."""
    strip = shutil.which("strip")
    if strip is None:
        print("hvapi: strip not found; the library keeps its debug information", file=sys.stderr)
        return _read(path)
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, os.path.basename(path))
        shutil.copyfile(path, copy)
        if subprocess.call([strip, "--strip-debug", copy]) != 0:
            raise BuildError(f"hvapi: strip --strip-debug {path} failed")
        return _read(copy)


def build_wheel(wheel_directory: str, config_settings: Optional[Dict[str, Any]] = None,
                metadata_directory: Optional[str] = None) -> str:
    platform, library = _library(config_settings)
    entries = [(arcname, _read(path), 0o644) for arcname, path in _package_files()]
    entries.append((f"{PACKAGE}/{os.path.basename(library)}", _stripped(library), 0o755))
    return _write_wheel(wheel_directory, entries, f"py3-none-{platform}", purelib=False)


def prepare_metadata_for_build_wheel(metadata_directory: str,
                                     config_settings: Optional[Dict[str, Any]] = None) -> str:
    # Without this hook pip builds the whole wheel once just to read its METADATA.
    name, version, metadata = _metadata()
    dist_info = f"{name}-{version}.dist-info"
    os.makedirs(os.path.join(metadata_directory, dist_info), exist_ok=True)
    with open(os.path.join(metadata_directory, dist_info, "METADATA"), "w", encoding="utf-8") as fh:
        fh.write(metadata)
    return dist_info


def build_editable(wheel_directory: str, config_settings: Optional[Dict[str, Any]] = None,
                   metadata_directory: Optional[str] = None) -> str:
    # PEP 660: a .pth file that puts this source tree on sys.path; the library is found
    # through $HVAPI_LIBRARY (or a copy in hvapi/), as for the tests.
    entries = [(f"__editable__.{PACKAGE}.pth", (ROOT + "\n").encode(), 0o644)]
    return _write_wheel(wheel_directory, entries, "py3-none-any", purelib=True)


def build_sdist(sdist_directory: str, config_settings: Optional[Dict[str, Any]] = None) -> str:
    name, version, metadata = _metadata()
    base = f"{name}-{version}"
    filename = f"{base}.tar.gz"
    members = [(os.path.join(ROOT, m), m)
               for m in ("pyproject.toml", "README.md", "run-tests.sh", PACKAGE, "_build", "tests")]
    crate = _crate_dir()
    if crate == os.path.dirname(ROOT):  # the repository: the crate's sources go to rust/
        members += [(os.path.join(crate, m), f"rust/{m}") for m in CRATE_FILES]
    else:  # an sdist: its rust/ again
        members.append((os.path.join(ROOT, "rust"), "rust"))
    license_file = _license_file()
    if license_file is not None:
        members.append((license_file, "LICENSE"))

    def keep(ti: tarfile.TarInfo) -> Optional[tarfile.TarInfo]:
        if "__pycache__" in ti.name or re.search(r"(^|/)(lib)?hvapi\.(so|dylib|dll)$", ti.name):
            return None
        return ti

    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz", format=tarfile.PAX_FORMAT) as tf:
        for path, arcname in members:
            if os.path.exists(path):
                tf.add(path, arcname=f"{base}/{arcname}", filter=keep)
        data = metadata.encode("utf-8")
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    return filename


# The frontends call get_requires_* before building: nothing beyond the standard library.
def get_requires_for_build_wheel(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    return []


def get_requires_for_build_sdist(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    return []


def get_requires_for_build_editable(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    return []
