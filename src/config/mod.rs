//! Alembic's `Config`: which ini file, which section, and the options the engine reads from it.
//!
//! Owns: locating the config file (`-c`, `ALEMBIC_CONFIG`, `alembic.ini`), the `here`
//! default, `script_location`, `version_locations`, `file_template`, `truncate_slug_length`,
//! `sqlalchemy.url`, and parsing SQLite URLs.
//! Does not: read revision files or open databases.

pub mod ini;

#[cfg(feature = "postgresql")]
pub use crate::host::PostgresUrl;
pub use crate::host::SqliteTarget;

use std::cell::RefCell;
use std::rc::Rc;

use crate::host::{self, FileSystem};
use ini::Ini;

/// The loaded configuration of one command invocation.
#[derive(Debug, Clone)]
pub struct Config {
    /// Absolute path of the ini file (it may not exist: Alembic then sees no options at all).
    pub config_file: String,
    pub section: String,
    /// shared: the page reads the same file for every command and panel ([`parse_kept`])
    pub ini: Rc<Ini>,
    /// `-x` arguments, for env.py.
    pub x_arguments: Vec<String>,
}

thread_local! {
    /// The last ini text parsed, with its `here`, and what it parsed to.
    static LAST: RefCell<Option<(String, String, Rc<Ini>)>> = const { RefCell::new(None) };
}

/// `Ini::parse` of `text` with `here`, kept while the text is unchanged: the page loads the
/// config several times per command and panel (a command, the version table's name, the
/// version locations, the database's path) from the same file. Parsing is a pure function.
fn parse_kept(text: &str, here: &str) -> Result<Rc<Ini>, crate::config::ini::IniError> {
    let kept = LAST.with(|last| {
        last.borrow()
            .as_ref()
            .filter(|(kept_text, kept_here, _)| kept_text == text && kept_here == here)
            .map(|(_, _, ini)| Rc::clone(ini))
    });
    if let Some(ini) = kept {
        return Ok(ini);
    }
    let ini = Rc::new(Ini::parse(text, &[("here", here)])?);
    LAST.with(|last| {
        *last.borrow_mut() = Some((text.to_string(), here.to_string(), Rc::clone(&ini)));
    });
    Ok(ini)
}

