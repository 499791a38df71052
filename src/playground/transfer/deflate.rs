//! Raw DEFLATE (RFC 1951), both ways, small: share links and saved sessions are compressed
//! with it, and zip archives (exports, imports) use it for their entries.
//!
//! Owns: [`compress`] (LZ77 over a 32 KB window with hash chains, one block of the fixed
//! Huffman codes) and [`decompress`] (stored, fixed and dynamic blocks, with an output limit).
//! Deliberately simple: the page's first load pays for every byte of code here, and its
//! inputs are a project's text; `decompress` reads any valid stream (a zip made elsewhere).
//! Damaged input is an `Err`, never a panic.

const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DISTANCE_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DISTANCE_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];
/// The order code-length code lengths are sent in (dynamic blocks).
const CODE_LENGTH_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// The stream is not valid DEFLATE, or inflates past the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeflateError;

// ------------------------------------------------------------------ compress

struct BitWriter {
    out: Vec<u8>,
    bits: u32,
    count: u32,
}

impl BitWriter {
    /// `count` bits of `value`, least significant first.
    fn put(&mut self, value: u32, count: u32) {
        self.bits |= value << self.count;
        self.count += count;
        while self.count >= 8 {
            self.out.push(self.bits as u8);
            self.bits >>= 8;
            self.count -= 8;
        }
    }

    /// A Huffman code (sent most significant bit first).
    fn code(&mut self, code: u32, length: u32) {
        let reversed = code.reverse_bits() >> (32 - length);
        self.put(reversed, length);
    }

    fn symbol(&mut self, symbol: u32) {
        match symbol {
            0..=143 => self.code(0x30 + symbol, 8),
            144..=255 => self.code(0x190 + symbol - 144, 9),
            256..=279 => self.code(symbol - 256, 7),
            _ => self.code(0xC0 + symbol - 280, 8),
        }
    }
}

/// The index of the last table entry `<= value`.
fn bucket(table: &[u16], value: usize) -> usize {
    table
        .iter()
        .rposition(|base| *base as usize <= value)
        .unwrap_or(0)
}

const WINDOW: usize = 32 * 1024;
const MAX_MATCH: usize = 258;
const HASH_SIZE: usize = 1 << 15;
/// How many earlier positions with the same 3-byte hash are tried per position (the page
/// compresses its whole session, database included, after every command: zlib's level-6
/// figures, 128 and a `NICE` of 128, cost more time than the saved bytes are worth here).
const CHAIN: usize = 32;
/// A match this long ends the search.
const NICE: usize = 64;

/// Compresses `data` as one final block of fixed Huffman codes.
pub fn compress(data: &[u8]) -> Vec<u8> {
    let mut writer = BitWriter {
        out: Vec::with_capacity(data.len() / 3 + 16),
        bits: 0,
        count: 0,
    };
    writer.put(1, 1); // final block
    writer.put(1, 2); // fixed Huffman codes
    let mut head = vec![usize::MAX; HASH_SIZE];
    let mut previous = vec![usize::MAX; data.len()];
    let hash = |at: usize| -> usize {
        let value =
            (data[at] as usize) << 16 | (data[at + 1] as usize) << 8 | data[at + 2] as usize;
        (value.wrapping_mul(2_654_435_761) >> 7) & (HASH_SIZE - 1)
    };
    let insert = |at: usize, head: &mut Vec<usize>, previous: &mut Vec<usize>| {
        if at + 3 <= data.len() {
            let h = hash(at);
            previous[at] = head[h];
            head[h] = at;
        }
    };
    let mut at = 0;
    while at < data.len() {
        let mut best = (0, 0);
        if at + 3 <= data.len() {
            let mut candidate = head[hash(at)];
            let limit = (data.len() - at).min(MAX_MATCH);
            for _ in 0..CHAIN {
                if candidate == usize::MAX || at - candidate > WINDOW {
                    break;
                }
                let length = data[candidate..]
                    .iter()
                    .zip(&data[at..at + limit])
                    .take_while(|(a, b)| a == b)
                    .count();
                if length > best.0 {
                    best = (length, at - candidate);
                    if length >= limit.min(NICE) {
                        break;
                    }
                }
                candidate = previous[candidate];
            }
        }
        let (length, distance) = best;
        if length >= 3 {
            let code = bucket(&LENGTH_BASE, length);
            writer.symbol(257 + code as u32);
            writer.put(
                (length - LENGTH_BASE[code] as usize) as u32,
                LENGTH_EXTRA[code] as u32,
            );
            let code = bucket(&DISTANCE_BASE, distance);
            writer.code(code as u32, 5);
            writer.put(
                (distance - DISTANCE_BASE[code] as usize) as u32,
                DISTANCE_EXTRA[code] as u32,
            );
            for position in at..at + length {
                insert(position, &mut head, &mut previous);
            }
            at += length;
        } else {
            writer.symbol(data[at] as u32);
            insert(at, &mut head, &mut previous);
            at += 1;
        }
    }
    writer.symbol(256);
    writer.put(0, 7); // flush the last byte
    writer.out
}

