//! Moving a project in and out of the playground: share links and saved sessions (`share`,
//! over `deflate`), zip export and import (`zip`), and embeds in other pages.

pub mod deflate;
pub mod embed;
pub mod export;
pub mod import;
pub mod share;
pub mod zip;