/// Errors Alembic reports as `FAILED: ...` while reading configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl Config {
    /// Loads the config as Alembic's CLI does. `cwd` is the working directory; `config_args`
    /// are the `-c` values; `alembic_config_env` is `$ALEMBIC_CONFIG`.
    pub fn load(
        file_system: &dyn FileSystem,
        cwd: &str,
        config_args: &[String],
        alembic_config_env: Option<&str>,
        section: Option<&str>,
        x_arguments: &[String],
    ) -> Result<Config, ConfigError> {
        let chosen = config_args
            .iter()
            .find(|path| !path.ends_with(".toml"))
            .map(String::as_str)
            .or(alembic_config_env)
            .unwrap_or("alembic.ini");
        let config_file = host::join(cwd, chosen);
        let here = host::parent(&config_file);
        let text = if file_system.is_file(&config_file) {
            file_system
                .read_to_string(&config_file)
                .map_err(|error| ConfigError(error.to_string()))?
        } else {
            String::new()
        };
        let ini = parse_kept(&text, &here).map_err(|error| ConfigError(error.message))?;
        Ok(Config {
            config_file,
            section: section.unwrap_or("alembic").to_string(),
            ini,
            x_arguments: x_arguments.to_vec(),
        })
    }

    /// A value from the main section, interpolated.
    pub fn main_option(&self, key: &str) -> Result<Option<String>, ConfigError> {
        if !self.ini.has_section(&self.section) {
            return Ok(None);
        }
        self.ini
            .get(&self.section, key)
            .map_err(|error| ConfigError(error.message))
    }

    /// The directory holding the ini file (`%(here)s`).
    pub fn here(&self) -> String {
        host::parent(&self.config_file)
    }

    /// A path read from the ini (`option`'s value `raw`), made absolute against the working
    /// directory and normalised, if it stays inside the project: the folder holding the ini
    /// (`%(here)s`) or the working directory, either of them or anything below.
    ///
    /// Deviation: Alembic uses whatever the ini names (`script_location = ../../etc` reads
    /// `/etc/env.py`); the playground refuses, so a project (a share link, an upload, a lesson)
    /// can never make the CLI read or write outside itself.
    fn project_path(&self, cwd: &str, option: &str, raw: &str) -> Result<String, ConfigError> {
        let resolved = host::join(cwd, raw);
        let here = host::normalize(&self.here());
        let cwd = host::normalize(cwd);
        if host::relative_to(&here, &resolved).is_some()
            || host::relative_to(&cwd, &resolved).is_some()
        {
            return Ok(resolved);
        }
        let project = if here == cwd {
            format!("the project folder {here}")
        } else {
            format!("the project folders {here} and {cwd}")
        };
        Err(ConfigError(format!(
            "{option} '{raw}' resolves to {resolved}, which is outside {project}; keep paths in {} inside the folder holding it (or the current directory)",
            self.config_file
        )))
    }

    /// `script_location`, made absolute against the working directory; it must stay inside
    /// the project (see [`Config::project_path`]).
    pub fn script_location(&self, cwd: &str) -> Result<String, ConfigError> {
        match self.main_option("script_location")? {
            Some(location) if !location.trim().is_empty() => {
                self.project_path(cwd, "script_location", location.trim())
            }
            _ => Err(ConfigError(
                "No 'script_location' key found in configuration.".to_string(),
            )),
        }
    }

    /// The version directories, in configured order (default: `<script_location>/versions`).
    pub fn version_locations(
        &self,
        cwd: &str,
        script_location: &str,
    ) -> Result<Vec<String>, ConfigError> {
        let Some(raw) = self.main_option("version_locations")? else {
            return Ok(vec![host::join(script_location, "versions")]);
        };
        let separator = self
            .main_option("path_separator")?
            .unwrap_or_else(|| "os".to_string());
        let parts: Vec<String> = match separator.trim() {
            "space" => raw.split_whitespace().map(str::to_string).collect(),
            "newline" => raw.lines().map(str::to_string).collect(),
            "," | "comma" => raw.split(',').map(str::to_string).collect(),
            ";" | "semicolon" => raw.split(';').map(str::to_string).collect(),
            ":" | "colon" | "os" => raw.split(':').map(str::to_string).collect(),
            _ => raw.split_whitespace().map(str::to_string).collect(),
        };
        let locations: Vec<String> = parts
            .iter()
            .map(|part| part.trim())
            .filter(|part| !part.is_empty())
            .map(|part| self.project_path(cwd, "version_locations entry", part))
            .collect::<Result<_, _>>()?;
        if locations.is_empty() {
            return Ok(vec![host::join(script_location, "versions")]);
        }
        Ok(locations)
    }

    /// `sys.path` entries from `prepend_sys_path` (relative ones against the working
    /// directory), each inside the project (see [`Config::project_path`]): autogenerate reads
    /// models.py and the modules it imports from them. An option that cannot be read gives no
    /// entries, as before env.py would notice.
    pub fn prepend_sys_path(&self, cwd: &str) -> Result<Vec<String>, ConfigError> {
        let Ok(Some(value)) = self.main_option("prepend_sys_path") else {
            return Ok(Vec::new());
        };
        let separator = self.main_option("path_separator").ok().flatten();
        let entries: Vec<&str> = match separator.as_deref().map(str::trim) {
            Some("os") | Some(":") => value.split(':').collect(),
            Some("space") => value.split_whitespace().collect(),
            Some(";") => value.split(';').collect(),
            Some("newline") => value.lines().collect(),
            _ => value.split([' ', ',']).collect(),
        };
        entries
            .into_iter()
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| self.project_path(cwd, "prepend_sys_path entry", entry))
            .collect()
    }

    pub fn file_template(&self) -> Result<String, ConfigError> {
        Ok(self
            .main_option("file_template")?
            .unwrap_or_else(|| "%(rev)s_%(slug)s".to_string()))
    }

    pub fn truncate_slug_length(&self) -> Result<usize, ConfigError> {
        match self.main_option("truncate_slug_length")? {
            None => Ok(40),
            Some(value) => crate::python::parse_int(value.trim(), 10).ok_or_else(|| {
                ConfigError(format!("invalid literal for int() with base 10: '{value}'"))
            }),
        }
    }

    pub fn boolean_option(&self, key: &str) -> Result<bool, ConfigError> {
        Ok(matches!(
            self.main_option(key)?
                .map(|value| value.trim().to_lowercase())
                .as_deref(),
            Some("true" | "1" | "yes" | "on")
        ))
    }

    pub fn sqlalchemy_url(&self) -> Result<Option<String>, ConfigError> {
        self.main_option("sqlalchemy.url")
    }
}

