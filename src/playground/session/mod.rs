//! A playground session: the project's files, its SQLite databases and the terminal, as one
//! value the page (and tests) drive with command lines.
//!
//! Owns: the starter project, the terminal's own commands (`help`, `clear`, `sql`), the
//! transcript and command history, and snapshots for undo and persistence.
//! Does not: render anything or know about browsers; `alembic ...` lines go to
//! [`commands::run`], exactly as the CLI's do.

use crate::commands;
use crate::host::{Clock, Host, IdSource};
use crate::host::{FileSystem, MemoryFs};
use crate::output::Output;
use crate::playground::checks::reversibility::{self, Scratch};
use crate::playground::databases::{self, MemoryDatabases};
use crate::playground::project::{
    self, DatabaseImage, LineResult, ProjectError, SessionSnapshot, TranscriptEntry, MAX_DATABASES,
    MAX_TRANSCRIPT_BYTES, MAX_TRANSCRIPT_ENTRIES, POSTGRESQL_IMAGE, PROJECT_DIR,
};
use crate::playground::terminal::{is_read_only_command, Completion, HELP_TEXT};
use crate::runtime::{Database, DbError};
use crate::sorted_map::SortedMap;
use crate::sqlite::SqliteDatabase;
use crate::templates;

/// The playground's state.
///
/// Its fields are private: what changes files, databases or the terminal goes through the
/// methods below, so that the page's store (the only caller that mutates a live session) sees
/// every change it must save, redraw or leave an undo point for.
pub struct Session {
    files: MemoryFs,
    databases: MemoryDatabases,
    /// The lines typed in the terminal, oldest first (for the arrow keys).
    history: Vec<String>,
    /// The terminal's contents since the last `clear`.
    transcript: Vec<TranscriptEntry>,
    /// The SQL the last command executed (empty for commands that touch no database).
    last_sql: Vec<String>,
    /// The source of each applied revision as it was when it was applied, by revision id.
    applied_sources: SortedMap<String>,
    /// The lesson being followed (its id) and which of its steps are done.
    lesson: Option<(String, Vec<bool>)>,
    /// The last revision-graph layout and the fingerprint of what it was made from.
    graph_cache: Option<(u64, crate::playground::views::graph_layout::GraphView)>,
    /// Files and databases as they were before the last `alembic` command, for undo.
    undo_point: Option<(String, SessionSnapshot)>,
    /// The terminal's working directory (the project's directory).
    cwd: String,
}

impl Session {
    /// The project's files.
    pub fn files(&self) -> &MemoryFs {
        &self.files
    }

    /// Writes one file of the project (the editor, a lesson's setup, a script's `writeFile`).
    pub fn write_file(&mut self, path: &str, text: &str) -> Result<(), crate::host::FsError> {
        self.files.write(path, text)
    }

    /// The terminal's contents since the last `clear`.
    pub fn transcript(&self) -> &[TranscriptEntry] {
        &self.transcript
    }

    /// Empties the terminal and leaves `notes` in it (none for a plain clear).
    pub fn reset_transcript(&mut self, notes: Vec<TranscriptEntry>) {
        self.transcript = notes;
    }

    /// The lines typed in the terminal, oldest first.
    pub fn history(&self) -> &[String] {
        &self.history
    }

    /// The SQL the last command executed.
    pub fn last_sql(&self) -> &[String] {
        &self.last_sql
    }

    /// The lesson being followed and which of its steps are done.
    pub fn lesson(&self) -> Option<&(String, Vec<bool>)> {
        self.lesson.as_ref()
    }

    /// Which steps of the followed lesson are done (nothing when no lesson is followed).
    pub fn set_lesson_progress(&mut self, done: Vec<bool>) {
        if let Some((_, steps)) = &mut self.lesson {
            *steps = done;
        }
    }

    /// A fresh start on a project just set up (a lesson's or an example's): no history, no
    /// undo point, and the lesson followed, if any.
    pub fn start_fresh(&mut self, lesson: Option<(String, Vec<bool>)>) {
        self.history.clear();
        self.undo_point = None;
        self.lesson = lesson;
    }

    /// Stops following the lesson (the project stays as it is).
    pub fn close_lesson(&mut self) {
        self.lesson = None;
    }

    /// What the last undoable change was, if it can be undone.
    pub fn undo_label(&self) -> Option<&str> {
        self.undo_point.as_ref().map(|(label, _)| label.as_str())
    }

    /// Files and databases as they were before a change the page made (a shared link opened,
    /// a script's replacement, a `sql` statement), for "Undo".
    pub fn set_undo_point(&mut self, label: String, before: SessionSnapshot) {
        self.undo_point = Some((label, before));
    }

