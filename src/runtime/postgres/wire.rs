//! PostgreSQL's frontend/backend protocol (version 3.0): the few messages the engine sends
//! and the backend messages it reads. Every backend message is a type byte, a 4-byte
//! big-endian length that counts itself, and a body; the startup message has no type byte.
//! Reading never trusts the bytes: a short or malformed message is an error, not a panic.

/// A message with a type byte (frontend or backend: the framing is the same): the tag, the
/// length, the body.
pub(crate) fn message(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(body.len() + 5);
    bytes.push(tag);
    bytes.extend_from_slice(&(body.len() as i32 + 4).to_be_bytes());
    bytes.extend_from_slice(body);
    bytes
}

/// `Query`: one text of SQL, run through the simple query protocol (several statements
/// separated by `;` run as one implicit transaction).
pub fn query(sql: &str) -> Vec<u8> {
    let mut body = Vec::with_capacity(sql.len() + 1);
    body.extend_from_slice(sql.as_bytes());
    body.push(0);
    message(b'Q', &body)
}

/// `StartupMessage` for protocol 3.0 with the given parameters (`user`, `database`, ...).
pub fn startup(parameters: &[(&str, &str)]) -> Vec<u8> {
    let mut body = 196_608_i32.to_be_bytes().to_vec();
    for (name, value) in parameters {
        body.extend_from_slice(name.as_bytes());
        body.push(0);
        body.extend_from_slice(value.as_bytes());
        body.push(0);
    }
    body.push(0);
    let mut bytes = (body.len() as i32 + 4).to_be_bytes().to_vec();
    bytes.extend_from_slice(&body);
    bytes
}

/// `PasswordMessage`: a clear-text or MD5-hashed password.
pub fn password(text: &str) -> Vec<u8> {
    let mut body = text.as_bytes().to_vec();
    body.push(0);
    message(b'p', &body)
}

/// `SASLInitialResponse`: the chosen mechanism and its first message.
pub fn sasl_initial(mechanism: &str, data: &[u8]) -> Vec<u8> {
    let mut body = mechanism.as_bytes().to_vec();
    body.push(0);
    body.extend_from_slice(&(data.len() as i32).to_be_bytes());
    body.extend_from_slice(data);
    message(b'p', &body)
}

/// `SASLResponse`: the mechanism's next message.
pub fn sasl_response(data: &[u8]) -> Vec<u8> {
    message(b'p', data)
}

/// `Terminate`: the connection is closing.
pub fn terminate() -> Vec<u8> {
    message(b'X', &[])
}

/// A column of a result, as `RowDescription` describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    /// The type's OID (`pg_type.oid`).
    pub type_oid: u32,
}

/// An `ErrorResponse` (or `NoticeResponse`): the fields libpq prints.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServerError {
    /// `S`: the severity, localised (`ERROR`, `FATAL`).
    pub severity: String,
    /// `C`: the SQLSTATE.
    pub code: String,
    /// `M`: the primary message.
    pub message: String,
    /// `D`
    pub detail: Option<String>,
    /// `H`
    pub hint: Option<String>,
    /// `P`: where in the query the error is, in characters from 1.
    pub position: Option<usize>,
}

/// The backend messages the engine reads; the others are `Other` with their type byte.
#[derive(Debug, PartialEq)]
pub enum Backend<'a> {
    /// `R`: an authentication request (its code) with the rest of its body.
    Authentication { code: i32, data: &'a [u8] },
    /// `T`
    RowDescription(Vec<Field>),
    /// `D`: each column's text, `None` for NULL.
    DataRow(Vec<Option<&'a [u8]>>),
    /// `C`: the command tag (`INSERT 0 1`, `CREATE TABLE`).
    CommandComplete(&'a str),
    /// `E`
    Error(ServerError),
    /// `Z`: the transaction status (`I` idle, `T` in a transaction, `E` in a failed one).
    ReadyForQuery(u8),
    /// `N`, `S`, `K`, `I` (empty query) and the rest.
    Other(u8),
}

/// Why backend bytes could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct WireError(pub String);

/// The length of the first message in `bytes` (type byte and length included), once all of
/// it has arrived.
pub fn complete_length(bytes: &[u8]) -> Result<Option<usize>, WireError> {
    let Some(length) = bytes.get(1..5) else {
        return Ok(None);
    };
    let length = i32::from_be_bytes([length[0], length[1], length[2], length[3]]);
    if length < 4 {
        return Err(WireError(format!("a backend message with length {length}")));
    }
    let total = length as usize + 1;
    Ok((bytes.len() >= total).then_some(total))
}

/// The backend messages in `bytes`, in order; an error for a cut or malformed one.
pub fn messages(bytes: &[u8]) -> Result<Vec<Backend<'_>>, WireError> {
    let mut read = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let Some(length) = complete_length(rest)? else {
            return Err(WireError("a backend message cut short".to_string()));
        };
        read.push(parse(rest[0], &rest[5..length])?);
        rest = &rest[length..];
    }
    Ok(read)
}

/// Reads a body's fields in order.
struct Reader<'a> {
    body: &'a [u8],
    tag: u8,
}

impl<'a> Reader<'a> {
    fn malformed(&self) -> WireError {
        WireError(format!(
            "a malformed backend message '{}'",
            char::from(self.tag)
        ))
    }