/// What a `sqlalchemy.url` names: a SQLite database, or (with the `postgresql` feature) a
/// PostgreSQL server through one of the drivers SQLAlchemy knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(SqliteTarget),
    #[cfg(feature = "postgresql")]
    Postgresql(PostgresUrl),
}

#[cfg(feature = "postgresql")]
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        let hex = bytes
            .get(index + 1..index + 3)
            .and_then(|pair| std::str::from_utf8(pair).ok())
            .and_then(|pair| crate::python::parse_int::<u8>(pair, 16));
        match (byte, hex) {
            (b'%', Some(value)) => {
                out.push(value);
                index += 3;
            }
            _ => {
                out.push(byte);
                index += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The parts after `scheme://` (`Err`: SQLAlchemy's "Could not parse" cases).
#[cfg(feature = "postgresql")]
fn parse_postgres_rest(driver: &str, rest: &str) -> Result<PostgresUrl, String> {
    let cannot = || "Could not parse SQLAlchemy URL from given URL string".to_string();
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, database) = rest.split_once('/').unwrap_or((rest, ""));
    let (credentials, hostport) = match authority.rsplit_once('@') {
        Some((credentials, hostport)) => (Some(credentials), hostport),
        None => (None, authority),
    };
    let (user, password) = match credentials {
        Some(credentials) => match credentials.split_once(':') {
            Some((user, password)) => (Some(percent_decode(user)), Some(percent_decode(password))),
            None => (Some(percent_decode(credentials)), None),
        },
        None => (None, None),
    };
    let (host, port) = if let Some(bracketed) = hostport.strip_prefix('[') {
        let (host, after) = bracketed.split_once(']').ok_or_else(cannot)?;
        (host.to_string(), after.strip_prefix(':').unwrap_or(""))
    } else {
        match hostport.split_once(':') {
            Some((host, port)) => (host.to_string(), port),
            None => (hostport.to_string(), ""),
        }
    };
    let port = if port.is_empty() {
        None
    } else {
        Some(crate::python::parse_int::<u16>(port, 10).ok_or_else(cannot)?)
    };
    let query = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(key), percent_decode(value))
        })
        .collect();
    Ok(PostgresUrl {
        driver: driver.to_string(),
        user,
        password,
        host: (!host.is_empty()).then(|| percent_decode(&host)),
        port,
        database: (!database.is_empty()).then(|| percent_decode(database)),
        query,
    })
}

impl DatabaseUrl {
    pub fn dialect(&self) -> crate::runtime::Dialect {
        match self {
            DatabaseUrl::Sqlite(_) => crate::runtime::Dialect::Sqlite,
            #[cfg(feature = "postgresql")]
            DatabaseUrl::Postgresql(_) => crate::runtime::Dialect::Postgresql,
        }
    }
}

