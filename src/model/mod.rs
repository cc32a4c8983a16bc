//! The data of the contract: ids, the strict JSON reader, the data objects clients receive, and
//! the times they carry. Nothing here knows a rule of the services.

pub mod id;
pub mod objects;
pub mod reader;
pub mod time;

pub use id::{expect_id, id_type, IdType};