// ---------------------------------------------------------------- decompress

struct BitReader<'a> {
    data: &'a [u8],
    at: usize,
    bits: u32,
    count: u32,
}

impl BitReader<'_> {
    fn bits(&mut self, count: u32) -> Result<u32, DeflateError> {
        while self.count < count {
            let byte = *self.data.get(self.at).ok_or(DeflateError)?;
            self.at += 1;
            self.bits |= (byte as u32) << self.count;
            self.count += 8;
        }
        let value = self.bits & ((1u32 << count) - 1);
        self.bits >>= count;
        self.count -= count;
        Ok(value)
    }
}

/// A canonical Huffman code: how many codes of each length, and the symbols in code order.
struct Huffman {
    counts: [u16; 16],
    symbols: Vec<u16>,
}

impl Huffman {
    fn new(lengths: &[u8]) -> Result<Huffman, DeflateError> {
        let mut counts = [0u16; 16];
        for length in lengths {
            counts[*length as usize & 15] += 1;
        }
        counts[0] = 0;
        let mut offsets = [0u16; 16];
        for length in 1..16 {
            offsets[length] = offsets[length - 1] + counts[length - 1];
        }
        let mut symbols = vec![0u16; lengths.len()];
        for (symbol, length) in lengths.iter().enumerate() {
            if *length != 0 {
                let slot = &mut offsets[*length as usize & 15];
                *symbols.get_mut(*slot as usize).ok_or(DeflateError)? = symbol as u16;
                *slot += 1;
            }
        }
        Ok(Huffman { counts, symbols })
    }