/// The URL as SQLAlchemy shows it (`URL.__repr__`): the password as `***`.
#[cfg(feature = "postgresql")]
pub fn hide_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(end) => rest.split_at(end),
        None => (rest, ""),
    };
    match authority.rsplit_once('@') {
        Some((credentials, host)) => match credentials.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{tail}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// Parses a `sqlalchemy.url` as `sqlalchemy.engine.make_url` and the dialect lookup do; the
/// error is the text of SQLAlchemy's `ArgumentError` (it starts `Could not parse`) or of its
/// `NoSuchModuleError` (or the playground's, for a dialect it does not have).
pub fn parse_url(url: &str) -> Result<DatabaseUrl, String> {
    #[cfg(feature = "postgresql")]
    if let Some((scheme, rest)) = url.trim().split_once("://") {
        if let Some(("postgresql", driver)) = scheme.split_once('+').or(Some((scheme, ""))) {
            // SQLAlchemy 2.1 takes psycopg (3) for a bare `postgresql://`
            let driver = if driver.is_empty() { "psycopg" } else { driver };
            if !["psycopg2", "psycopg", "asyncpg", "pg8000", "psycopg2cffi"].contains(&driver) {
                return Err(format!(
                    "Can't load plugin: sqlalchemy.dialects:postgresql.{driver}"
                ));
            }
            return parse_postgres_rest(driver, rest).map(DatabaseUrl::Postgresql);
        }
        if scheme == "postgres" {
            return Err("Can't load plugin: sqlalchemy.dialects:postgres".to_string());
        }
    }
    parse_sqlite_url(url).map(DatabaseUrl::Sqlite)
}

/// Parses the URL forms SQLAlchemy accepts for SQLite: `sqlite://` and `sqlite:///:memory:`
/// (memory), `sqlite:///relative.db`, `sqlite:////absolute.db`, with optional `+pysqlite`
/// and a `?query` that is ignored.
pub fn parse_sqlite_url(url: &str) -> Result<SqliteTarget, String> {
    let url = url.trim();
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(format!(
            "Could not parse SQLAlchemy URL from given URL string"
        ));
    };
    let dialect = scheme.split('+').next().unwrap_or("");
    if dialect != "sqlite" {
        #[cfg(feature = "postgresql")]
        let runs = "SQLite and PostgreSQL";
        #[cfg(not(feature = "postgresql"))]
        let runs = "SQLite";
        return Err(format!(
            "the playground runs {runs} only; sqlalchemy.url uses the '{dialect}' dialect (try sqlite:///app.db)"
        ));
    }
    let rest = rest.split('?').next().unwrap_or("");
    if rest.is_empty() {
        return Ok(SqliteTarget::Memory);
    }
    let Some(path) = rest.strip_prefix('/') else {
        return Err(format!(
            "Could not parse SQLAlchemy URL from given URL string"
        ));
    };
    if path.is_empty() || path == ":memory:" {
        return Ok(SqliteTarget::Memory);
    }
    Ok(SqliteTarget::File(path.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::MemoryFs;

    #[cfg(feature = "postgresql")]
    #[test]
    fn urls_show_their_password_hidden_as_sqlalchemy_shows_them() {
        assert_eq!(
            hide_password("postgresql+psycopg2://scott:tiger@db:5432/app?sslmode=off"),
            "postgresql+psycopg2://scott:***@db:5432/app?sslmode=off"
        );
        assert_eq!(
            hide_password("postgresql://scott:t%40ger@db/app"),
            "postgresql://scott:***@db/app"
        );
        assert_eq!(
            hide_password("postgresql://scott@db/app"),
            "postgresql://scott@db/app"
        );
        assert_eq!(hide_password("sqlite:///app.db"), "sqlite:///app.db");
    }

    #[test]
    fn loads_script_location_relative_to_here_and_cwd() {
        let mut files = MemoryFs::new();
        files
            .write("/p/alembic.ini", "[alembic]\nscript_location = %(here)s/migrations\nsqlalchemy.url = sqlite:///%(here)s/app.db\n")
            .unwrap();
        let config = Config::load(&files, "/p", &[], None, None, &[]).unwrap();
        assert_eq!(config.script_location("/p").unwrap(), "/p/migrations");
        assert_eq!(
            config.version_locations("/p", "/p/migrations").unwrap(),
            vec!["/p/migrations/versions"]
        );
        assert_eq!(
            config.sqlalchemy_url().unwrap().unwrap(),
            "sqlite:////p/app.db"
        );
        assert_eq!(config.truncate_slug_length().unwrap(), 40);
        assert_eq!(config.file_template().unwrap(), "%(rev)s_%(slug)s");

        let missing = Config::load(&files, "/elsewhere", &[], None, None, &[]).unwrap();
        assert_eq!(
            missing.script_location("/elsewhere").unwrap_err().0,
            "No 'script_location' key found in configuration."
        );
    }

    #[test]
    fn ini_paths_stay_inside_the_ini_folder_or_the_working_directory() {
        // (ini file, cwd, option line, the option's resolved paths or the error's start)
        let cases = [
            ("/p/alembic.ini", "/p", "script_location = migrations", Ok(vec!["/p/migrations"])),
            ("/p/alembic.ini", "/p", "script_location = ./a/../migrations", Ok(vec!["/p/migrations"])),
            ("/p/alembic.ini", "/p", "script_location = %(here)s", Ok(vec!["/p"])),
            // `-c sub/alembic.ini`: `%(here)s` paths and working-directory paths both count.
            ("/p/sub/alembic.ini", "/p", "script_location = %(here)s/m", Ok(vec!["/p/sub/m"])),
            ("/p/sub/alembic.ini", "/p", "script_location = m", Ok(vec!["/p/m"])),
            ("/p/alembic.ini", "/p", "script_location = ../../etc", Err("script_location '../../etc' resolves to /etc, which is outside the project folder /p;")),
            ("/p/sub/alembic.ini", "/p", "script_location = %(here)s/../../x", Err("script_location '/p/sub/../../x' resolves to /x, which is outside the project folders /p/sub and /p;")),
            ("/p/alembic.ini", "/p", "prepend_sys_path = . src", Ok(vec!["/p", "/p/src"])),
            ("/p/alembic.ini", "/p", "prepend_sys_path = . ..", Err("prepend_sys_path entry '..' resolves to /, which is outside the project folder /p;")),
        ];
        for (ini_path, cwd, line, expected) in cases {
            let mut files = MemoryFs::new();
            files
                .write(ini_path, &format!("[alembic]\n{line}\n"))
                .unwrap();
            let config =
                Config::load(&files, cwd, &[ini_path.to_string()], None, None, &[]).unwrap();
            let resolved = if line.starts_with("prepend_sys_path") {
                config.prepend_sys_path(cwd)
            } else {
                config.script_location(cwd).map(|location| vec![location])
            };
            match (resolved, expected) {
                (Ok(paths), Ok(expected)) => assert_eq!(paths, expected, "{line}"),
                (Err(error), Err(start)) => {
                    assert!(error.0.starts_with(start), "{line}: {}", error.0);
                    assert!(error.0.ends_with(&format!("keep paths in {ini_path} inside the folder holding it (or the current directory)")), "{}", error.0);
                }
                (resolved, expected) => panic!("{line}: {resolved:?} instead of {expected:?}"),
            }
        }
    }

    #[test]
    fn parses_sqlite_urls() {
        assert_eq!(parse_sqlite_url("sqlite://").unwrap(), SqliteTarget::Memory);
        assert_eq!(
            parse_sqlite_url("sqlite:///:memory:").unwrap(),
            SqliteTarget::Memory
        );
        assert_eq!(
            parse_sqlite_url("sqlite:///app.db").unwrap(),
            SqliteTarget::File("app.db".into())
        );
        assert_eq!(
            parse_sqlite_url("sqlite+pysqlite:////tmp/a.db").unwrap(),
            SqliteTarget::File("/tmp/a.db".into())
        );
        assert!(parse_sqlite_url("postgresql://u@h/db")
            .unwrap_err()
            .contains("'postgresql'"));
        assert!(parse_sqlite_url("driver://user:pass@localhost/dbname").is_err());
    }
}
