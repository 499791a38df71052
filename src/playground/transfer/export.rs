//! Export: the project as a zip that real Alembic runs unchanged (`alembic upgrade head` in
//! the unzipped folder), optionally with the SQLite database file.
//!
//! Owns: which files go in, and a small zip writer (stored entries, CRC-32). Does not: touch
//! the browser (the page turns the bytes into a download).

use crate::host::MemoryFs;
use crate::playground::project::PROJECT_DIR;

/// The project as `(path inside the zip, bytes)`: every file under `alembic-project/`, plus
/// `app.db` when `database` is given (the database file's bytes).
pub fn project_entries(files: &MemoryFs, database: Option<Vec<u8>>) -> Vec<(String, Vec<u8>)> {
    let prefix = format!("{PROJECT_DIR}/");
    // Names as every unzip tool reads them: a backslash or a control character in a name
    // (which links and imports refuse, but older saves may hold) becomes `_`.
    let clean = |relative: &str| -> String {
        relative
            .chars()
            .map(|c| if c == '\\' || c.is_control() { '_' } else { c })
            .collect()
    };
    let mut entries: Vec<(String, Vec<u8>)> = files
        .dirs()
        .filter_map(|dir| {
            dir.strip_prefix(&prefix)
                .map(|relative| (format!("alembic-project/{}/", clean(relative)), Vec::new()))
        })
        .collect();
    entries.extend(files.files().filter_map(|(path, text)| {
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

/// The project's PostgreSQL database as a script that rebuilds it on a real server
/// (`psql "$URL" -f postgresql.sql`, on an empty database): the statements that built it in the
/// page, in order. Those that failed there fail again, so a transaction they broke ends as it
/// did (psql goes on after an error unless told to stop).
#[cfg(feature = "postgresql")]
pub fn postgresql_script(journal: &[String]) -> String {
    let mut script = String::from(
        "-- The playground's PostgreSQL database: every statement that changed it, in order.\n-- Rebuild it on an empty database with: psql \"$URL\" -f postgresql.sql\n",
    );
    for statement in journal {
        script.push('\n');
        script.push_str(statement.trim_end());
        if !statement.trim_end().ends_with(';') {
            script.push(';');
        }
        script.push('\n');
    }
    script
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::playground::session::Session;

    #[test]
    fn the_starter_project_exports_every_file() {
        let session = Session::starter();
        let entries = project_entries(session.files(), None);
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

    #[cfg(feature = "postgresql")]
    #[test]
    fn the_postgresql_script_ends_each_statement() {
        let script = postgresql_script(&[
            "CREATE TABLE t (n int)".to_string(),
            "BEGIN;\nINSERT INTO t VALUES (1);\n".to_string(),
        ]);
        assert!(
            script.ends_with("\nCREATE TABLE t (n int);\n\nBEGIN;\nINSERT INTO t VALUES (1);\n")
        );
        assert!(script.starts_with("-- "));
    }
}