    #[cfg(feature = "postgresql")]
    /// Switches the project to the other database (`alembic.ini`'s URL, see
    /// [`dialect::switched`](crate::playground::dialect::switched)); undoable. Each
    /// database keeps its contents: switching back finds them as they were.
    pub fn switch_database(
        &mut self,
        to: crate::playground::dialect::Kind,
    ) -> Result<(), SessionError> {
        let (path, text) = crate::playground::dialect::switch_project(&self.files, &self.cwd, to)
            .map_err(SessionError::Switch)?;
        let before = self.snapshot()?;
        self.files.write(&path, &text)?;
        self.undo_point = Some((format!("switch to {}", to.name()), before));
        let from = match to {
            crate::playground::dialect::Kind::Sqlite => "PostgreSQL",
            crate::playground::dialect::Kind::Postgresql => "SQLite",
        };
        let note = format!(
            "Switched to {}: alembic.ini's sqlalchemy.url names it now (the {from} URL stays there as a comment, and its database as it was).",
            to.name()
        );
        self.transcript.push(TranscriptEntry::Note(note));
        Ok(())
    }

    /// The terminal's working directory (the project's directory).
    pub fn cwd(&self) -> &str {
        &self.cwd
    }

    /// A session on the starter project.
    pub fn starter() -> Session {
        let mut files = MemoryFs::new();
        for (path, contents) in templates::starter_project(PROJECT_DIR) {
            // Writing into a fresh in-memory tree cannot fail.
            let _ = files.write(&path, &contents);
        }
        let _ = files.create_dir_all(&format!("{PROJECT_DIR}/alembic/versions"));
        Session::on_files(files)
    }

    /// A session on these files, with empty databases, terminal and history.
    fn on_files(files: MemoryFs) -> Session {
        Session {
            files,
            databases: MemoryDatabases::default(),
            history: Vec::new(),
            transcript: Vec::new(),
            last_sql: Vec::new(),
            applied_sources: SortedMap::new(),
            lesson: None,
            graph_cache: None,
            undo_point: None,
            cwd: PROJECT_DIR.to_string(),
        }
    }

    /// A session on the given project files (paths relative to the project directory; a path
    /// ending in `/` is an empty directory), with empty databases and terminal: what loading a shared example or an
    /// imported project starts from.
    pub fn from_files(files: &[(String, String)]) -> Result<Session, SessionError> {
        Ok(Session::on_files(project::tree(files)?))
    }

    /// Remembers the source of every applied revision the first time it is seen applied, and
    /// forgets revisions that are no longer applied (after upgrade, downgrade, stamp).
    fn record_applied_sources(&mut self) {
        let Ok(versions) = self.version_locations() else {
            return;
        };
        if let Some((scripts, map)) = crate::commands::last_load(&self.files, &versions) {
            return self.record_applied(&scripts.list, &map);
        }
        let Ok(scripts) = crate::script::load::load_revisions(&self.files, &versions) else {
            return;
        };
        let Ok(map) = crate::graph::RevisionMap::new(
            scripts.iter().map(|script| script.to_revision()).collect(),
        ) else {
            return;
        };
        self.record_applied(&scripts, &map);
    }

    /// Keeps the source of every applied revision (and forgets the others).
    fn record_applied(
        &mut self,
        scripts: &[crate::script::load::RevisionScript],
        map: &crate::graph::RevisionMap,
    ) {
        let rows = self.version_rows();
        let mut applied = std::collections::HashSet::new();
        for row in &rows {
            applied.extend(map.ancestors(row, true));
            applied.insert(row.clone());
        }
        self.applied_sources.retain(|id, _| applied.contains(id));
        for script in scripts {
            if applied.contains(&script.id) && !self.applied_sources.contains_key(&script.id) {
                self.applied_sources
                    .insert(script.id.clone(), script.source.clone());
            }
        }
    }

    /// The project's version directories, from alembic.ini (as the commands find them).
    pub fn version_locations(&self) -> Result<Vec<String>, SessionError> {
        let config = crate::config::Config::load(&self.files, &self.cwd, &[], None, None, &[])?;
        let script_location = config.script_location(&self.cwd)?;
        Ok(config.version_locations(&self.cwd, &script_location)?)
    }

    /// The project's revision files, as the commands load them (none when they cannot be).
    pub fn revision_scripts(&self) -> Vec<crate::script::load::RevisionScript> {
        self.version_locations()
            .ok()
            .and_then(|versions| crate::script::load::load_revisions(&self.files, &versions).ok())
            .unwrap_or_default()
    }

