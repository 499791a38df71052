//! The page's database switch ("SQLite | PostgreSQL"): which database a project's
//! `sqlalchemy.url` names, and its `alembic.ini` rewritten to name the other one.
//!
//! Owns: reading the URL's dialect off `alembic.ini`'s text (the page decides from it which
//! of its two builds to show) and the rewrite: the URL in use becomes a comment, and the
//! other database's URL comes back from its comment, or a default one, so switching back
//! and forth keeps both URLs as the learner wrote them.
//! Does not: parse the URL for a command (`crate::config::parse_url` does, with Alembic's
//! errors), or touch a database.

#[cfg(feature = "postgresql")]
use crate::host::join;
use crate::host::FileSystem;

/// The databases the page runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgresql,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Sqlite => "SQLite",
            Kind::Postgresql => "PostgreSQL",
        }
    }

    /// The dialect of a URL by its scheme (`sqlite`, `sqlite+pysqlite`, `postgresql+psycopg2`...).
    fn of_url(url: &str) -> Option<Kind> {
        let scheme = url.trim().split("://").next()?;
        match scheme.split('+').next()? {
            "sqlite" => Some(Kind::Sqlite),
            "postgresql" => Some(Kind::Postgresql),
            _ => None,
        }
    }

    /// The URL a project switched to this database gets when it has none of its own.
    #[cfg(feature = "postgresql")]
    fn default_url(self) -> &'static str {
        match self {
            Kind::Sqlite => "sqlite:///%(here)s/app.db",
            Kind::Postgresql => "postgresql+psycopg://postgres:postgres@localhost/app",
        }
    }
}

/// Where `alembic.ini` sits in a project.
#[cfg(feature = "postgresql")]
fn ini_path(cwd: &str) -> String {
    join(cwd, "alembic.ini")
}

#[cfg(feature = "postgresql")]
/// One line of `alembic.ini` that sets `sqlalchemy.url`, in use or commented out (`# ` or
/// `; `): its URL.
fn url_line(line: &str) -> Option<(bool, &str)> {
    let (commented, rest) = match line.trim_start().strip_prefix(['#', ';']) {
        Some(rest) => (true, rest.trim_start()),
        None => (false, line.trim_start()),
    };
    let (key, value) = rest.split_once(['=', ':'])?;
    (key.trim() == "sqlalchemy.url").then_some((commented, value.trim()))
}

/// The `[alembic]` section's lines: their indexes in `lines`.
#[cfg(feature = "postgresql")]
fn alembic_section(lines: &[&str]) -> std::ops::Range<usize> {
    let start = lines
        .iter()
        .position(|line| line.trim() == "[alembic]")
        .map_or(lines.len(), |at| at + 1);
    let end = lines[start..]
        .iter()
        .position(|line| line.trim_start().starts_with('['))
        .map_or(lines.len(), |at| start + at);
    start..end
}

/// The database `alembic.ini`'s `[alembic]` section names in `sqlalchemy.url` (the last
/// setting wins, as configparser reads it), if it is one the page runs.
#[cfg(feature = "postgresql")]
pub fn of_ini(text: &str) -> Option<Kind> {
    let mut in_alembic = false;
    let mut url = None;
    for line in text.lines() {
        if line.trim_start().starts_with('[') {
            in_alembic = line.trim() == "[alembic]";
        } else if in_alembic {
            if let Some((false, value)) = url_line(line) {
                url = Some(value);
            }
        }
    }
    Kind::of_url(url?)
}

/// The database the project at `cwd` names, read as the commands read `alembic.ini`.
pub fn of_project(files: &dyn FileSystem, cwd: &str) -> Option<Kind> {
    Kind::of_url(&crate::playground::databases::sqlalchemy_url(files, cwd)?)
}

// The switch itself runs in the PostgreSQL page only: the SQLite page opens that page for it
// (`?switch`), so none of this reaches the SQLite page's first load.

/// `alembic.ini`'s text switched to `to`: each `sqlalchemy.url` in use in `[alembic]` is
/// commented out, and the last commented-out URL of `to`'s database comes back (else
/// `to`'s default URL is added after the URL that was in use). `None` when the section sets
/// no URL, or already names `to`.
#[cfg(feature = "postgresql")]
pub fn switched(text: &str, to: Kind) -> Option<String> {
    if of_ini(text) == Some(to) {
        return None;
    }
    let lines: Vec<&str> = text.lines().collect();
    let section = alembic_section(&lines);
    let in_use: Vec<usize> = section
        .clone()
        .filter(|&at| matches!(url_line(lines[at]), Some((false, _))))
        .collect();
    let last_in_use = *in_use.last()?;
    let kept = section.clone().rev().find(
        |&at| matches!(url_line(lines[at]), Some((true, url)) if Kind::of_url(url) == Some(to)),
    );
    let mut out: Vec<String> = Vec::with_capacity(lines.len() + 1);
    for (at, line) in lines.iter().enumerate() {
        if in_use.contains(&at) {
            out.push(format!("# {}", line.trim_start()));
        } else if Some(at) == kept {
            let (_, url) = url_line(line)?;
            out.push(format!("sqlalchemy.url = {url}"));
        } else {
            out.push(line.to_string());
        }
        if at == last_in_use && kept.is_none() {
            out.push(format!("sqlalchemy.url = {}", to.default_url()));
        }
    }
    let mut switched = out.join("\n");
    if text.ends_with('\n') {
        switched.push('\n');
    }
    Some(switched)
}

