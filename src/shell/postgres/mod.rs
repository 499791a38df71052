//! The CLI's PostgreSQL connection: a socket to the server (TCP, or the Unix socket libpq
//! uses when no host is given), the startup and authentication (trust, clear text, MD5,
//! SCRAM-SHA-256), then the engine's wire-protocol database (`runtime::postgres`) over it.
//! Connection failures are worded as SQLAlchemy shows what libpq and the Python drivers
//! report.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::os::unix::net::UnixStream;

use postgres_protocol::authentication::{md5_hash, sasl};

use crate::host::PostgresUrl;
use crate::runtime::postgres::wire::{self, Backend};
use crate::runtime::postgres::{
    driver_module, keeps_newline, server_text, Transport, WireDatabase, OPERATIONAL_BACKGROUND,
};

/// One open connection.
pub type PostgresDatabase = WireDatabase<Socket>;

/// What libpq says when the server goes away in the middle of a request.
const CLOSED: &str = "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.";

enum Stream {
    Tcp(TcpStream),
    Unix(UnixStream),
}

/// A socket to the server, reading whole backend messages.
pub struct Socket {
    stream: Stream,
    /// bytes read past the last whole message
    pending: Vec<u8>,
}

impl Socket {
    fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        match &mut self.stream {
            Stream::Tcp(stream) => stream.write_all(bytes),
            Stream::Unix(stream) => stream.write_all(bytes),
        }
    }

    /// The next whole backend message (type byte, length and body).
    fn next_message(&mut self) -> io::Result<Vec<u8>> {
        loop {
            let length = wire::complete_length(&self.pending)
                .map_err(|error| io::Error::new(io::ErrorKind::InvalidData, error.0))?;
            if let Some(length) = length {
                let rest = self.pending.split_off(length);
                return Ok(std::mem::replace(&mut self.pending, rest));
            }
            let mut buffer = [0_u8; 16 * 1024];
            let read = match &mut self.stream {
                Stream::Tcp(stream) => stream.read(&mut buffer)?,
                Stream::Unix(stream) => stream.read(&mut buffer)?,
            };
            if read == 0 {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, CLOSED));
            }
            self.pending.extend_from_slice(&buffer[..read]);
        }
    }
}

impl Transport for Socket {
    fn round_trip(&mut self, messages: &[u8]) -> Result<Vec<u8>, String> {
        let lost = |error: io::Error| match error.kind() {
            io::ErrorKind::UnexpectedEof => CLOSED.to_string(),
            _ => io_text(&error),
        };
        self.send(messages).map_err(lost)?;
        let mut reply = Vec::new();
        loop {
            let message = self.next_message().map_err(lost)?;
            let done = message.first() == Some(&b'Z');
            reply.extend_from_slice(&message);
            if done {
                return Ok(reply);
            }
        }
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        let _ = self.send(&wire::terminate());
    }
}