    /// The ids of the heads among `scripts` (none when they do not form a revision map).
    pub fn head_ids(scripts: &[crate::script::load::RevisionScript]) -> Vec<String> {
        let revisions = scripts
            .iter()
            .map(crate::script::load::RevisionScript::to_revision)
            .collect();
        crate::graph::RevisionMap::new(revisions)
            .map(|map| map.heads())
            .unwrap_or_default()
    }

    /// The file a newly opened project shows first: its newest revision (the head whose file
    /// sorts last, when there are several), else `models.py`, else `alembic.ini`.
    pub fn first_file(&self) -> Option<String> {
        let scripts = self.revision_scripts();
        let heads = Self::head_ids(&scripts);
        let newest = scripts
            .iter()
            .filter(|script| heads.contains(&script.id))
            .map(|script| script.path.clone())
            .max();
        newest.or_else(|| {
            ["models.py", "alembic.ini"]
                .iter()
                .map(|name| crate::host::join(&self.cwd, name))
                .find(|path| self.files.is_file(path))
        })
    }

    /// The path of the project's main database (from `sqlalchemy.url`), if it is SQLite.
    pub fn database_path(&self) -> Option<String> {
        databases::database_path(&self.files, &self.cwd)
    }

    /// The database the panels show, and whether it is PostgreSQL: in the PostgreSQL page the
    /// page's PostgreSQL for a project that names it, else the main SQLite database.
    pub fn live_database(&mut self) -> Option<(&mut dyn Database, bool)> {
        #[cfg(feature = "postgresql")]
        if databases::names_postgresql(&self.files, &self.cwd) {
            return self
                .databases
                .postgresql()
                .ok()
                .map(|database| (database, true));
        }
        let database = self.main_database().ok()?;
        Some((database as &mut dyn Database, false))
    }

    /// The statements that built the project's PostgreSQL database (empty: none yet).
    pub fn postgresql_journal(&self) -> Vec<String> {
        self.databases.postgresql_journal()
    }

    /// The project's main database (the SQLite file `sqlalchemy.url` names).
    pub fn main_database(&mut self) -> Result<&mut SqliteDatabase, SessionError> {
        let path = self
            .database_path()
            .ok_or(SessionError::NoDatabase { replace: false })?;
        Ok(self.databases.get(&path)?)
    }

    /// Gives the page's PostgreSQL its connection (PGlite, once started) or the reason there
    /// is none.
    #[cfg(feature = "postgresql")]
    pub fn set_postgresql(&mut self, slot: databases::PostgresqlSlot) {
        self.databases.set_postgresql(slot);
    }

    /// Hands the page's PostgreSQL over to the session that replaces this one.
    #[cfg(feature = "postgresql")]
    pub fn take_postgresql(&mut self) -> databases::PostgresqlSlot {
        self.databases.take_postgresql()
    }

    /// The in-memory database at `path` (an absolute path in the project), created empty when
    /// no command opened it yet.
    pub fn database_at(&mut self, path: &str) -> Result<&mut SqliteDatabase, SessionError> {
        Ok(self.databases.get(path)?)
    }

    /// Runs one terminal line and records it and its output in the transcript.
    pub fn run_line(
        &mut self,
        line: &str,
        clock: &dyn Clock,
        ids: &mut dyn IdSource,
    ) -> LineResult {
        let is_alembic = line.trim_start().starts_with("alembic");
        // Only commands that can change files or the database get an undo point and a
        // re-read of the applied revisions (both read every file: slow on big projects).
        let mutating = is_alembic && !is_read_only_command(line);
        let before = if mutating { self.snapshot().ok() } else { None };
        let result = self.execute_line(line, clock, ids);
        if let Some(snapshot) = before {
            self.undo_point = Some((line.trim().to_string(), snapshot));
        }
        if mutating {
            self.record_applied_sources();
        }
        if is_alembic {
            self.last_sql = result.output.executed_sql.clone();
        }
        if result.clear {
            self.transcript.clear();
        } else if !line.trim().is_empty() {
            self.transcript
                .push(TranscriptEntry::Command(line.trim().to_string()));
            for (channel, text) in &result.output.pieces {
                self.transcript.push(TranscriptEntry::Output {
                    channel: *channel,
                    text: text.clone(),
                });
            }
            for explanation in crate::playground::checks::explain::explain(line, &result.output) {
                self.transcript
                    .push(TranscriptEntry::Explanation(explanation.text));
            }
            self.trim_transcript();
        }
        result
    }

