"""Finding and loading the library, the ctypes table, and string ownership."""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

import hvapi
import worlds
from hvapi import _library
from helpers import HEADER

NAME = hvapi.library_file_name()


# -- lookup ------------------------------------------------------------------------------


def test_file_name_per_platform() -> None:
    assert hvapi.library_file_name("linux") == "libhvapi.so"
    assert hvapi.library_file_name("darwin") == "libhvapi.dylib"
    assert hvapi.library_file_name("win32") == "hvapi.dll"


def _touch(directory, name: str) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(b"")
    return str(directory / name)


def test_windows_looks_for_hvapi_dll_in_the_package_then_the_variable_then_path(tmp_path) -> None:
    pkg, first, second, env = (tmp_path / d for d in ("pkg", "bin1", "bin2", "env"))
    path = f"{first};{second}"  # Windows' separator, on any host
    on_path = _touch(second, "hvapi.dll")
    _touch(first, "libhvapi.so")  # not the Windows name
    assert hvapi.find_library(package_dir=pkg, environ={"PATH": path}, platform="win32") == on_path
    in_env = _touch(env, "hvapi.dll")
    environ = {"PATH": path, "HVAPI_LIBRARY": str(env)}
    assert hvapi.find_library(package_dir=pkg, environ=environ, platform="win32") == in_env
    in_pkg = _touch(pkg, "hvapi.dll")
    assert hvapi.find_library(package_dir=pkg, environ=environ, platform="win32") == in_pkg
    places = hvapi.candidate_paths(package_dir=pkg, environ=environ, platform="win32")
    assert places == [
        ("next to the package", in_pkg),
        ("$HVAPI_LIBRARY", in_env),
        ("on PATH", str(first / "hvapi.dll")),
        ("on PATH", on_path),
    ]


def test_only_windows_searches_path(tmp_path) -> None:
    _touch(tmp_path / "bin", "libhvapi.so")
    for platform in ("linux", "darwin"):
        environ = {"PATH": str(tmp_path / "bin")}
        with pytest.raises(hvapi.HvLibraryNotFound) as info:
            hvapi.find_library(package_dir=tmp_path / "pkg", environ=environ, platform=platform)
        assert len(info.value.places) == 2


def test_windows_not_found_names_hvapi_dll_and_each_path_directory(tmp_path) -> None:
    environ = {"PATH": f"{tmp_path / 'a'};;{tmp_path / 'b'}"}
    with pytest.raises(hvapi.HvLibraryNotFound) as info:
        hvapi.find_library(package_dir=tmp_path, environ=environ, platform="win32")
    message = str(info.value)
    assert str(tmp_path / "hvapi.dll") in message
    assert str(tmp_path / "a" / "hvapi.dll") in message and str(tmp_path / "b" / "hvapi.dll") in message
    assert "copy hvapi.dll next to the hvapi package" in message


