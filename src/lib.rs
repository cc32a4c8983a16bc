//! # hvapi
//!
//! VMware/Omnissa Horizon's `Session` and `UserHomeSite` services (View API 7.1) as a Rust
//! library with a C ABI: JSON in, JSON out. The default backend is an embedded simulator of a
//! Horizon pod federation, so Horizon automation can be run and tested without a Horizon lab.
//!
//! The behaviour is the contract in `shared/spec/CONTRACT.md`; choices where it is silent are
//! in `README.md` ("Behaviour where the contract is silent").
//!
//! ## Layers (data flows one way)
//! - [`ffi`]: the C boundary. Checks pointers and UTF-8, catches panics, writes one JSON
//!   document per call. Start reading here for the ABI.
//! - [`client`]: a client owns one backend; parses JSON requests into typed ones.
//! - [`service`]: the contract's rules: the method table, request checks, privileges and
//!   events as data, the Session and UserHomeSite rules, queries.
//! - [`backend`]: what answers: [`backend::embedded`] (the simulated federation, its store
//!   and indexes, the world loader and the demo generator).
//! - [`model`]: ids, the strict JSON reader, data objects, times. [`fault`]: the one fault type.

pub mod backend;
pub mod client;
pub mod fault;
pub mod ffi;
pub mod model;
pub mod rest;
pub mod service;

pub use client::Client;
pub use fault::{Fault, HvStatus};
pub use service::{Method, METHODS};
