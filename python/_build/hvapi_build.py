"""PEP 517 build backend for hvapi that never needs the network.

Why it exists: pip builds in an isolated environment by default and downloads the backend's
requirements there; on a machine without a package index even ``setuptools`` cannot be
fetched, and some interpreters have ``setuptools`` without ``wheel`` (which setuptools < 70.1
needs to build a wheel). So:

* when the running interpreter can build with setuptools (``pip install --no-build-isolation``
  on an interpreter with setuptools and wheel), every hook is setuptools.build_meta's;
* otherwise (the default isolated build, or no ``wheel``) the hooks below build the wheel,
  the editable wheel and the sdist with the standard library alone. hvapi is pure Python
  (plus, optionally, a prebuilt libhvapi copied next to the package), so that is a zip file
  with a ``.dist-info`` directory.

Metadata comes from ``pyproject.toml``'s ``[project]`` table in both cases.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import os
import re
import sysconfig
import tarfile
import zipfile
from typing import Any, Dict, List, Optional, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "hvapi"
LIBRARIES = ("libhvapi.so", "libhvapi.dylib", "hvapi.dll")


def _setuptools_backend() -> Optional[Any]:
    """setuptools.build_meta if this interpreter can build a wheel with it, else None."""
    try:
        import setuptools
        from setuptools import build_meta
    except ImportError:
        return None
    version = tuple(int(p) for p in re.findall(r"\d+", setuptools.__version__)[:2])
    if version < (61, 0):
        return None  # no [project] table support
    if version < (70, 1) and importlib.util.find_spec("wheel") is None:
        return None  # setuptools < 70.1 needs the wheel package for bdist_wheel
    return build_meta


_SETUPTOOLS = _setuptools_backend()


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
    # Python < 3.11 in an isolated build: the few `key = "string"` lines we need.
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


# -- wheels ------------------------------------------------------------------------------


def _package_files() -> List[Tuple[str, str]]:
    """(archive name, file path) of everything the wheel installs."""
    files = []
    pkg_dir = os.path.join(ROOT, PACKAGE)
    for entry in sorted(os.listdir(pkg_dir)):
        path = os.path.join(pkg_dir, entry)
        if os.path.isfile(path) and (entry.endswith(".py") or entry == "py.typed"
                                     or entry in LIBRARIES):
            files.append((f"{PACKAGE}/{entry}", path))
    return files


def _tag(files: List[Tuple[str, str]]) -> Tuple[str, bool]:
    """The wheel tag: pure Python, unless a prebuilt library is bundled."""
    if any(os.path.basename(path) in LIBRARIES for _, path in files):
        platform = sysconfig.get_platform().replace("-", "_").replace(".", "_")
        return f"py3-none-{platform}", False
    return "py3-none-any", True


def _write_wheel(directory: str, entries: List[Tuple[str, bytes]], tag: str, purelib: bool) -> str:
    name, version, metadata = _metadata()
    dist_info = f"{name}-{version}.dist-info"
    wheel_meta = (
        "Wheel-Version: 1.0\nGenerator: hvapi_build\n"
        f"Root-Is-Purelib: {'true' if purelib else 'false'}\nTag: {tag}\n"
    )
    entries = entries + [
        (f"{dist_info}/METADATA", metadata.encode("utf-8")),
        (f"{dist_info}/WHEEL", wheel_meta.encode("utf-8")),
        (f"{dist_info}/top_level.txt", f"{PACKAGE}\n".encode("utf-8")),
    ]
    record = []
    for arcname, data in entries:
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{arcname},sha256={digest},{len(data)}")
    record.append(f"{dist_info}/RECORD,,")
    entries.append((f"{dist_info}/RECORD", ("\n".join(record) + "\n").encode("utf-8")))
    filename = f"{name}-{version}-{tag}.whl"
    with zipfile.ZipFile(os.path.join(directory, filename), "w", zipfile.ZIP_DEFLATED) as zf:
        for arcname, data in entries:
            info = zipfile.ZipInfo(arcname, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return filename


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def _own_build_wheel(wheel_directory: str) -> str:
    files = _package_files()
    tag, purelib = _tag(files)
    return _write_wheel(wheel_directory, [(a, _read(p)) for a, p in files], tag, purelib)


def _own_build_editable(wheel_directory: str) -> str:
    # PEP 660: a .pth file that puts this source tree on sys.path.
    return _write_wheel(wheel_directory, [(f"__editable__.{PACKAGE}.pth", (ROOT + "\n").encode())],
                        "py3-none-any", True)


def _own_build_sdist(sdist_directory: str) -> str:
    name, version, metadata = _metadata()
    base = f"{name}-{version}"
    filename = f"{base}.tar.gz"
    members = ["pyproject.toml", "README.md", "MANIFEST.in", "run-tests.sh", PACKAGE, "_build", "tests"]
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz", format=tarfile.PAX_FORMAT) as tf:
        for member in members:
            path = os.path.join(ROOT, member)
            if os.path.exists(path):
                tf.add(path, arcname=f"{base}/{member}",
                       filter=lambda ti: None if "__pycache__" in ti.name
                       or os.path.basename(ti.name) in LIBRARIES else ti)
        data = metadata.encode("utf-8")
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        info.size = len(data)
        tf.addfile(info, io.BytesIO(data))
    return filename


# -- the PEP 517 / PEP 660 hooks -------------------------------------------------------------


def get_requires_for_build_wheel(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    if _SETUPTOOLS is not None:
        return _SETUPTOOLS.get_requires_for_build_wheel(config_settings)
    return []


def get_requires_for_build_sdist(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    if _SETUPTOOLS is not None:
        return _SETUPTOOLS.get_requires_for_build_sdist(config_settings)
    return []


def get_requires_for_build_editable(config_settings: Optional[Dict[str, Any]] = None) -> List[str]:
    if _SETUPTOOLS is not None and hasattr(_SETUPTOOLS, "get_requires_for_build_editable"):
        return _SETUPTOOLS.get_requires_for_build_editable(config_settings)
    return []


def build_wheel(wheel_directory: str, config_settings: Optional[Dict[str, Any]] = None,
                metadata_directory: Optional[str] = None) -> str:
    if _SETUPTOOLS is not None:
        return _SETUPTOOLS.build_wheel(wheel_directory, config_settings, metadata_directory)
    return _own_build_wheel(wheel_directory)


def build_sdist(sdist_directory: str, config_settings: Optional[Dict[str, Any]] = None) -> str:
    if _SETUPTOOLS is not None:
        return _SETUPTOOLS.build_sdist(sdist_directory, config_settings)
    return _own_build_sdist(sdist_directory)


def build_editable(wheel_directory: str, config_settings: Optional[Dict[str, Any]] = None,
                   metadata_directory: Optional[str] = None) -> str:
    if _SETUPTOOLS is not None and hasattr(_SETUPTOOLS, "build_editable"):
        return _SETUPTOOLS.build_editable(wheel_directory, config_settings, metadata_directory)
    return _own_build_editable(wheel_directory)
