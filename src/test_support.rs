//! Test doubles shared by the unit tests: a clock stopped at one instant and revision ids
//! counted up from a base, so generated files are the same on every run.

use crate::host::CreateDate;
use crate::host::{Clock, IdSource};

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

/// A small deterministic random source for the no-panic tests.
pub struct Xorshift(pub u64);

impl Xorshift {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, bound: usize) -> usize {
        (self.next() % (bound.max(1) as u64)) as usize
    }
}

/// `source` with 1 to 6 random edits: deletions, inserted `fragments`, copied runs,
/// random characters.
pub fn mutate(random: &mut Xorshift, source: &str, fragments: &[&str]) -> String {
    let mut characters: Vec<char> = source.chars().collect();
    let edits = 1 + random.below(6);
    for _ in 0..edits {
        let at = random.below(characters.len() + 1);
        match random.below(5) {
            0 if !characters.is_empty() => {
                let length = 1 + random.below(8);
                let end = (at + length).min(characters.len());
                characters.drain(at.min(end)..end);
            }
            1 => {
                let Some(fragment) = fragments.get(random.below(fragments.len())) else {
                    continue;
                };
                for (offset, character) in fragment.chars().enumerate() {
                    characters.insert(at + offset, character);
                }
            }
            2 if !characters.is_empty() => {
                let start = at.min(characters.len() - 1);
                let end = (start + 1 + random.below(20)).min(characters.len());
                let copied: Vec<char> = characters[start..end].to_vec();
                let insert_at = random.below(characters.len() + 1);
                for (offset, character) in copied.into_iter().enumerate() {
                    characters.insert(insert_at + offset, character);
                }
            }
            3 => {
                let character = char::from_u32(random.below(0x3000) as u32).unwrap_or('x');
                characters.insert(at, character);
            }
            _ => {
                let Some(fragment) = fragments.get(random.below(fragments.len())) else {
                    continue;
                };
                let repeated = fragment.repeat(1 + random.below(4));
                for (offset, character) in repeated.chars().enumerate() {
                    characters.insert(at + offset, character);
                }
            }
        }
    }
    characters.into_iter().collect()
}