    /// Drops the oldest transcript entries beyond [`MAX_TRANSCRIPT_ENTRIES`] and
    /// [`MAX_TRANSCRIPT_BYTES`] (the newest entry always stays).
    fn trim_transcript(&mut self) {
        let mut bytes = 0;
        let mut keep = 0;
        for entry in self.transcript.iter().rev() {
            bytes += entry.text().len();
            if keep > 0 && (keep == MAX_TRANSCRIPT_ENTRIES || bytes > MAX_TRANSCRIPT_BYTES) {
                break;
            }
            keep += 1;
        }
        let drop = self.transcript.len() - keep;
        self.transcript.drain(..drop);
    }

    fn execute_line(
        &mut self,
        line: &str,
        clock: &dyn Clock,
        ids: &mut dyn IdSource,
    ) -> LineResult {
        let trimmed = line.trim();
        let mut result = LineResult::default();
        if trimmed.is_empty() {
            return result;
        }
        self.history.push(trimmed.to_string());
        let words = match commands::args::split_command_line(trimmed) {
            Ok(words) => words,
            Err(message) => {
                result.output.stderr(format!("{message}\n"));
                result.output.exit_code = 2;
                return result;
            }
        };
        let Some(program) = words.first() else {
            return result;
        };
        match program.as_str() {
            "alembic" | "alembic-playground" => {
                let mut host = Host {
                    files: &mut self.files,
                    databases: &mut self.databases,
                    clock,
                    ids,
                    cwd: self.cwd.clone(),
                    alembic_config: None,
                    editor: None,
                };
                result.output = commands::run(&words[1..], &mut host);
            }
            "help" => result.output.stdout(HELP_TEXT),
            "lint" => match self.lint(None) {
                Ok(findings) if findings.is_empty() => result
                    .output
                    .stdout("lint: no findings in the revision files.\n"),
                Ok(findings) => {
                    for finding in findings {
                        result.output.stdout(format!("{}\n", finding.render()));
                    }
                }
                Err(message) => {
                    result.output.stderr(format!("lint: {message}\n"));
                    result.output.exit_code = 1;
                }
            },
            "reversibility" => match self.reversibility(clock, ids) {
                Ok(report) => result.output.stdout(report),
                Err(message) => {
                    result.output.stderr(format!("reversibility: {message}\n"));
                    result.output.exit_code = 1;
                }
            },
            "clear" => result.clear = true,
            "sql" => {
                let statement = trimmed.strip_prefix("sql").unwrap_or("").trim();
                result.output = self.run_sql(statement);
            }
            other => {
                result.output.stderr(format!("{other}: command not found (type 'help' for the commands this terminal knows)\n"));
                result.output.exit_code = 127;
            }
        }
        result
    }

    /// Revision ids and labels of the project, read from its version files (no database).
    fn revision_words(&self) -> Vec<String> {
        let Ok(locations) = self.version_locations() else {
            return Vec::new();
        };
        let Ok(scripts) = crate::script::load::load_revisions(&self.files, &locations) else {
            return Vec::new();
        };
        let mut words = Vec::new();
        for script in scripts {
            words.extend(
                script
                    .branch_labels
                    .iter()
                    .map(|label| format!("{label}@head")),
            );
            words.push(script.id);
        }
        words
    }

    /// Tab completion of a terminal line.
    pub fn complete(&self, line: &str) -> Completion {
        crate::playground::terminal::complete(line, || self.revision_words())
    }

    /// Restores files and databases to what they were before the last `alembic` command.
    pub fn undo_last_command(&mut self) -> Result<String, SessionError> {
        let Some((line, snapshot)) = self.undo_point.take() else {
            return Err(SessionError::NothingToUndo);
        };
        let restored = Session::from_snapshot(&snapshot)?;
        self.files = restored.files;
        self.databases.replace(restored.databases);
        let note =
            format!("Undid `{line}`: the files and the database are as they were before it.");
        self.transcript.push(TranscriptEntry::Note(note.clone()));
        Ok(note)
    }

