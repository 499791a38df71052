//! Decoding of string literal bodies: escape sequences for `str` and `bytes`.
//!
//! Owns the escape rules and CPython's wording for bad escapes.
//! It does not split f-strings (see `fstring`) or concatenate literals (the parser does).
//! Errors are plain messages; the caller places them at the literal.

#[derive(Clone, Copy, PartialEq, Eq)]
enum EscapeTarget {
    Text,
    Bytes,
}

/// Decodes a non-raw `str` body. `\N{...}` is kept as written (no Unicode name table here).
pub(crate) fn decode_text_escapes(body: &str) -> Result<String, String> {
    let code_points = decode_escapes(body, EscapeTarget::Text)?;
    Ok(code_points
        .into_iter()
        .map(|code_point| char::from_u32(code_point).unwrap_or('\u{fffd}'))
        .collect())
}

/// Decodes a `bytes` body (raw or not); only ASCII may be written literally.
pub(crate) fn decode_bytes(body: &str, raw: bool) -> Result<Vec<u8>, String> {
    if !body.is_ascii() {
        return Err("bytes can only contain ASCII literal characters".to_string());
    }
    if raw {
        return Ok(body.as_bytes().to_vec());
    }
    let code_points = decode_escapes(body, EscapeTarget::Bytes)?;
    Ok(code_points
        .into_iter()
        .map(|code_point| (code_point & 0xff) as u8)
        .collect())
}

fn decode_escapes(body: &str, target: EscapeTarget) -> Result<Vec<u32>, String> {
    let characters: Vec<char> = body.chars().collect();
    let mut decoded = Vec::with_capacity(characters.len());
    let mut index = 0;
    // Byte offset of `characters[index]` in UTF-8: CPython's codec reports byte positions.
    let mut byte_offset = 0usize;
    while let Some(&character) = characters.get(index) {
        if character != '\\' {
            decoded.push(u32::from(character));
            index += 1;
            byte_offset += character.len_utf8();
            continue;
        }
        let escape_start = byte_offset;
        let Some(&escaped) = characters.get(index + 1) else {
            decoded.push(u32::from('\\'));
            break;
        };
        index += 2;
        byte_offset += 1 + escaped.len_utf8();
        match escaped {
            '\n' => {}
            '\\' | '\'' | '"' => decoded.push(u32::from(escaped)),
            'a' => decoded.push(7),
            'b' => decoded.push(8),
            'f' => decoded.push(12),
            'n' => decoded.push(10),
            'r' => decoded.push(13),
            't' => decoded.push(9),
            'v' => decoded.push(11),
            '0'..='7' => {
                let mut value = escaped.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match characters.get(index).and_then(|digit| digit.to_digit(8)) {
                        Some(digit) => {
                            value = value * 8 + digit;
                            index += 1;
                            byte_offset += 1;
                        }
                        None => break,
                    }
                }
                decoded.push(value);
            }
            'x' | 'u' | 'U' if target == EscapeTarget::Text || escaped == 'x' => {
                let (length, name) = match escaped {
                    'x' => (2, "\\xXX"),
                    'u' => (4, "\\uXXXX"),
                    _ => (8, "\\UXXXXXXXX"),
                };
                let mut value: u32 = 0;
                let mut digits_read = 0;
                while digits_read < length {
                    match characters.get(index).and_then(|digit| digit.to_digit(16)) {
                        Some(digit) => {
                            value = value.saturating_mul(16).saturating_add(digit);
                            index += 1;
                            byte_offset += 1;
                            digits_read += 1;
                        }
                        None => break,
                    }
                }
                let escape_end = byte_offset.saturating_sub(1);
                if digits_read < length {
                    return Err(match target {
                        EscapeTarget::Bytes => {
                            format!("(value error) invalid \\x escape at position {escape_start}")
                        }
                        EscapeTarget::Text => format!(
                            "(unicode error) 'unicodeescape' codec can't decode bytes in position {escape_start}-{escape_end}: truncated {name} escape"
                        ),
                    });
                }
                if value > 0x10ffff {
                    return Err(format!(
                        "(unicode error) 'unicodeescape' codec can't decode bytes in position {escape_start}-{escape_end}: illegal Unicode character"
                    ));
                }
                decoded.push(value);
            }
            'N' if target == EscapeTarget::Text => {
                let closing = if characters.get(index) == Some(&'{') {
                    characters
                        .get(index..)
                        .and_then(|rest| rest.iter().position(|&next| next == '}'))
                } else {
                    None
                };
                match closing {
                    Some(distance) if distance > 1 => {
                        decoded.push(u32::from('\\'));
                        decoded.push(u32::from('N'));
                        for &kept in characters.get(index..=index + distance).unwrap_or(&[]) {
                            decoded.push(u32::from(kept));
                            byte_offset += kept.len_utf8();
                        }
                        index += distance + 1;
                    }
                    _ => {
                        let escape_end = byte_offset.saturating_sub(1);
                        return Err(format!(
                            "(unicode error) 'unicodeescape' codec can't decode bytes in position {escape_start}-{escape_end}: malformed \\N character escape"
                        ));
                    }
                }
            }
            other => {
                // Unknown escapes stay as written (a DeprecationWarning in CPython).
                decoded.push(u32::from('\\'));
                decoded.push(u32::from(other));
            }
        }
    }
    Ok(decoded)
}
