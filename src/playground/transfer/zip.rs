//! Zip archives: a small writer (stored entries, CRC-32: what export gives) and a reader
//! (stored and deflated entries, checked against their CRC, bounded: what import takes in).

use super::deflate::decompress;

/// How a zip file starts (its first entry), and how an empty one does (its end record).
pub const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
pub const EMPTY_ZIP_MAGIC: &[u8] = b"PK\x05\x06";

/// Largest upload taken in, in all (the page keeps everything in memory and in storage).
pub const MAX_TOTAL_BYTES: usize = 16 * 1024 * 1024;
/// Most files taken from one upload.
pub const MAX_FILES: usize = 2_000;

pub fn crc32(bytes: &[u8]) -> u32 {
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

/// What went wrong reading a zip archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ZipErrorKind {
    /// Too short for a zip, or no end-of-central-directory record in its last 64 KB.
    NotAZip,
    /// The data stops before a record or an entry.
    CutShort,
    Zip64,
    TooManyEntries,
    /// More than the playground takes, once unpacked.
    TooLarge,
    DirectoryDamaged,
    Encrypted,
    /// A local header missing, or the entry's data not matching its CRC and size.
    EntryDamaged,
    CompressedDataDamaged,
    UnsupportedMethod,
}

/// Why a zip archive cannot be read: the kind, and the text the learner reads (naming the
/// entry where there is one), made where the error is found, as `io::Error`'s is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZipError {
    pub kind: ZipErrorKind,
    message: String,
}

impl ZipError {
    fn new(kind: ZipErrorKind, message: impl Into<String>) -> Self {
        ZipError {
            kind,
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ZipError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.message)
    }
}

fn cut_short() -> ZipError {
    ZipError::new(ZipErrorKind::CutShort, "the zip file is cut short")
}

fn u16_at(bytes: &[u8], at: usize) -> Result<u16, ZipError> {
    bytes
        .get(at..)
        .and_then(|rest| rest.get(..2))
        .map(|slice| u16::from_le_bytes([slice[0], slice[1]]))
        .ok_or_else(cut_short)
}

fn u32_at(bytes: &[u8], at: usize) -> Result<u32, ZipError> {
    bytes
        .get(at..)
        .and_then(|rest| rest.get(..4))
        .map(|slice| u32::from_le_bytes([slice[0], slice[1], slice[2], slice[3]]))
        .ok_or_else(cut_short)
}

/// The entries of a zip archive as `(path, bytes)`, read through its central directory.
/// Stored and deflated entries only; CRC-checked; at most [`MAX_FILES`] entries and
/// [`MAX_TOTAL_BYTES`] once unpacked (a small zip can unpack to gigabytes).
pub fn unzip(archive: &[u8]) -> Result<Vec<(String, Vec<u8>)>, ZipError> {
    const END_RECORD: usize = 22;
    if archive.len() < END_RECORD {
        return Err(ZipError::new(ZipErrorKind::NotAZip, "not a zip file"));
    }
    // The end record is the last thing in the file, before a comment of at most 64 KB.
    let earliest = archive.len().saturating_sub(END_RECORD + 0xFFFF);
    let end = (earliest..=archive.len() - END_RECORD)
        .rev()
        .find(|&at| archive[at..].starts_with(EMPTY_ZIP_MAGIC))
        .ok_or_else(|| {
            let message = "not a zip file (no end of central directory)";
            ZipError::new(ZipErrorKind::NotAZip, message)
        })?;
    let count = usize::from(u16_at(archive, end + 10)?);
    let directory_offset = u32_at(archive, end + 16)? as usize;
    if count == 0xFFFF || directory_offset == 0xFFFF_FFFF {
        return Err(ZipError::new(
            ZipErrorKind::Zip64,
            "zip64 archives are not supported; zip the project again with fewer or smaller files",
        ));
    }
    if count > MAX_FILES {
        return Err(ZipError::new(
            ZipErrorKind::TooManyEntries,
            format!("the zip has {count} entries; the playground takes at most {MAX_FILES}"),
        ));
    }
    let mut entries = Vec::with_capacity(count);
    let mut unpacked_total = 0usize;
    let mut at = directory_offset;
    for _ in 0..count {
        if u32_at(archive, at)? != 0x0201_4b50 {
            return Err(ZipError::new(
                ZipErrorKind::DirectoryDamaged,
                "the zip's central directory is damaged",
            ));
        }
        let flags = u16_at(archive, at + 8)?;
        let method = u16_at(archive, at + 10)?;
        let crc = u32_at(archive, at + 16)?;
        let packed = u32_at(archive, at + 20)? as usize;
        let unpacked = u32_at(archive, at + 24)? as usize;
        let name_length = usize::from(u16_at(archive, at + 28)?);
        let extra_length = usize::from(u16_at(archive, at + 30)?);
        let comment_length = usize::from(u16_at(archive, at + 32)?);
        let local = u32_at(archive, at + 42)? as usize;
        let name_bytes = archive
            .get(at.saturating_add(46)..)
            .and_then(|rest| rest.get(..name_length))
            .ok_or_else(cut_short)?;
        let name = String::from_utf8_lossy(name_bytes).replace('\\', "/");
        at = at.saturating_add(46 + name_length + extra_length + comment_length);
        if name.ends_with('/') {
            continue;
        }
        if flags & 1 != 0 {
            return Err(ZipError::new(
                ZipErrorKind::Encrypted,
                format!("{name}: encrypted zip entries are not supported"),
            ));
        }
        unpacked_total = unpacked_total.saturating_add(unpacked);
        if unpacked_total > MAX_TOTAL_BYTES {
            return Err(ZipError::new(
                ZipErrorKind::TooLarge,
                format!(
                    "the zip unpacks to more than {} MB; the playground takes at most that",
                    MAX_TOTAL_BYTES / (1024 * 1024)
                ),
            ));
        }
        if u32_at(archive, local)? != 0x0403_4b50 {
            return Err(ZipError::new(
                ZipErrorKind::EntryDamaged,
                format!("{name}: the zip entry is damaged"),
            ));
        }
        let header_length = 30
            + usize::from(u16_at(archive, local.saturating_add(26))?)
            + usize::from(u16_at(archive, local.saturating_add(28))?);
        let data = archive
            .get(local.saturating_add(header_length)..)
            .and_then(|rest| rest.get(..packed))
            .ok_or_else(|| {
                let message = format!("{name}: the zip file is cut short");
                ZipError::new(ZipErrorKind::CutShort, message)
            })?;
        let bytes = match method {
            0 => data.to_vec(),
            8 => decompress(data, unpacked).map_err(|_| {
                let message = format!("{name}: the compressed data is damaged");
                ZipError::new(ZipErrorKind::CompressedDataDamaged, message)
            })?,
            method => {
                let message = format!(
                    "{name}: compression method {method} is not supported (only stored and deflated)"
                );
                return Err(ZipError::new(ZipErrorKind::UnsupportedMethod, message));
            }
        };
        if bytes.len() != unpacked || crc32(&bytes) != crc {
            return Err(ZipError::new(
                ZipErrorKind::EntryDamaged,
                format!("{name}: the zip entry is damaged (checksum mismatch)"),
            ));
        }
        entries.push((name, bytes));
    }
    Ok(entries)
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
}