/// An I/O error's text as the C library words it (Rust adds ` (os error 111)`).
fn io_text(error: &io::Error) -> String {
    let text = error.to_string();
    match text.find(" (os error ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// Why a connection could not be made: libpq's reason after "connection to server ... failed: ".
enum Refused {
    Io(io::Error),
    /// the server's `ErrorResponse` (`FATAL:  password authentication failed ...`)
    Server(String),
    /// libpq's own text (`fe_sendauth: no password supplied`)
    Client(String),
}

/// Where libpq connects for a URL, with whom, to which database.
struct Target {
    host: String,
    port: u16,
    user: String,
    database: String,
    password: Option<String>,
}

impl Target {
    fn of(url: &PostgresUrl) -> Target {
        let query_value = |key: &str| {
            url.query
                .iter()
                .find(|(name, _)| name == key)
                .map(|(_, value)| value.clone())
        };
        let host = url
            .host
            .clone()
            .or_else(|| query_value("host"))
            .unwrap_or_else(|| "/var/run/postgresql".to_string());
        let port = url
            .port
            .or_else(|| query_value("port").and_then(|port| port.parse().ok()))
            .unwrap_or(5432);
        let user = url
            .user
            .clone()
            .or_else(|| query_value("user"))
            .unwrap_or_else(|| std::env::var("USER").unwrap_or_else(|_| "root".to_string()));
        let database = url
            .database
            .clone()
            .or_else(|| query_value("dbname"))
            .unwrap_or_else(|| user.clone());
        let password = url.password.clone().or_else(|| query_value("password"));
        Target {
            host,
            port,
            user,
            database,
            password,
        }
    }

    fn is_socket(&self) -> bool {
        self.host.starts_with('/')
    }

    /// libpq's "connection to server ..." for this target.
    fn place(&self) -> String {
        if self.is_socket() {
            format!(
                "connection to server on socket \"{}/.s.PGSQL.{}\" failed",
                self.host, self.port
            )
        } else {
            format!(
                "connection to server at \"{}\", port {} failed",
                self.host, self.port
            )
        }
    }

    fn open(&self) -> Result<Socket, Refused> {
        let stream = if self.is_socket() {
            let path = format!("{}/.s.PGSQL.{}", self.host, self.port);
            Stream::Unix(UnixStream::connect(path).map_err(Refused::Io)?)
        } else {
            let stream =
                TcpStream::connect((self.host.as_str(), self.port)).map_err(Refused::Io)?;
            let _ = stream.set_nodelay(true);
            Stream::Tcp(stream)
        };
        let mut socket = Socket {
            stream,
            pending: Vec::new(),
        };
        self.start(&mut socket)?;
        Ok(socket)
    }

    /// The startup message, authentication and the server's first `ReadyForQuery`.
    fn start(&self, socket: &mut Socket) -> Result<(), Refused> {
        socket
            .send(&wire::startup(&[
                ("user", &self.user),
                ("database", &self.database),
                ("application_name", "alembic-playground"),
                ("client_encoding", "UTF8"),
            ]))
            .map_err(Refused::Io)?;
        let mut scram: Option<sasl::ScramSha256> = None;
        loop {
            let message = socket.next_message().map_err(Refused::Io)?;
            let read = wire::messages(&message).map_err(|error| Refused::Client(error.0))?;
            let Some(message) = read.into_iter().next() else {
                continue;
            };
            match message {
                Backend::Authentication { code: 0, .. } => {}
                Backend::Authentication { code: 3, .. } => {
                    let password = self.password()?;
                    socket
                        .send(&wire::password(password))
                        .map_err(Refused::Io)?;
                }
                Backend::Authentication { code: 5, data } => {
                    let password = self.password()?;
                    let salt = data
                        .get(..4)
                        .and_then(|salt| <[u8; 4]>::try_from(salt).ok())
                        .ok_or_else(|| Refused::Client("malformed MD5 request".to_string()))?;
                    let hashed = md5_hash(self.user.as_bytes(), password.as_bytes(), salt);
                    socket.send(&wire::password(&hashed)).map_err(Refused::Io)?;
                }
                Backend::Authentication { code: 10, data } => {
                    let offers_scram = data
                        .split(|byte| *byte == 0)
                        .any(|name| name == sasl::SCRAM_SHA_256.as_bytes());
                    if !offers_scram {
                        return Err(Refused::Client(
                            "none of the server's SASL authentication mechanisms are supported"
                                .to_string(),
                        ));
                    }
                    let password = self.password()?;
                    let state = sasl::ScramSha256::new(
                        password.as_bytes(),
                        sasl::ChannelBinding::unsupported(),
                    );
                    socket
                        .send(&wire::sasl_initial(sasl::SCRAM_SHA_256, state.message()))
                        .map_err(Refused::Io)?;
                    scram = Some(state);
                }
                Backend::Authentication { code: 11, data } => {
                    let state = scram.as_mut().ok_or_else(|| {
                        Refused::Client("SASL continue without a SASL start".to_string())
                    })?;
                    state
                        .update(data)
                        .map_err(|error| Refused::Client(error.to_string()))?;
                    socket
                        .send(&wire::sasl_response(state.message()))
                        .map_err(Refused::Io)?;
                }
                Backend::Authentication { code: 12, data } => {
                    let state = scram.as_mut().ok_or_else(|| {
                        Refused::Client("SASL final without a SASL start".to_string())
                    })?;
                    state
                        .finish(data)
                        .map_err(|error| Refused::Client(error.to_string()))?;
                }
                Backend::Authentication { code, .. } => {
                    return Err(Refused::Client(format!(
                        "authentication method {code} not supported"
                    )));
                }
                Backend::Error(error) => {
                    return Err(Refused::Server(format!(
                        "{}:  {}",
                        error.severity,
                        server_text(&error, None)
                    )));
                }
                Backend::ReadyForQuery(_) => return Ok(()),
                _ => {}
            }
        }
    }

    fn password(&self) -> Result<&str, Refused> {
        self.password
            .as_deref()
            .ok_or_else(|| Refused::Client("fe_sendauth: no password supplied".to_string()))
    }
}

/// Opens a connection as libpq would for the URL (a Unix socket when no host is given).
pub fn connect(url: &PostgresUrl) -> Result<PostgresDatabase, String> {
    let driver = driver_module(&url.driver);
    let target = Target::of(url);
    let refused = match target.open() {
        Ok(socket) => return Ok(WireDatabase::new(socket, driver)),
        Err(refused) => refused,
    };
    let reason = match refused {
        Refused::Server(text) | Refused::Client(text) => text,
        Refused::Io(io) => match io.kind() {
            io::ErrorKind::ConnectionRefused if !target.is_socket() => {
                "Connection refused\n\tIs the server running on that host and accepting TCP/IP connections?".to_string()
            }
            io::ErrorKind::ConnectionRefused | io::ErrorKind::NotFound => {
                "No such file or directory\n\tIs the server running locally and accepting connections on that socket?".to_string()
            }
            io::ErrorKind::UnexpectedEof => CLOSED.to_string(),
            _ => io_text(&io),
        },
    };
    let (prefix, end) = if keeps_newline(driver) {
        ("", "\n")
    } else {
        ("connection failed: ", "")
    };
    Err(format!(
        "({driver}.OperationalError) {prefix}{}: {reason}{end}\n{OPERATIONAL_BACKGROUND}",
        target.place()
    ))
}