def test_on_windows_the_default_platform_is_this_interpreters(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(sys, "platform", "win32")
    assert hvapi.library_file_name() == "hvapi.dll"
    dll = _touch(tmp_path / "bin", "hvapi.dll")
    assert hvapi.find_library(package_dir=tmp_path, environ={"PATH": str(tmp_path / "bin")}) == dll


def test_on_windows_the_library_folder_is_a_dll_directory_while_loading(lib, monkeypatch) -> None:
    # The Linux build stands in for hvapi.dll: only the Windows steps around ctypes.CDLL differ.
    added = []

    class Added:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            added.append("removed")

    def add_dll_directory(path):
        added.append(path)
        return Added()

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(os, "add_dll_directory", add_dll_directory, raising=False)
    loaded = _library.Library(lib.path)
    assert loaded.version() == lib.version()
    assert added == [os.path.dirname(os.path.abspath(lib.path)), "removed"]


def test_package_directory_comes_before_the_environment(tmp_path, lib) -> None:
    shutil.copy(lib.path, tmp_path / NAME)
    found = hvapi.find_library(package_dir=tmp_path, environ={"HVAPI_LIBRARY": lib.path})
    assert found == str(tmp_path / NAME)


def test_environment_variable_is_used_when_the_package_has_no_library(tmp_path, lib) -> None:
    assert hvapi.find_library(package_dir=tmp_path, environ={"HVAPI_LIBRARY": lib.path}) == lib.path


def test_environment_variable_may_name_a_directory(tmp_path, lib) -> None:
    libdir = tmp_path / "lib"
    libdir.mkdir()
    shutil.copy(lib.path, libdir / NAME)
    found = hvapi.find_library(package_dir=tmp_path, environ={"HVAPI_LIBRARY": str(libdir)})
    assert found == str(libdir / NAME)


def test_not_found_names_every_place_looked(tmp_path) -> None:
    with pytest.raises(hvapi.HvLibraryNotFound) as info:
        hvapi.find_library(package_dir=tmp_path, environ={})
    err = info.value
    assert isinstance(err, OSError) and isinstance(err, hvapi.HvError)
    assert str(tmp_path / NAME) in str(err)
    assert "HVAPI_LIBRARY" in str(err) and "not set" in str(err)
    assert len(err.places) == 2


def test_not_found_names_the_missing_environment_path(tmp_path) -> None:
    missing = str(tmp_path / "nowhere" / NAME)
    with pytest.raises(hvapi.HvLibraryNotFound) as info:
        hvapi.find_library(package_dir=tmp_path, environ={"HVAPI_LIBRARY": missing})
    assert missing in str(info.value)
    assert str(tmp_path / NAME) in str(info.value)
    assert [p.split(" (")[0] for p in info.value.places] == [str(tmp_path / NAME), missing]


def test_explicit_missing_path_is_not_found(tmp_path) -> None:
    with pytest.raises(hvapi.HvLibraryNotFound):
        hvapi.load_library(tmp_path / NAME)
    with pytest.raises(hvapi.HvLibraryNotFound):
        hvapi.connect(demo={}, library=tmp_path / NAME)


def test_a_file_that_is_not_a_library_is_a_load_error(tmp_path) -> None:
    bogus = tmp_path / NAME
    bogus.write_bytes(b"this is not a shared object")
    with pytest.raises(hvapi.HvLibraryError) as info:
        hvapi.load_library(bogus)
    assert not isinstance(info.value, hvapi.HvLibraryNotFound)
    assert isinstance(info.value, OSError)
    assert str(bogus) in str(info.value)


def test_a_library_without_the_exports_is_refused() -> None:
    libc = ctypes.util.find_library("c")
    if libc is None:
        pytest.skip("no C library to load")
    with pytest.raises(hvapi.HvLibraryError) as info:
        hvapi.Library(libc)  # loads, but has none of the hv_* exports
    assert "hv_client_open" in str(info.value)


def test_connect_without_any_library_raises_not_found(tmp_path) -> None:
    if os.path.exists(os.path.join(os.path.dirname(hvapi.__file__), NAME)):
        pytest.skip("a library sits next to the package; lookup would find it")
    env = dict(os.environ, HVAPI_LIBRARY=str(tmp_path / "missing.so"),
               PYTHONPATH=os.path.dirname(os.path.dirname(hvapi.__file__)))
    code = (
        "import hvapi\n"
        "try:\n    hvapi.connect()\n"
        "except hvapi.HvLibraryNotFound as e:\n    print('NOTFOUND', e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("NOTFOUND")
    assert str(tmp_path / "missing.so") in out.stdout
    assert os.path.join(os.path.dirname(hvapi.__file__), NAME) in out.stdout


def test_library_next_to_the_package_is_found_without_the_environment(tmp_path, lib) -> None:
    package = tmp_path / "hvapi"
    shutil.copytree(os.path.dirname(hvapi.__file__), package,
                    ignore=shutil.ignore_patterns("__pycache__", "libhvapi.*", "hvapi.dll"))
    shutil.copy(lib.path, package / NAME)
    env = {k: v for k, v in os.environ.items() if k != "HVAPI_LIBRARY"}
    env["PYTHONPATH"] = str(tmp_path)
    code = (
        "import hvapi\n"
        "with hvapi.connect(demo={}) as c:\n"
        "    print(c.library.path, hvapi.library_version())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=60, cwd=str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[0] == os.path.realpath(package / NAME)


# -- the ctypes table --------------------------------------------------------------------


def test_table_declares_every_contract_function() -> None:
    for base in ("hv_version", "hv_client_open", "hv_client_close", "hv_string_free", "hv_invoke"):
        assert base in hvapi.FUNCTIONS
    assert len(hvapi.METHODS) == 24
    assert len({m.name for m in hvapi.METHODS}) == 24
    for method in hvapi.METHODS:
        argtypes, restype = hvapi.FUNCTIONS[method.export]
        assert restype is ctypes.c_int32
        assert argtypes[0] is ctypes.c_void_p and argtypes[1] is ctypes.c_char_p
        assert argtypes[2] == ctypes.POINTER(ctypes.c_void_p)
    # no returned string is ever declared c_char_p (that would leak it)
    assert all(restype is not ctypes.c_char_p for _, restype in hvapi.FUNCTIONS.values())


def test_loaded_functions_carry_the_declared_types(lib) -> None:
    for name, (argtypes, restype) in hvapi.FUNCTIONS.items():
        fn = lib.function(name)
        assert list(fn.argtypes) == list(argtypes), name
        assert fn.restype is restype, name


def test_table_agrees_with_the_c_header() -> None:
    if not os.path.exists(HEADER):
        pytest.skip("include/hvapi.h not found (tests run outside the repository)")
    text = open(HEADER, encoding="utf-8").read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    declared = {}
    for m in re.finditer(r"([A-Za-z_][\w \*]*?)\b(hv_\w+)\s*\(([^)]*)\)\s*;", text):
        declared[m.group(2)] = (m.group(1).strip(), [a.strip() for a in m.group(3).split(",")])
    assert set(declared) == set(hvapi.FUNCTIONS), (
        f"only in header: {sorted(set(declared) - set(hvapi.FUNCTIONS))}, "
        f"only in wrapper: {sorted(set(hvapi.FUNCTIONS) - set(declared))}"
    )
    for name, (ret, args) in declared.items():
        argtypes, restype = hvapi.FUNCTIONS[name]
        n_args = 0 if args == ["void"] or args == [""] else len(args)
        assert n_args == len(argtypes), name
        if restype is None:
            assert ret == "void", name
    for method in hvapi.METHODS:
        ret, args = declared[method.export]
        assert ret == "HvStatus", method.export
        assert args[0].startswith(("HvClient", "struct HvClient", "const HvClient")), args
        assert "char" in args[1] and "**" in args[2].replace(" ", ""), args


def test_version_is_a_static_string(lib, count_calls) -> None:
    frees = count_calls("hv_string_free")
    version = lib.version()
    assert re.match(r"^\d+\.\d+\.\d+", version), version
    assert hvapi.library_version() == version
    assert frees.calls == []  # hv_version's string is never freed


# -- ownership ----------------------------------------------------------------------------


def test_every_returned_string_is_freed_once(make_client, count_calls) -> None:
    frees = count_calls("hv_string_free")
    closes = count_calls("hv_client_close")
    client = make_client(world=worlds.federation())
    assert len(frees.calls) == 1  # hv_client_open's document
    client.session.get_local_summary_view("Session/a1")  # result
    with pytest.raises(hvapi.EntityNotFound):  # fault
        client.session.get_local_summary_view("Session/none")
    client.invoke("UserHomeSite_List", {"userOrGroup": "UserOrGroup/alice"})
    with pytest.raises(hvapi.InvalidArgument):
        client.invoke("No_Such_Method", {})
    assert len(frees.calls) == 5
    client.close()
    assert len(closes.calls) == 1


def test_failed_open_frees_its_document_and_keeps_no_client(count_calls) -> None:
    frees = count_calls("hv_string_free")
    closes = count_calls("hv_client_close")
    with pytest.raises(hvapi.InvalidArgument):
        hvapi.connect(world={"sessions": [{"id": "Session/x", "user": "UserOrGroup/ghost"}]})
    assert len(frees.calls) == 1
    assert closes.calls == []


def test_abi_null_pointers(lib) -> None:
    """Section 2: NULL client/request/out_json answer HV_INVALID_ARGUMENT; NULL frees are no-ops."""
    status, document = lib.call_raw("hv_session_logoff", None, b'{"id": "Session/a1"}')
    assert status == 3 and json.loads(document)["fault"]["type"] == "InvalidArgument"
    with hvapi.connect(world=worlds.federation()) as client, client._borrow() as ptr:
        status, document = lib.call_raw("hv_session_logoff", ptr, None)
        assert status == 3 and json.loads(document)["fault"]["type"] == "InvalidArgument"
        status, document = lib.call_raw("hv_invoke", ptr, None, b"{}")
        assert status == 3
        assert lib.function("hv_session_logoff")(ptr, b'{"id": "Session/a1"}', None) == 3
        assert lib.function("hv_invoke")(ptr, b"Session_Logoff", b'{"id": "Session/a1"}', None) == 3
        # nothing happened: the session is still there
        assert client.session.get_local_summary_view("Session/a1").id == "Session/a1"
    handle = ctypes.c_void_p()
    assert lib.function("hv_client_open")(b'{"demo": {}}', ctypes.byref(handle), None) == 3
    assert handle.value is None
    lib.function("hv_client_close")(None)
    lib.free_string(None)


# -- exports and hv_invoke agree -------------------------------------------------------------


@pytest.mark.parametrize("method", hvapi.METHODS, ids=lambda m: m.name)
def test_each_export_answers_like_hv_invoke(method, make_client) -> None:
    client = make_client(world=worlds.federation())
    for request in ({}, {"id": "Session/a1", "bogus": 1}):
        body = json.dumps(request).encode()
        with client._borrow() as ptr:
            via_export = client.library.call_raw(method.export, ptr, body)
            via_invoke = client.library.call_raw("hv_invoke", ptr, method.name.encode(), body)
        assert via_export[0] == via_invoke[0]
        assert json.loads(via_export[1]) == json.loads(via_invoke[1])


def test_client_call_accepts_method_exports_only(client) -> None:
    assert client.call("hv_user_home_site_list", {"userOrGroup": worlds.user("alice")}) == []
    for name in ("hv_client_close", "hv_string_free", "hv_invoke", "hv_version", "nope"):
        with pytest.raises(ValueError):
            client.call(name, {})
    assert not client.closed


# -- answers that break the contract ------------------------------------------------------


def test_decode_answer_checks_the_contract() -> None:
    ok = _library.decode_answer("m", 0, b'{"result": [1]}')
    assert ok == [1]
    with pytest.raises(hvapi.EntityNotFound) as info:
        _library.decode_answer("m", 1, b'{"fault": {"type": "EntityNotFound", "errorMessage": "x", "id": "Session/1"}}')
    assert info.value.status == 1 and info.value.id == "Session/1"
    bad = [
        (0, None),  # no document
        (0, b"not json"),
        (0, b"[]"),
        (0, b'{"fault": {"type": "EntityNotFound"}}'),
        (3, b'{"result": null}'),
        (3, b'{"fault": {"type": "EntityNotFound", "errorMessage": "x"}}'),  # status != type
        (42, b'{"fault": {"type": "EntityNotFound", "errorMessage": "x"}}'),
        (1, b'{"fault": {"type": "NoSuchFault", "errorMessage": "x"}}'),
    ]
    for status, document in bad:
        with pytest.raises(hvapi.HvProtocolError):
            _library.decode_answer("m", status, document)
