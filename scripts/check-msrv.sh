#!/usr/bin/env bash
# Keeps Cargo.toml's promise, rust-version = "1.63": the library, `hvapi serve`, the tests and
# the examples build for Linux with Debian's rustc 1.63 (`cargo check`, target/msrv), as
# scripts/build-windows.sh builds the library for Windows with it. The benches are left out:
# they use std::hint::black_box (1.66) and run only with rustup's Rust. Skipped, with one line,
# where Debian's rustc is missing (scripts/setup.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/tools.sh
if [ ! -x /usr/bin/rustc ] || [ ! -x /usr/bin/cargo ]; then
  echo "msrv: skipped: Debian's rustc and cargo missing"
  exit 0
fi
echo "msrv: $(/usr/bin/rustc --version): cargo check --lib --bins --tests --examples"
debian_cargo target/msrv check --quiet --lib --bins --tests --examples
echo "msrv: the crate builds with rustc 1.63"
