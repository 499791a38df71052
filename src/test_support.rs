//! Test doubles shared by the unit tests: a clock stopped at one instant and revision ids
//! counted up from a base, so generated files are the same on every run.

use crate::commands::{Clock, IdSource};
use crate::script::naming::CreateDate;

/// Always 2026-11-28 (the `Create Date` every test file shows).
pub struct FixedClock;

impl Clock for FixedClock {
    fn now(&self) -> CreateDate {
        CreateDate::from_unix_micros(1_795_826_626_094_752)
    }
}

/// Revision ids `base + 1`, `base + 2`, ... as 12 hex digits.
pub struct CountingIds {
    base: u64,
    count: u64,
}

impl CountingIds {
    pub fn new(base: u64) -> CountingIds {
        CountingIds { base, count: 0 }
    }
}

impl IdSource for CountingIds {
    fn new_revision_id(&mut self) -> String {
        self.count += 1;
        format!("{:012x}", self.base + self.count)
    }
}
