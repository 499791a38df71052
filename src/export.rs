//! Export: the project as a zip that real Alembic runs unchanged (`alembic upgrade head` in
//! the unzipped folder), optionally with the SQLite database file.
//!
//! Owns: which files go in, and a small zip writer (stored entries, CRC-32). Does not: touch
//! the browser (the page turns the bytes into a download).

use crate::session::{Session, PROJECT_DIR};

pub(crate) fn crc32(bytes: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (index, entry) in table.iter_mut().enumerate() {
        let mut value = index as u32;
        for _ in 0..8 {
            value = if value & 1 != 0 {
                0xEDB8_8320 ^ (value >> 1)
            } else {
                value >> 1
            };
        }
        *entry = value;
    }
    let mut crc = 0xFFFF_FFFFu32;
    for byte in bytes {
        crc = table[((crc ^ u32::from(*byte)) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

/// A zip archive of `(name, bytes)` entries, stored (not compressed), under one top folder.
pub fn zip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut archive = Vec::new();
    let mut central = Vec::new();
    // 1980-01-01 00:00, the zip epoch: exports are reproducible.
    let (time, date) = (0u16, (0u16 << 9) | (1 << 5) | 1);
    for (name, data) in entries {
        let offset = archive.len() as u32;
        let crc = crc32(data);
        let size = data.len() as u32;
        let name_bytes = name.as_bytes();
        let mut header = Vec::new();
        header.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        header.extend_from_slice(&20u16.to_le_bytes()); // version needed
        header.extend_from_slice(&0x0800u16.to_le_bytes()); // UTF-8 names
        header.extend_from_slice(&0u16.to_le_bytes()); // stored
        header.extend_from_slice(&time.to_le_bytes());
        header.extend_from_slice(&date.to_le_bytes());
        header.extend_from_slice(&crc.to_le_bytes());
        header.extend_from_slice(&size.to_le_bytes());
        header.extend_from_slice(&size.to_le_bytes());
        header.extend_from_slice(&(name_bytes.len() as u16).to_le_bytes());
        header.extend_from_slice(&0u16.to_le_bytes());
        archive.extend_from_slice(&header);
        archive.extend_from_slice(name_bytes);
        archive.extend_from_slice(data);
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&20u16.to_le_bytes()); // made by
        central.extend_from_slice(&header[4..30]);
        central.extend_from_slice(&0u16.to_le_bytes()); // comment length
        central.extend_from_slice(&0u16.to_le_bytes()); // disk
        central.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
        central.extend_from_slice(&0u32.to_le_bytes()); // external attributes
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name_bytes);
    }
    let central_offset = archive.len() as u32;
    archive.extend_from_slice(&central);
    archive.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    archive.extend_from_slice(&0u16.to_le_bytes());
    archive.extend_from_slice(&0u16.to_le_bytes());
    archive.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    archive.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    archive.extend_from_slice(&(central.len() as u32).to_le_bytes());
    archive.extend_from_slice(&central_offset.to_le_bytes());
    archive.extend_from_slice(&0u16.to_le_bytes());
    archive
}

/// The project as `(path inside the zip, bytes)`: every file under `alembic-project/`, plus
/// `app.db` when `database` is given (the database file's bytes).
pub fn project_entries(session: &Session, database: Option<Vec<u8>>) -> Vec<(String, Vec<u8>)> {
    let prefix = format!("{PROJECT_DIR}/");
    // Names as every unzip tool reads them: a backslash or a control character in a name
    // (which links and imports refuse, but older saves may hold) becomes `_`.
    let clean = |relative: &str| -> String {
        relative
            .chars()
            .map(|c| if c == '\\' || c.is_control() { '_' } else { c })
            .collect()
    };
    let mut entries: Vec<(String, Vec<u8>)> = session
        .files
        .dirs()
        .filter_map(|dir| {
            dir.strip_prefix(&prefix)
                .map(|relative| (format!("alembic-project/{}/", clean(relative)), Vec::new()))
        })
        .collect();
    entries.extend(session.files.files().filter_map(|(path, text)| {
        path.strip_prefix(&prefix).map(|relative| {
            (
                format!("alembic-project/{}", clean(relative)),
                text.as_bytes().to_vec(),
            )
        })
    }));
    if let Some(bytes) = database {
        entries.push(("alembic-project/app.db".to_string(), bytes));
    }
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_and_archive_layout() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        let archive = zip(&[("a/b.txt".to_string(), b"hello".to_vec())]);
        assert_eq!(&archive[..4], &[0x50, 0x4b, 0x03, 0x04]);
        assert!(archive.windows(7).any(|window| window == b"a/b.txt"));
        assert_eq!(
            &archive[archive.len() - 22..archive.len() - 18],
            &[0x50, 0x4b, 0x05, 0x06]
        );
    }

    #[test]
    fn the_starter_project_exports_every_file() {
        let session = Session::starter();
        let entries = project_entries(&session, None);
        let names: Vec<&str> = entries.iter().map(|(name, _)| name.as_str()).collect();
        for expected in [
            "alembic-project/alembic.ini",
            "alembic-project/alembic/env.py",
            "alembic-project/alembic/script.py.mako",
            "alembic-project/models.py",
        ] {
            assert!(names.contains(&expected), "{expected} in {names:?}");
        }
    }
}