    fn take(&mut self, count: usize) -> Result<&'a [u8], WireError> {
        if self.body.len() < count {
            return Err(self.malformed());
        }
        let (taken, rest) = self.body.split_at(count);
        self.body = rest;
        Ok(taken)
    }

    fn i16(&mut self) -> Result<i16, WireError> {
        let bytes = self.take(2)?;
        Ok(i16::from_be_bytes([bytes[0], bytes[1]]))
    }

    fn i32(&mut self) -> Result<i32, WireError> {
        let bytes = self.take(4)?;
        Ok(i32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
    }

    /// A NUL-terminated string.
    fn text(&mut self) -> Result<&'a str, WireError> {
        let end = self
            .body
            .iter()
            .position(|byte| *byte == 0)
            .ok_or_else(|| self.malformed())?;
        let text = std::str::from_utf8(&self.body[..end]).map_err(|_| self.malformed())?;
        self.body = &self.body[end + 1..];
        Ok(text)
    }
}

fn parse(tag: u8, body: &[u8]) -> Result<Backend<'_>, WireError> {
    let mut reader = Reader { body, tag };
    Ok(match tag {
        b'R' => Backend::Authentication {
            code: reader.i32()?,
            data: reader.body,
        },
        b'T' => {
            let count = reader.i16()?;
            let mut fields = Vec::with_capacity(count.max(0) as usize);
            for _ in 0..count {
                let name = reader.text()?.to_string();
                reader.take(6)?; // the table's OID and the column's number
                let type_oid = reader.i32()? as u32;
                reader.take(8)?; // the type's size and modifier, the format
                fields.push(Field { name, type_oid });
            }
            Backend::RowDescription(fields)
        }
        b'D' => {
            let count = reader.i16()?;
            let mut values = Vec::with_capacity(count.max(0) as usize);
            for _ in 0..count {
                let length = reader.i32()?;
                values.push(if length < 0 {
                    None
                } else {
                    Some(reader.take(length as usize)?)
                });
            }
            Backend::DataRow(values)
        }
        b'C' => Backend::CommandComplete(reader.text()?),
        b'E' => Backend::Error(server_error(&mut reader)?),
        b'Z' => Backend::ReadyForQuery(*reader.take(1)?.first().unwrap_or(&b'I')),
        other => Backend::Other(other),
    })
}

/// The fields of an `ErrorResponse`: a type byte and a string each, until a zero byte.
fn server_error(reader: &mut Reader<'_>) -> Result<ServerError, WireError> {
    let mut error = ServerError::default();
    loop {
        let field = *reader.take(1)?.first().unwrap_or(&0);
        if field == 0 {
            return Ok(error);
        }
        let value = reader.text()?.to_string();
        match field {
            b'S' => error.severity = value,
            b'C' => error.code = value,
            b'M' => error.message = value,
            b'D' => error.detail = Some(value),
            b'H' => error.hint = Some(value),
            b'P' => error.position = value.parse().ok(),
            _ => {}
        }
    }
}

/// The number of rows a command tag reports (`INSERT 0 5`, `UPDATE 3`: its last word), 0
/// for a tag without one (`CREATE TABLE`).
pub fn tag_count(tag: &str) -> u64 {
    tag.rsplit(' ')
        .next()
        .and_then(|last| last.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frontend_messages_are_framed_as_the_protocol_says() {
        assert_eq!(query("SELECT 1"), b"Q\0\0\0\x0dSELECT 1\0".to_vec());
        assert_eq!(terminate(), b"X\0\0\0\x04".to_vec());
        assert_eq!(
            startup(&[("user", "a")]),
            b"\0\0\0\x10\0\x03\0\0user\0a\0\0".to_vec()
        );
        assert_eq!(
            sasl_initial("M", b"xy"),
            b"p\0\0\0\x0cM\0\0\0\0\x02xy".to_vec()
        );
    }

    #[test]
    fn a_reply_is_read_message_by_message() {
        let mut bytes = message(
            b'T',
            b"\0\x01id\0\0\0\0\0\0\x01\0\0\0\x17\0\x04\xff\xff\xff\xff\0\0",
        );
        bytes.extend(message(b'D', b"\0\x02\0\0\0\x0242\xff\xff\xff\xff"));
        bytes.extend(message(b'C', b"SELECT 1\0"));
        bytes.extend(message(
            b'E',
            b"SERROR\0C42P01\0Mrelation \"x\" does not exist\0P15\0\0",
        ));
        bytes.extend(message(b'Z', b"T"));
        let read = messages(&bytes).unwrap();
        assert_eq!(
            read[0],
            Backend::RowDescription(vec![Field {
                name: "id".to_string(),
                type_oid: 23
            }])
        );
        assert_eq!(read[1], Backend::DataRow(vec![Some(&b"42"[..]), None]));
        assert_eq!(read[2], Backend::CommandComplete("SELECT 1"));
        assert_eq!(
            read[3],
            Backend::Error(ServerError {
                severity: "ERROR".to_string(),
                code: "42P01".to_string(),
                message: "relation \"x\" does not exist".to_string(),
                detail: None,
                hint: None,
                position: Some(15),
            })
        );
        assert_eq!(read[4], Backend::ReadyForQuery(b'T'));
    }

    #[test]
    fn cut_and_malformed_replies_are_errors() {
        let whole = message(b'C', b"SELECT 1\0");
        assert_eq!(complete_length(&whole[..3]), Ok(None));
        assert_eq!(complete_length(&whole), Ok(Some(whole.len())));
        assert!(messages(&whole[..whole.len() - 1]).is_err());
        assert!(messages(b"C\0\0\0\x02").is_err());
        // a data row that says it has more than it holds
        assert!(messages(&message(b'D', b"\0\x01\0\0\0\x09ab")).is_err());
        // a command tag without its terminating zero
        assert!(messages(&message(b'C', b"SELECT 1")).is_err());
    }

    #[test]
    fn command_tags_give_their_counts() {
        assert_eq!(tag_count("INSERT 0 5"), 5);
        assert_eq!(tag_count("UPDATE 3"), 3);
        assert_eq!(tag_count("CREATE TABLE"), 0);
    }
}