/// The project at `cwd` switched to `to`: `alembic.ini`'s path and new text, or why not.
#[cfg(feature = "postgresql")]
pub fn switch_project(
    files: &dyn FileSystem,
    cwd: &str,
    to: Kind,
) -> Result<(String, String), SwitchError> {
    let path = ini_path(cwd);
    let text = files
        .read_to_string(&path)
        .map_err(|_| SwitchError::NoIni)?;
    if of_ini(&text) == Some(to) {
        return Err(SwitchError::Already(to));
    }
    switched(&text, to)
        .map(|text| (path, text))
        .ok_or(SwitchError::NoUrl)
}

/// Why the switch left `alembic.ini` as it was.
#[cfg(feature = "postgresql")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SwitchError {
    NoIni,
    NoUrl,
    Already(Kind),
}

#[cfg(feature = "postgresql")]
impl std::fmt::Display for SwitchError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SwitchError::NoIni => formatter.write_str("the project has no alembic.ini to switch"),
            SwitchError::NoUrl => formatter
                .write_str("alembic.ini's [alembic] section sets no sqlalchemy.url to switch"),
            SwitchError::Already(kind) => {
                write!(formatter, "the project already uses {}", kind.name())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STARTER: &str = "[alembic]\nscript_location = %(here)s/migrations\n\n# the database\nsqlalchemy.url = sqlite:///%(here)s/app.db\n\n[loggers]\nkeys = root\n";

    #[cfg(feature = "postgresql")]
    #[test]
    fn the_dialect_is_read_off_the_alembic_section() {
        assert_eq!(of_ini(STARTER), Some(Kind::Sqlite));
        assert_eq!(
            of_ini("[alembic]\nsqlalchemy.url=postgresql+psycopg2://u@h/d\n"),
            Some(Kind::Postgresql)
        );
        // the last setting wins; comments and other sections do not count
        assert_eq!(
            of_ini("[alembic]\nsqlalchemy.url = sqlite://\n# sqlalchemy.url = sqlite://\nsqlalchemy.url : postgresql://h/d\n[other]\nsqlalchemy.url = sqlite://\n"),
            Some(Kind::Postgresql)
        );
        assert_eq!(of_ini("[alembic]\nsqlalchemy.url = mysql://h/d\n"), None);
        assert_eq!(of_ini("[other]\nsqlalchemy.url = sqlite://\n"), None);
        assert_eq!(of_ini(""), None);
    }

    #[cfg(feature = "postgresql")]
    #[test]
    fn switching_keeps_both_urls_and_switching_back_restores_the_text() {
        let postgresql = switched(STARTER, Kind::Postgresql).unwrap();
        assert_eq!(
            postgresql,
            "[alembic]\nscript_location = %(here)s/migrations\n\n# the database\n# sqlalchemy.url = sqlite:///%(here)s/app.db\nsqlalchemy.url = postgresql+psycopg://postgres:postgres@localhost/app\n\n[loggers]\nkeys = root\n"
        );
        assert_eq!(of_ini(&postgresql), Some(Kind::Postgresql));
        let sqlite = switched(&postgresql, Kind::Sqlite).unwrap();
        assert_eq!(
            sqlite,
            "[alembic]\nscript_location = %(here)s/migrations\n\n# the database\nsqlalchemy.url = sqlite:///%(here)s/app.db\n# sqlalchemy.url = postgresql+psycopg://postgres:postgres@localhost/app\n\n[loggers]\nkeys = root\n"
        );
        // and to PostgreSQL again: the learner's URL comes back, nothing is added
        let again = switched(&sqlite, Kind::Postgresql).unwrap();
        assert_eq!(again.matches("sqlalchemy.url").count(), 2);
        assert_eq!(of_ini(&again), Some(Kind::Postgresql));
        assert_eq!(switched(&again, Kind::Postgresql), None);
        // nothing to switch
        assert_eq!(
            switched("[alembic]\nscript_location = x\n", Kind::Postgresql),
            None
        );
    }
}
