//! The browser's clock and random source for new revisions.

use crate::host::CreateDate;
use crate::host::{Clock, IdSource};

/// Local time from the browser, as Python's `datetime.now()` would give it on the learner's machine.
pub struct BrowserClock;

impl Clock for BrowserClock {
    fn now(&self) -> CreateDate {
        let date = js_sys::Date::new_0();
        let millis = date.get_time();
        let offset_minutes = date.get_timezone_offset();
        // Shift to local time, then let CreateDate do the civil-date arithmetic.
        let local_micros = ((millis - offset_minutes * 60_000.0) * 1000.0) as i64;
        let mut create_date = CreateDate::from_unix_micros(local_micros);
        // Browsers give milliseconds; keep the remaining digits varied like Python's microseconds.
        create_date.microsecond =
            create_date.microsecond / 1000 * 1000 + (js_sys::Math::random() * 1000.0) as u32 % 1000;
        create_date.epoch = (millis / 1000.0) as i64;
        create_date
    }
}

/// Revision ids from the browser's random source.
pub struct BrowserIds;

impl IdSource for BrowserIds {
    fn new_revision_id(&mut self) -> String {
        (0..12)
            .map(|_| {
                let digit = (js_sys::Math::random() * 16.0) as u32 % 16;
                std::char::from_digit(digit, 16).unwrap_or('0')
            })
            .collect()
    }
}