    /// The reversibility check (upgrade, downgrade, upgrade each revision) in a scratch copy.
    pub fn reversibility(
        &self,
        clock: &dyn Clock,
        ids: &mut dyn IdSource,
    ) -> Result<String, reversibility::CheckError> {
        struct ScratchSession<'a> {
            session: Session,
            clock: &'a dyn Clock,
            ids: &'a mut dyn IdSource,
        }
        impl Scratch for ScratchSession<'_> {
            fn run(&mut self, line: &str) -> Output {
                self.session.run_line(line, self.clock, self.ids).output
            }
            fn version_table(&self) -> String {
                self.session.version_table_name()
            }
            fn database(&mut self) -> Option<&mut dyn Database> {
                let database = self.session.main_database().ok()?;
                Some(database)
            }
        }
        let mut copy = ScratchSession {
            session: self.scratch(),
            clock,
            ids,
        };
        reversibility::check(&mut copy)
    }

    /// The same project files with empty databases and terminal: where the reversibility
    /// check and "the schema at a revision" replay migrations without touching the real ones.
    pub fn scratch(&self) -> Session {
        let mut scratch = Session::on_files(self.files.clone());
        scratch.cwd = self.cwd.clone();
        scratch
    }

    /// The schema the project's migrations build from an empty database up to `target`
    /// (`base` is empty), replayed in a scratch copy; the version table is left out.
    pub fn schema_at(
        &self,
        target: &str,
        clock: &dyn Clock,
        ids: &mut dyn IdSource,
    ) -> Result<crate::playground::views::schema::Schema, SessionError> {
        if target == "base" {
            return Ok(crate::playground::views::schema::Schema::default());
        }
        let mut scratch = self.scratch();
        let upgraded = scratch
            .run_line(&format!("alembic upgrade {target}"), clock, ids)
            .output;
        if upgraded.exit_code != 0 {
            let error = upgraded.stderr_text();
            let last = error.lines().last().unwrap_or("the upgrade failed");
            return Err(SessionError::Replay {
                target: target.to_string(),
                last_line: last.to_string(),
            });
        }
        let database = scratch.main_database()?;
        Ok(crate::playground::views::schema::read(database)?
            .without_version_table(&self.version_table_name()))
    }

    /// The version table's name (`alembic_version` unless env.py configures another).
    pub fn version_table_name(&self) -> String {
        crate::config::Config::load(&self.files, &self.cwd, &[], None, None, &[])
            .ok()
            .and_then(|config| config.script_location(&self.cwd).ok())
            .and_then(|location| {
                self.files
                    .read_to_string(&format!("{location}/env.py"))
                    .ok()
            })
            .map(|source| crate::script::environment::version_table_name(&source))
            .unwrap_or_else(|| "alembic_version".to_string())
    }

    /// What the editor marks in a file: lint findings for revision files, a syntax error
    /// (line and column) for any other Python file.
    pub fn file_problems(&mut self, path: &str) -> Vec<crate::playground::checks::lint::Finding> {
        let in_versions = self
            .version_locations()
            .unwrap_or_default()
            .iter()
            .any(|location| crate::host::parent(path) == *location);
        if in_versions {
            return self.lint(Some(path)).unwrap_or_default();
        }
        if !path.ends_with(".py") {
            return Vec::new();
        }
        let Ok(source) = self.files.read_to_string(path) else {
            return Vec::new();
        };
        match crate::python::parse_module(&source) {
            Ok(_) => Vec::new(),
            Err(error) => vec![crate::playground::checks::lint::Finding {
                path: path.to_string(),
                line: error.line,
                column: error.column,
                rule: "syntax",
                message: format!("{}: {}", error.kind.python_name(), error.message),
            }],
        }
    }

    /// Creates an empty file (its folders too); the path is relative to the project.
    pub fn create_file(&mut self, typed: &str) -> Result<String, SessionError> {
        let path = project::project_path(typed)?;
        if self.files.is_file(&path) || self.files.is_dir(&path) {
            return Err(ProjectError::Exists(typed.to_string()).into());
        }
        self.files.write(&path, "")?;
        Ok(path)
    }

    /// Renames (moves) a file; "Undo last command" brings the old name back.
    pub fn rename_file(&mut self, from: &str, typed: &str) -> Result<String, SessionError> {
        let to = project::project_path(typed)?;
        let text = self.files.read_to_string(from)?;
        if to == from {
            return Ok(to);
        }
        if self.files.is_file(&to) || self.files.is_dir(&to) {
            return Err(ProjectError::Exists(typed.to_string()).into());
        }
        let before = self.snapshot()?;
        let mut files = self.files.clone();
        files.write(&to, &text)?;
        files.remove_file(from)?;
        self.files = files;
        let label = |path: &str| {
            path.strip_prefix(&format!("{PROJECT_DIR}/"))
                .unwrap_or(path)
                .to_string()
        };
        self.undo_point = Some((format!("rename {} {}", label(from), label(&to)), before));
        self.graph_cache = None;
        Ok(to)
    }

    /// Deletes a file; "Undo last command" brings it back.
    pub fn delete_file(&mut self, path: &str) -> Result<(), SessionError> {
        if !self.files.is_file(path) {
            return Err(ProjectError::Missing(path.to_string()).into());
        }
        let before = self.snapshot()?;
        self.files.remove_file(path)?;
        let label = path
            .strip_prefix(&format!("{PROJECT_DIR}/"))
            .unwrap_or(path);
        self.undo_point = Some((format!("delete {label}"), before));
        self.graph_cache = None;
        Ok(())
    }

    /// Files an import would replace (paths in the page's tree), so the page can ask first.
    pub fn import_conflicts(
        &self,
        import: &crate::playground::transfer::import::Import,
    ) -> Vec<String> {
        match import {
            crate::playground::transfer::import::Import::Revisions(revisions) => {
                let Some(directory) = self
                    .version_locations()
                    .ok()
                    .and_then(|found| found.into_iter().next())
                else {
                    return Vec::new();
                };
                revisions
                    .iter()
                    .filter_map(|(name, source)| {
                        let path = crate::host::join(&directory, name);
                        let existing = self.files.read_to_string(&path).ok()?;
                        (existing != *source).then_some(path)
                    })
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// Applies an import, all or nothing: the new files and database are built first and only
    /// then replace the old ones. "Undo last command" brings back what was there before.
    pub fn apply_import(
        &mut self,
        import: &crate::playground::transfer::import::Import,
    ) -> Result<String, SessionError> {
        let before = self.snapshot()?;
        match import {
            crate::playground::transfer::import::Import::Project { files, database } => {
                let mut fresh = Session::from_files(files)?;
                fresh.version_locations().map_err(|error| match error {
                    SessionError::Config(error) => SessionError::UnusableConfig(error),
                    other => other,
                })?;
                if let Some((path, bytes)) = database {
                    let loaded = SqliteDatabase::from_file_bytes(bytes).map_err(|error| {
                        SessionError::DatabaseFile {
                            name: path.clone(),
                            message: error.message,
                        }
                    })?;
                    let target = fresh
                        .database_path()
                        .unwrap_or_else(|| crate::host::join(PROJECT_DIR, path));
                    fresh.databases.insert(&target, loaded);
                }
                self.files = fresh.files;
                self.databases.replace(fresh.databases);
                self.applied_sources.clear();
                self.lesson = None;
            }
            crate::playground::transfer::import::Import::Revisions(revisions) => {
                let directory = self
                    .version_locations()?
                    .into_iter()
                    .next()
                    .ok_or(SessionError::NoVersionDirectory)?;
                let mut files = self.files.clone();
                for (name, source) in revisions {
                    files.write(&crate::host::join(&directory, name), source)?;
                }
                self.files = files;
            }
            crate::playground::transfer::import::Import::Shared(state) => {
                let opened = Session::from_snapshot(&state.snapshot)?;
                *self = opened;
            }
            crate::playground::transfer::import::Import::Database(bytes) => {
                let path = self
                    .database_path()
                    .ok_or(SessionError::NoDatabase { replace: true })?;
                let loaded = SqliteDatabase::from_file_bytes(bytes).map_err(|error| {
                    SessionError::DatabaseFile {
                        name: "the database file".to_string(),
                        message: error.message,
                    }
                })?;
                self.databases.insert(&path, loaded);
                self.applied_sources.clear();
            }
        }
        self.graph_cache = None;
        self.undo_point = Some(("import".to_string(), before));
        self.record_applied_sources();
        let note = crate::playground::transfer::import::describe(import);
        self.transcript.push(TranscriptEntry::Note(note.clone()));
        Ok(note)
    }

    /// Lint findings for every revision file (or only `path`), using the project's database
    /// to know which tables have rows.
    pub fn lint(
        &mut self,
        path: Option<&str>,
    ) -> Result<Vec<crate::playground::checks::lint::Finding>, SessionError> {
        let locations = self.version_locations()?;
        let mut findings = Vec::new();
        #[cfg(feature = "postgresql")]
        let postgresql = crate::playground::dialect::of_project(&self.files, &self.cwd)
            == Some(crate::playground::dialect::Kind::Postgresql);
        #[cfg(not(feature = "postgresql"))]
        let postgresql = false;
        let database_path = self.database_path();
        for location in &locations {
            let files = crate::script::load::revision_files(&self.files, location)
                .map_err(|_| SessionError::NoDirectory(location.clone()))?;
            for file in files {
                if path.is_some_and(|wanted| wanted != file) {
                    continue;
                }
                let Ok(source) = self.files.read_to_string(&file) else {
                    continue;
                };
                match crate::script::load::load_revision(&file, &source) {
                    Ok(Some(script)) => {
                        let applied_source = self.applied_sources.get(&script.id).cloned();
                        #[cfg(feature = "postgresql")]
                        let database = if postgresql {
                            self.databases.postgresql().ok()
                        } else {
                            None
                        };
                        #[cfg(not(feature = "postgresql"))]
                        let database = None;
                        let database = match &database_path {
                            _ if database.is_some() => database,
                            Some(database_path) => self
                                .databases
                                .get(&database_path)
                                .ok()
                                .map(|database| database as &mut dyn Database),
                            None => None,
                        };
                        findings.extend(crate::playground::checks::lint::lint_revision(
                            &script, database, postgresql,
                        ));
                        if let Some(applied) = applied_source {
                            if applied != script.source {
                                findings.push(crate::playground::checks::lint::Finding {
                                    path: file.clone(),
                                    line: 1,
                                    column: 1,
                                    rule: "changed-after-apply",
                                    message: "this revision was already applied to the database and has changed since: Alembic will not run it again, so the change never reaches the database (and other databases that ran the old version differ). Undo the edit and put the change in a new revision (alembic revision -m \"...\").".to_string(),
                                });
                            }
                        }
                    }
                    Ok(None) => {}
                    Err(error) => {
                        if let Some((line, column, message)) = error.position() {
                            findings.push(crate::playground::checks::lint::Finding {
                                path: file.clone(),
                                line,
                                column,
                                rule: "syntax",
                                message,
                            });
                        }
                    }
                }
            }
        }
        Ok(findings)
    }

    /// The revision graph laid out for drawing, with the version table's rows marked.
    pub fn revision_graph(
        &mut self,
    ) -> Result<crate::playground::views::graph_layout::GraphView, SessionError> {
        let locations = self.version_locations()?;
        let rows = self.version_rows();
        // The page redraws after every command; re-reading 1,000 revision files each time is
        // slow, so the layout is kept until the revision files or the version table change.
        let fingerprint = {
            use std::hash::{Hash, Hasher};
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            self.migrations_fingerprint().hash(&mut hasher);
            rows.hash(&mut hasher);
            hasher.finish()
        };
        if let Some((cached, view)) = &self.graph_cache {
            if *cached == fingerprint {
                return Ok(view.clone());
            }
        }
        let scripts =
            crate::script::load::load_revisions(&self.files, &locations).map_err(|error| {
                SessionError::Revisions(match error.located() {
                    Some(located) => located,
                    None => match error {
                        crate::script::load::ScriptError::Command(message) => message,
                        _ => "the revision files could not be read".to_string(),
                    },
                })
            })?;
        let revisions = scripts.iter().map(|script| script.to_revision()).collect();
        let map = crate::graph::RevisionMap::new(revisions)
            .map_err(|error| SessionError::Revisions(error.message()))?;
        let docs = |id: &str| {
            scripts
                .iter()
                .rev()
                .find(|script| script.id == id)
                .map(|script| script.doc())
                .unwrap_or_default()
        };
        let view = crate::playground::views::graph_layout::layout(&map, &docs, &rows);
        self.graph_cache = Some((fingerprint, view.clone()));
        Ok(view)
    }

    /// A hash of what migrations depend on (alembic.ini, env.py, the revision files): the
    /// page recomputes replayed schemas only when it changes, not on every keystroke.
    pub fn migrations_fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        let locations = self.version_locations().unwrap_or_default();
        for (path, text) in self.files.files() {
            let relevant = path.ends_with("/alembic.ini")
                || path.ends_with("/env.py")
                || locations
                    .iter()
                    .any(|location| path.starts_with(location.as_str()));
            if relevant {
                path.hash(&mut hasher);
                text.hash(&mut hasher);
            }
        }
        hasher.finish()
    }

    /// Drift: the live tables compared with what the migrations build up to the revision the
    /// version table names (`None` when it names several, or there is no database). After a
    /// `stamp` this shows whether the stamp told the truth.
    pub fn drift(
        &mut self,
        clock: &dyn Clock,
        ids: &mut dyn IdSource,
    ) -> Result<Option<(String, Vec<crate::playground::views::schema::Change>)>, SessionError> {
        let rows = self.version_rows();
        let target = match rows.as_slice() {
            [] => "base".to_string(),
            [one] => one.clone(),
            _ => return Ok(None),
        };
        if self.database_path().is_none() {
            return Ok(None);
        }
        let version_table = self.version_table_name();
        let live = crate::playground::views::schema::read(self.main_database()?)?
            .without_version_table(&version_table);
        // A database never migrated and still empty has nothing to compare.
        if rows.is_empty() && live.tables.is_empty() {
            return Ok(None);
        }
        let expected = self.schema_at(&target, clock, ids)?;
        Ok(Some((
            target,
            crate::playground::views::schema::diff(&expected, &live),
        )))
    }

    /// The version table's rows (empty when the table does not exist).
    pub fn version_rows(&mut self) -> Vec<String> {
        let version_table = self.version_table_name();
        self.version_table_rows(&version_table).unwrap_or_default()
    }

    /// The rows of `version_table` (the name `version_table_name()` gives: env.py may name
    /// another table than `alembic_version`), or None when the database has no such table.
    pub fn version_table_rows(&mut self, version_table: &str) -> Option<Vec<String>> {
        #[cfg(feature = "postgresql")]
        if databases::names_postgresql(&self.files, &self.cwd) {
            let database = self.databases.postgresql().ok()?;
            return databases::version_table_rows_postgresql(database, version_table);
        }
        databases::version_table_rows(self.main_database().ok()?, version_table)
    }

    /// Runs SQL against the project's database and formats the result as a table.
    pub fn run_sql(&mut self, statement: &str) -> Output {
        #[cfg(feature = "postgresql")]
        if databases::names_postgresql(&self.files, &self.cwd) {
            return databases::run_sql_postgresql(self.databases.postgresql(), statement);
        }
        databases::run_sql(|| self.main_database(), statement)
    }

    /// The whole session as data, each database as SQLite's own bytes (for persistence and
    /// undo: an exact copy).
    pub fn snapshot(&mut self) -> Result<SessionSnapshot, DbError> {
        self.snapshot_with(|database| database.file_bytes().map(DatabaseImage::File))
    }

    /// The whole session as data, each database as SQL statements (for share links).
    pub fn link_snapshot(&mut self) -> Result<SessionSnapshot, DbError> {
        self.snapshot_with(|database| database.dump().map(DatabaseImage::Statements))
    }

    fn snapshot_with(
        &mut self,
        image: impl Fn(&mut SqliteDatabase) -> Result<DatabaseImage, DbError>,
    ) -> Result<SessionSnapshot, DbError> {
        let mut databases = Vec::new();
        // in path order, as a snapshot has always listed them
        let mut paths: Vec<String> = self.databases.paths().cloned().collect();
        crate::sort::sort(&mut paths);
        for path in paths {
            if path == ":memory:" {
                continue;
            }
            let database = image(self.databases.get(&path)?)?;
            databases.push((path, database));
        }
        let journal = self.databases.postgresql_journal();
        if !journal.is_empty() {
            databases.push((
                POSTGRESQL_IMAGE.to_string(),
                DatabaseImage::Statements(journal),
            ));
        }
        Ok(SessionSnapshot {
            files: self
                .files
                .files()
                .map(|(path, text)| (path.clone(), text.clone()))
                .collect(),
            dirs: self.files.dirs().cloned().collect(),
            databases,
            history: self.history.clone(),
            transcript: self.transcript.clone(),
            applied_sources: self
                .applied_sources
                .iter()
                .map(|(id, source)| (id.clone(), source.clone()))
                .collect(),
            lesson: self.lesson.clone(),
        })
    }

    /// Rebuilds a session from a snapshot; on error nothing of the current session is lost
    /// because the caller keeps it until this returns Ok.
    pub fn from_snapshot(snapshot: &SessionSnapshot) -> Result<Session, SessionError> {
        let mut files = MemoryFs::new();
        for dir in &snapshot.dirs {
            files.create_dir_all(dir)?;
        }
        for (path, text) in &snapshot.files {
            files.write(path, text)?;
        }
        if snapshot.databases.len() > MAX_DATABASES {
            return Err(SessionError::TooManyDatabases(snapshot.databases.len()));
        }
        let mut databases = MemoryDatabases::default();
        for (path, image) in &snapshot.databases {
            let restored = match image {
                DatabaseImage::Statements(statements) if path == POSTGRESQL_IMAGE => {
                    databases.set_postgresql_journal(statements.clone());
                    Ok(())
                }
                DatabaseImage::Statements(statements) => databases
                    .get(path)
                    .and_then(|database| database.restore(statements)),
                // A database nothing was ever written to serializes to no bytes.
                DatabaseImage::File(bytes) if bytes.is_empty() => databases.get(path).map(|_| ()),
                DatabaseImage::File(bytes) => SqliteDatabase::from_file_bytes(bytes)
                    .map(|database| databases.insert(path, database)),
            };
            restored.map_err(|error| SessionError::Restore {
                path: path.clone(),
                error,
            })?;
        }
        Ok(Session {
            files,
            databases,
            history: snapshot.history.clone(),
            transcript: snapshot.transcript.clone(),
            last_sql: Vec::new(),
            applied_sources: snapshot.applied_sources.iter().cloned().collect(),
            lesson: snapshot.lesson.clone(),
            graph_cache: None,
            undo_point: None,
            cwd: PROJECT_DIR.to_string(),
        })
    }
}

mod error;
#[cfg(test)]
mod tests;

pub use error::SessionError;
