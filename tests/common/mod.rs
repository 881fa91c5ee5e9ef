//! Helpers shared by several test files (each includes this folder with `mod common;`): the
//! mutation corpus of scenario texts ([`mutation`]) and the output-folder helpers of the CLI safety
//! tests ([`folder`]) and the poll's oracle on the baseline ([`voters`]). Not every test file uses
//! every helper, hence
//! the `dead_code` allowance.
#![allow(dead_code)]

pub mod folder;
pub mod mutation;
pub mod voters;