    fn decode(&self, reader: &mut BitReader) -> Result<u16, DeflateError> {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for length in 1..16 {
            code |= reader.bits(1)? as i32;
            let count = self.counts[length] as i32;
            if code - count < first {
                return self
                    .symbols
                    .get((index + code - first) as usize)
                    .copied()
                    .ok_or(DeflateError);
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        Err(DeflateError)
    }
}

/// Inflates `data`; more than `limit` bytes of output is an error.
pub fn decompress(data: &[u8], limit: usize) -> Result<Vec<u8>, DeflateError> {
    let mut reader = BitReader {
        data,
        at: 0,
        bits: 0,
        count: 0,
    };
    let mut out: Vec<u8> = Vec::new();
    loop {
        let last = reader.bits(1)? == 1;
        match reader.bits(2)? {
            0 => {
                reader.bits = 0;
                reader.count = 0;
                let header = data.get(reader.at..reader.at + 4).ok_or(DeflateError)?;
                let length = u16::from_le_bytes([header[0], header[1]]);
                if length != !u16::from_le_bytes([header[2], header[3]]) {
                    return Err(DeflateError);
                }
                let start = reader.at + 4;
                let stored = data
                    .get(start..start + length as usize)
                    .ok_or(DeflateError)?;
                if out.len() + stored.len() > limit {
                    return Err(DeflateError);
                }
                out.extend_from_slice(stored);
                reader.at = start + length as usize;
            }
            1 => {
                let mut lengths = [8u8; 288];
                lengths[144..256].fill(9);
                lengths[256..280].fill(7);
                let literals = Huffman::new(&lengths)?;
                let distances = Huffman::new(&[5u8; 30])?;
                inflate_block(&mut reader, &mut out, &literals, &distances, limit)?;
            }
            2 => {
                let literal_count = reader.bits(5)? as usize + 257;
                let distance_count = reader.bits(5)? as usize + 1;
                let code_count = reader.bits(4)? as usize + 4;
                let mut code_lengths = [0u8; 19];
                for slot in CODE_LENGTH_ORDER.iter().take(code_count) {
                    code_lengths[*slot] = reader.bits(3)? as u8;
                }
                let codes = Huffman::new(&code_lengths)?;
                let mut lengths = Vec::with_capacity(literal_count + distance_count);
                while lengths.len() < literal_count + distance_count {
                    let (value, repeat) = match codes.decode(&mut reader)? {
                        symbol @ 0..=15 => (symbol as u8, 1),
                        16 => (
                            *lengths.last().ok_or(DeflateError)?,
                            3 + reader.bits(2)? as usize,
                        ),
                        17 => (0, 3 + reader.bits(3)? as usize),
                        _ => (0, 11 + reader.bits(7)? as usize),
                    };
                    lengths.extend(std::iter::repeat_n(value, repeat));
                }
                if lengths.len() > literal_count + distance_count {
                    return Err(DeflateError);
                }
                let literals = Huffman::new(&lengths[..literal_count])?;
                let distances = Huffman::new(&lengths[literal_count..])?;
                inflate_block(&mut reader, &mut out, &literals, &distances, limit)?;
            }
            _ => return Err(DeflateError),
        }
        if last {
            return Ok(out);
        }
    }
}

fn inflate_block(
    reader: &mut BitReader,
    out: &mut Vec<u8>,
    literals: &Huffman,
    distances: &Huffman,
    limit: usize,
) -> Result<(), DeflateError> {
    loop {
        let symbol = literals.decode(reader)? as usize;
        if symbol < 256 {
            if out.len() >= limit {
                return Err(DeflateError);
            }
            out.push(symbol as u8);
            continue;
        }
        if symbol == 256 {
            return Ok(());
        }
        let code = symbol - 257;
        let (Some(base), Some(extra)) = (LENGTH_BASE.get(code), LENGTH_EXTRA.get(code)) else {
            return Err(DeflateError);
        };
        let length = *base as usize + reader.bits(*extra as u32)? as usize;
        let code = distances.decode(reader)? as usize;
        let (Some(base), Some(extra)) = (DISTANCE_BASE.get(code), DISTANCE_EXTRA.get(code)) else {
            return Err(DeflateError);
        };
        let distance = *base as usize + reader.bits(*extra as u32)? as usize;
        if distance > out.len() || out.len() + length > limit {
            return Err(DeflateError);
        }
        let start = out.len() - distance;
        for i in 0..length {
            let byte = out[start + i];
            out.push(byte);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<u8> {
        let mut text = String::new();
        for i in 0..400 {
            text.push_str(&format!(
                "def upgrade():\n    op.add_column('account', sa.Column('c{i}', sa.String({})))\n",
                i % 97
            ));
        }
        text.into_bytes()
    }

    #[test]
    fn round_trips_and_reads_what_zlib_writes() {
        let mut random = 0x2545_f491_4f6c_dd1d_u64;
        let noise: Vec<u8> = (0..70_000)
            .map(|_| {
                random ^= random << 13;
                random ^= random >> 7;
                random ^= random << 17;
                random as u8
            })
            .collect();
        for data in [
            Vec::new(),
            b"a".to_vec(),
            vec![b'x'; 100_000],
            sample(),
            noise,
        ] {
            let compressed = compress(&data);
            assert_eq!(decompress(&compressed, data.len()).unwrap(), data);
            // another deflater's dynamic Huffman blocks: the reader's other half
            let theirs = miniz_oxide::deflate::compress_to_vec(&data, 9);
            assert_eq!(decompress(&theirs, data.len()).unwrap(), data);
            assert_eq!(
                miniz_oxide::inflate::decompress_to_vec(&compressed).unwrap(),
                data
            );
        }
        assert!(compress(&sample()).len() < sample().len() / 10);
    }

    #[test]
    fn damaged_streams_and_the_limit_are_errors() {
        let data = sample();
        let compressed = compress(&data);
        assert_eq!(decompress(&compressed, data.len() - 1), Err(DeflateError));
        assert_eq!(
            decompress(&compressed[..compressed.len() / 2], usize::MAX),
            Err(DeflateError)
        );
        assert_eq!(decompress(&[0xff, 0xff, 0xff], 100), Err(DeflateError));
        let mut random = 7u64;
        for _ in 0..2000 {
            let mut mutated = compressed.clone();
            random = random
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let at = (random >> 33) as usize % mutated.len();
            mutated[at] ^= 1 << ((random >> 20) % 8);
            let _ = decompress(&mutated, 1 << 20);
        }
    }
}
