//! Share links: a whole playground state as a short URL-safe text, and back.
//!
//! Owns: the link format — `1.` (the format version) followed by base64url (no padding) of
//! raw DEFLATE (`crate::playground::transfer::deflate`) of a small length-prefixed binary encoding of the state — and
//! strict decoding of untrusted links (size limits before and after inflating, bounded
//! counts, valid UTF-8, paths kept inside the project). Files equal to the starter project's
//! are sent as a one-byte marker, which keeps typical links short.
//! Does not: touch the browser (the page reads and writes `location.hash`), or run anything.

use crate::output::Channel;
use crate::playground::project::{
    check_path_characters, DatabaseImage, SessionSnapshot, TranscriptEntry, MAX_DATABASES,
    POSTGRESQL_IMAGE, PROJECT_DIR,
};

/// The format version written at the front of every link. Links made with an older version
/// must keep decoding in later releases.
pub const FORMAT_VERSION: &str = "1";

/// Longest link text accepted (characters after `#s=`).
pub const MAX_LINK_LENGTH: usize = 4 * 1024 * 1024;
/// Largest inflated payload accepted.
pub const MAX_PAYLOAD: usize = 16 * 1024 * 1024;
/// Most entries of any list in a payload.
const MAX_ITEMS: u64 = 100_000;

/// Why a link could not be opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareError(pub String);

impl std::fmt::Display for ShareError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.0)
    }
}

/// What a link carries: a session snapshot plus the file open in the editor.
#[derive(Debug, Clone, PartialEq)]
pub struct SharedState {
    pub snapshot: SessionSnapshot,
    pub open_file: Option<String>,
}

const BASE64URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn base64url_encode(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len() * 4 / 3 + 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let symbols = chunk.len() + 1;
        for index in 0..symbols {
            let value = (n >> (18 - 6 * index)) & 63;
            text.push(BASE64URL[value as usize] as char);
        }
    }
    text
}

