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
}