fn base64url_decode(text: &str) -> Result<Vec<u8>, ShareError> {
    let mut bytes = Vec::with_capacity(text.len() * 3 / 4);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for (position, character) in text.chars().enumerate() {
        let value = match character {
            'A'..='Z' => character as u32 - 'A' as u32,
            'a'..='z' => character as u32 - 'a' as u32 + 26,
            '0'..='9' => character as u32 - '0' as u32 + 52,
            '-' => 62,
            '_' => 63,
            _ => {
                return Err(ShareError(format!(
                    "the link is damaged: unexpected character '{character}' at position {}",
                    position + 1
                )))
            }
        };
        buffer = (buffer << 6) | value;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            bytes.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Ok(bytes)
}

/// The binary payload: varint lengths and UTF-8 strings.
struct Writer(Vec<u8>);

impl Writer {
    fn number(&mut self, mut value: u64) {
        loop {
            let byte = (value & 0x7f) as u8;
            value >>= 7;
            if value == 0 {
                self.0.push(byte);
                return;
            }
            self.0.push(byte | 0x80);
        }
    }

    fn text(&mut self, text: &str) {
        self.number(text.len() as u64);
        self.0.extend_from_slice(text.as_bytes());
    }

    fn statements(&mut self, statements: &[String]) {
        self.number(statements.len() as u64);
        for statement in statements {
            self.text(statement);
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl Reader<'_> {
    fn damaged() -> ShareError {
        ShareError("the link is damaged or incomplete (was it cut off when copied?)".to_string())
    }

    fn byte(&mut self) -> Result<u8, ShareError> {
        let byte = *self.bytes.get(self.position).ok_or_else(Self::damaged)?;
        self.position += 1;
        Ok(byte)
    }

    fn number(&mut self) -> Result<u64, ShareError> {
        let mut value: u64 = 0;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(Self::damaged())
    }

    fn count(&mut self) -> Result<usize, ShareError> {
        let count = self.number()?;
        if count > MAX_ITEMS {
            return Err(ShareError(
                "the link holds more entries than the playground accepts".to_string(),
            ));
        }
        Ok(count as usize)
    }

    fn slice(&mut self, length: u64) -> Result<&[u8], ShareError> {
        let end = self
            .position
            .checked_add(usize::try_from(length).map_err(|_| Self::damaged())?)
            .ok_or_else(Self::damaged)?;
        let slice = self
            .bytes
            .get(self.position..end)
            .ok_or_else(Self::damaged)?;
        self.position = end;
        Ok(slice)
    }

    fn text(&mut self) -> Result<String, ShareError> {
        let length = self.number()?;
        let slice = self.slice(length)?;
        String::from_utf8(slice.to_vec())
            .map_err(|_| ShareError("the link contains text that is not UTF-8".to_string()))
    }

    fn statements(&mut self, count: u64) -> Result<Vec<String>, ShareError> {
        if count > MAX_ITEMS {
            return Err(ShareError(
                "the link holds more entries than the playground accepts".to_string(),
            ));
        }
        (0..count).map(|_| self.text()).collect()
    }
}

fn starter_files() -> Vec<(String, String)> {
    crate::templates::starter_project(PROJECT_DIR)
}

/// The two payloads the binary encoding carries: a share link (databases as SQL statements,
/// no lesson) and a saved session in browser storage (databases as SQLite file bytes, so a
/// save round-trips whatever the schema holds, and the lesson being followed).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Payload {
    Link,
    Save,
}

/// The first bytes of a saved session (then the format version, then the DEFLATE stream).
const SAVE_MAGIC: &[u8; 4] = b"APGS";
const SAVE_VERSION: u8 = 1;

/// Encodes a state as link text (without the `#s=` prefix). Its databases are SQL statements
/// (`Session::link_snapshot`).
pub fn encode(state: &SharedState) -> String {
    let compressed =
        crate::playground::transfer::deflate::compress(&write_state(state, Payload::Link));
    format!("{FORMAT_VERSION}.{}", base64url_encode(&compressed))
}

/// Encodes a state as the bytes of a saved session (databases as file bytes or statements).
pub fn encode_save(state: &SharedState) -> Vec<u8> {
    let mut bytes = SAVE_MAGIC.to_vec();
    bytes.push(SAVE_VERSION);
    bytes.extend(crate::playground::transfer::deflate::compress(
        &write_state(state, Payload::Save),
    ));
    bytes
}

fn write_state(state: &SharedState, payload: Payload) -> Vec<u8> {
    let starter = starter_files();
    let mut writer = Writer(Vec::new());
    let snapshot = &state.snapshot;
    writer.number(snapshot.dirs.len() as u64);
    for dir in &snapshot.dirs {
        writer.text(dir);
    }
    writer.number(snapshot.files.len() as u64);
    for (path, text) in &snapshot.files {
        writer.text(path);
        // 0: as in the starter project; 1: contents follow.
        if starter
            .iter()
            .any(|(starter_path, starter_text)| starter_path == path && starter_text == text)
        {
            writer.number(0);
        } else {
            writer.number(1);
            writer.text(text);
        }
    }
    writer.number(snapshot.databases.len() as u64);
    for (path, image) in &snapshot.databases {
        writer.text(path);
        match (payload, image) {
            (Payload::Link, DatabaseImage::Statements(statements)) => writer.statements(statements),
            // Links are made from `Session::link_snapshot`, whose databases are statements.
            (Payload::Link, DatabaseImage::File(_)) => writer.number(0),
            (Payload::Save, DatabaseImage::Statements(statements)) => {
                writer.number(0);
                writer.statements(statements);
            }
            (Payload::Save, DatabaseImage::File(bytes)) => {
                writer.number(1);
                writer.number(bytes.len() as u64);
                writer.0.extend_from_slice(bytes);
            }
        }
    }
    writer.number(snapshot.history.len() as u64);
    for line in &snapshot.history {
        writer.text(line);
    }
    writer.number(snapshot.transcript.len() as u64);
    for entry in &snapshot.transcript {
        let (kind, text) = match entry {
            TranscriptEntry::Command(line) => (0, line),
            TranscriptEntry::Output {
                channel: Channel::Stdout,
                text,
            } => (1, text),
            TranscriptEntry::Output {
                channel: Channel::Stderr,
                text,
            } => (2, text),
            TranscriptEntry::Note(text) => (3, text),
            TranscriptEntry::Explanation(text) => (4, text),
        };
        writer.number(kind);
        writer.text(text);
    }
    match &state.open_file {
        Some(path) => {
            writer.number(1);
            writer.text(path);
        }
        None => writer.number(0),
    }
    // Applied revisions' sources: usually the file as it is now (0 + its path).
    writer.number(snapshot.applied_sources.len() as u64);
    for (id, source) in &snapshot.applied_sources {
        writer.text(id);
        match snapshot.files.iter().find(|(_, text)| text == source) {
            Some((path, _)) => {
                writer.number(0);
                writer.text(path);
            }
            None => {
                writer.number(1);
                writer.text(source);
            }
        }
    }
    if payload == Payload::Save {
        match &snapshot.lesson {
            Some((id, done)) => {
                writer.number(1);
                writer.text(id);
                writer.number(done.len() as u64);
                for step in done {
                    writer.number(u64::from(*step));
                }
            }
            None => writer.number(0),
        }
    }
    writer.0
}

/// A path from a link or a save, refused unless it is a plain path inside the project
/// ([`check_path_characters`], and nothing that leaves the project once `..` is resolved).
fn checked(path: String) -> Result<String, ShareError> {
    let refused = |what: String| ShareError(format!("the link names {what}"));
    check_path_characters(&path).map_err(|error| refused(error.to_string()))?;
    let normalized = crate::host::normalize(&path);
    if normalized != PROJECT_DIR && !normalized.starts_with(&format!("{PROJECT_DIR}/")) {
        return Err(refused(format!("a file outside the project: {path}")));
    }
    Ok(path)
}

/// Decodes link text. Untrusted input: never panics, bounds every size.
pub fn decode(text: &str) -> Result<SharedState, ShareError> {
    let text = text.trim();
    if text.len() > MAX_LINK_LENGTH {
        return Err(ShareError(format!(
            "the link is too long ({} characters; the playground accepts up to {MAX_LINK_LENGTH})",
            text.len()
        )));
    }
    let Some((version, body)) = text.split_once('.') else {
        return Err(ShareError(
            "this is not a playground link (no format version)".to_string(),
        ));
    };
    if version != FORMAT_VERSION {
        return Err(ShareError(format!(
            "the link was made by a newer playground (format {version}); this one reads format {FORMAT_VERSION}"
        )));
    }
    let compressed = base64url_decode(body)?;
    read_state(&compressed, Payload::Link)
}

/// Decodes a saved session's bytes (strictly, as a link: storage can be damaged too).
pub fn decode_save(bytes: &[u8]) -> Result<SharedState, ShareError> {
    let body = bytes
        .strip_prefix(SAVE_MAGIC.as_slice())
        .ok_or_else(|| ShareError("this is not a saved playground session".to_string()))?;
    match body.split_first() {
        Some((&SAVE_VERSION, compressed)) => read_state(compressed, Payload::Save),
        Some((version, _)) => Err(ShareError(format!(
            "the session was saved by a newer playground (format {version})"
        ))),
        None => Err(Reader::damaged()),
    }
}

fn read_state(compressed: &[u8], payload: Payload) -> Result<SharedState, ShareError> {
    let bytes = crate::playground::transfer::deflate::decompress(compressed, MAX_PAYLOAD)
        .map_err(|_| ShareError("the link is damaged or too large to open".to_string()))?;
    let starter = starter_files();
    let mut reader = Reader {
        bytes: &bytes,
        position: 0,
    };
    let mut dirs = Vec::new();
    for _ in 0..reader.count()? {
        let dir = reader.text()?;
        dirs.push(if dir == "/" { dir } else { checked(dir)? });
    }
    let mut files = Vec::new();
    for _ in 0..reader.count()? {
        let path = checked(reader.text()?)?;
        let text = match reader.number()? {
            0 => starter
                .iter()
                .find(|(starter_path, _)| *starter_path == path)
                .map(|(_, text)| text.clone())
                .ok_or_else(|| {
                    ShareError(format!(
                        "the link refers to a starter file the playground does not have: {path}"
                    ))
                })?,
            1 => reader.text()?,
            _ => return Err(Reader::damaged()),
        };
        files.push((path, text));
    }
    let mut databases = Vec::new();
    let count = reader.count()?;
    if count > MAX_DATABASES {
        return Err(ShareError(format!(
            "the link holds {count} databases; the playground opens at most {MAX_DATABASES}"
        )));
    }
    for _ in 0..count {
        let path = reader.text()?;
        let path = if path == POSTGRESQL_IMAGE {
            path
        } else {
            checked(path)?
        };
        let image = match (payload, reader.number()?) {
            (Payload::Link, count) => DatabaseImage::Statements(reader.statements(count)?),
            (Payload::Save, 0) => {
                let count = reader.number()?;
                DatabaseImage::Statements(reader.statements(count)?)
            }
            (Payload::Save, 1) => {
                let length = reader.number()?;
                DatabaseImage::File(reader.slice(length)?.to_vec())
            }
            _ => return Err(Reader::damaged()),
        };
        databases.push((path, image));
    }
    let mut history = Vec::new();
    for _ in 0..reader.count()? {
        history.push(reader.text()?);
    }
    let mut transcript = Vec::new();
    for _ in 0..reader.count()? {
        let kind = reader.number()?;
        let text = reader.text()?;
        transcript.push(match kind {
            0 => TranscriptEntry::Command(text),
            1 => TranscriptEntry::Output {
                channel: Channel::Stdout,
                text,
            },
            2 => TranscriptEntry::Output {
                channel: Channel::Stderr,
                text,
            },
            3 => TranscriptEntry::Note(text),
            4 => TranscriptEntry::Explanation(text),
            _ => return Err(Reader::damaged()),
        });
    }
    let open_file = match reader.number()? {
        0 => None,
        1 => Some(checked(reader.text()?)?),
        _ => return Err(Reader::damaged()),
    };
    let mut applied_sources = Vec::new();
    for _ in 0..reader.count()? {
        let id = reader.text()?;
        let source = match reader.number()? {
            0 => {
                let path = reader.text()?;
                files
                    .iter()
                    .find(|(file, _)| *file == path)
                    .map(|(_, text)| text.clone())
                    .ok_or_else(Reader::damaged)?
            }
            1 => reader.text()?,
            _ => return Err(Reader::damaged()),
        };
        applied_sources.push((id, source));
    }
    let lesson = if payload == Payload::Save && reader.number()? == 1 {
        let id = reader.text()?;
        let mut done = Vec::new();
        for _ in 0..reader.count()? {
            done.push(reader.number()? == 1);
        }
        Some((id, done))
    } else {
        None
    };
    if reader.position != bytes.len() {
        return Err(Reader::damaged());
    }
    Ok(SharedState {
        snapshot: SessionSnapshot {
            files,
            dirs,
            databases,
            history,
            transcript,
            applied_sources,
            lesson,
        },
        open_file,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playground::session::Session;

    use crate::test_support::{CountingIds, FixedClock};

    /// A tiny deterministic PRNG for the fuzz-style tests (no external crates).
    fn ten_revision_session() -> Session {
        let mut session = Session::starter();
        let mut ids = CountingIds::new(0xa1b2c3d40000);
        for n in 0..10 {
            let output = session
                .run_line(
                    &format!("alembic revision -m \"step {n}\""),
                    &FixedClock,
                    &mut ids,
                )
                .output;
            let path = output.touched_files[0].clone();
            let text = crate::host::FileSystem::read_to_string(session.files(), &path).unwrap();
            let text = text
                .replace(
                    "    \"\"\"Upgrade schema.\"\"\"\n    pass",
                    &format!("    \"\"\"Upgrade schema.\"\"\"\n    op.create_table('t{n}', sa.Column('id', sa.Integer, primary_key=True))"),
                )
                .replace(
                    "    \"\"\"Downgrade schema.\"\"\"\n    pass",
                    &format!("    \"\"\"Downgrade schema.\"\"\"\n    op.drop_table('t{n}')"),
                );
            session.write_file(&path, &text).unwrap();
        }
        session.run_line("alembic upgrade head", &FixedClock, &mut ids);
        session.run_line("alembic current", &FixedClock, &mut ids);
        session
    }

    #[test]
    fn a_ten_revision_example_round_trips_in_under_2000_characters() {
        let mut session = ten_revision_session();
        let state = SharedState {
            snapshot: session.link_snapshot().unwrap(),
            open_file: Some("/project/models.py".to_string()),
        };
        let link = encode(&state);
        assert!(link.len() <= 2000, "link is {} characters", link.len());
        let decoded = decode(&link).unwrap();
        assert_eq!(decoded, state);
        let mut restored = Session::from_snapshot(&decoded.snapshot).unwrap();
        assert!(restored
            .run_sql("SELECT count(*) FROM alembic_version")
            .stdout_text()
            .contains('1'));
        assert_eq!(restored.transcript(), session.transcript());
    }

    #[test]
    fn hostile_and_damaged_links_give_messages() {
        assert!(decode("").is_err());
        assert!(decode("hello")
            .unwrap_err()
            .0
            .contains("not a playground link"));
        assert!(decode("9.AAAA").unwrap_err().0.contains("newer playground"));
        assert!(decode("1.!!!")
            .unwrap_err()
            .0
            .contains("unexpected character"));
        assert!(decode("1.AAAA").is_err());
        // A payload that names a file outside the project.
        let mut writer = Writer(Vec::new());
        writer.number(0);
        writer.number(1);
        writer.text("/etc/passwd");
        writer.number(1);
        writer.text("x");
        let link = format!(
            "1.{}",
            base64url_encode(&crate::playground::transfer::deflate::compress(&writer.0))
        );
        assert!(decode(&link).unwrap_err().0.contains("outside the project"));
        // A zip bomb: a large run of zeros is refused after inflating past the limit.
        let bomb = vec![0u8; MAX_PAYLOAD + 1];
        let link = format!(
            "1.{}",
            base64url_encode(&crate::playground::transfer::deflate::compress(&bomb))
        );
        assert!(decode(&link).unwrap_err().0.contains("too large"));
    }

    #[test]
    fn random_and_mutated_links_never_panic() {
        let mut session = ten_revision_session();
        let link = encode(&SharedState {
            snapshot: session.link_snapshot().unwrap(),
            open_file: None,
        });
        let mut random = crate::test_support::Xorshift(0x9e3779b97f4a7c15);
        let alphabet: Vec<char> = "ABCxyz019-_.!é".chars().collect();
        for _ in 0..3000 {
            let mut mutated: Vec<char> = link.chars().collect();
            for _ in 0..(random.next() % 4 + 1) {
                let position = (random.next() as usize) % mutated.len().max(1);
                match random.next() % 3 {
                    0 if !mutated.is_empty() => {
                        mutated.remove(position.min(mutated.len() - 1));
                    }
                    1 => mutated.insert(
                        position.min(mutated.len()),
                        alphabet[(random.next() as usize) % alphabet.len()],
                    ),
                    _ => mutated.truncate(position),
                }
            }
            let text: String = mutated.into_iter().collect();
            let _ = decode(&text);
        }
        for length in 0..200 {
            let text: String = (0..length)
                .map(|_| alphabet[(random.next() as usize) % alphabet.len()])
                .collect();
            let _ = decode(&format!("1.{text}"));
        }
    }

    #[test]
    fn base64url_round_trips() {
        for length in 0..40 {
            let bytes: Vec<u8> = (0..length).map(|n| (n * 37 + 11) as u8).collect();
            assert_eq!(base64url_decode(&base64url_encode(&bytes)).unwrap(), bytes);
        }
    }
}
