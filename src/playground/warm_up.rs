//! The warm-up: real commands on a throw-away project while the page is idle after loading.

use crate::host::FileSystem;
use crate::host::{Clock, IdSource};
use crate::playground::session::Session;

/// Revisions in the warm-up's scratch project.
const WARM_UP_REVISIONS: usize = 24;

/// What the page does once, in small steps while it is idle after loading: real commands on
/// a throw-away project of [`WARM_UP_REVISIONS`] revisions (tables, columns, indexes, a
/// version row per step), up and down several times, and the reads the page makes after a
/// command. The browser compiles WebAssembly functions when they first run and optimises
/// them once they have run enough; without this, the learner's first commands would run in
/// unoptimised code while the browser optimises the largest functions (the revision-file
/// evaluator, the migration loop, SQLite's statement compiler) beside them.
pub struct WarmUp {
    scratch: Session,
    next: usize,
    succeeded: bool,
}

/// Whether [`WarmUp::step`] has more to do.
#[derive(Debug, PartialEq)]
pub enum WarmUpStep {
    More,
    Done(bool),
}

impl WarmUp {
    /// Revisions written per step.
    const WRITE_BATCH: usize = 6;
    const COMMANDS: [&'static str; 16] = [
        "alembic upgrade +8",
        "alembic upgrade +8",
        "alembic upgrade head",
        "alembic history",
        "alembic current",
        "alembic downgrade -8",
        "alembic downgrade -8",
        "alembic downgrade base",
        "alembic upgrade head",
        "alembic heads",
        "alembic downgrade base",
        "alembic upgrade head",
        "alembic history --verbose",
        "alembic downgrade base",
        "alembic upgrade head",
        "alembic downgrade base",
    ];

    pub fn new() -> WarmUp {
        WarmUp {
            scratch: Session::starter(),
            next: 0,
            succeeded: true,
        }
    }

    fn write_steps() -> usize {
        WARM_UP_REVISIONS.div_ceil(Self::WRITE_BATCH)
    }

    /// Does one step: the first few write the revisions, each later one runs one command
    /// (and the page's reads after it).
    pub fn step(&mut self, clock: &dyn Clock, ids: &mut dyn IdSource) -> WarmUpStep {
        let step = self.next;
        self.next += 1;
        if step < Self::write_steps() {
            let first = step * Self::WRITE_BATCH;
            let last = (first + Self::WRITE_BATCH).min(WARM_UP_REVISIONS);
            self.succeeded &= (first..last).all(|n| self.write_revision(n, clock, ids));
        } else if let Some(line) = Self::COMMANDS.get(step - Self::write_steps()) {
            let output = self.scratch.run_line(line, clock, ids).output;
            self.succeeded &= output.exit_code == 0;
            let _ = self.scratch.revision_graph();
            let _ = self.scratch.version_rows();
        }
        if !self.succeeded || self.next >= Self::write_steps() + Self::COMMANDS.len() {
            WarmUpStep::Done(self.succeeded)
        } else {
            WarmUpStep::More
        }
    }

    fn write_revision(&mut self, n: usize, clock: &dyn Clock, ids: &mut dyn IdSource) -> bool {
        let created = self
            .scratch
            .run_line(&format!("alembic revision -m warm{n}"), clock, ids)
            .output;
        let Some(path) = created.touched_files.first().cloned() else {
            return false;
        };
        let Ok(source) = self.scratch.files().read_to_string(&path) else {
            return false;
        };
        let body = source.replacen(
            "    pass",
            &format!("    op.create_table('warm{n}', sa.Column('id', sa.Integer(), nullable=False), sa.Column('name', sa.String(length=20), nullable=True), sa.PrimaryKeyConstraint('id'))\n    op.add_column('warm{n}', sa.Column('note', sa.Text()))\n    op.create_index('ix_warm{n}_name', 'warm{n}', ['name'])"),
            1,
        );
        let body = body.replacen(
            "    pass",
            &format!("    op.drop_index('ix_warm{n}_name', table_name='warm{n}')\n    op.drop_table('warm{n}')"),
            1,
        );
        self.scratch.write_file(&path, &body).is_ok()
    }
}

impl Default for WarmUp {
    fn default() -> Self {
        WarmUp::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{CountingIds, FixedClock};

    #[test]
    fn warm_up_runs_a_whole_cycle_in_a_scratch_session() {
        let mut warm_up = WarmUp::new();
        let mut ids = CountingIds::new(0x3a0000000000);
        let mut steps = 1;
        while warm_up.step(&FixedClock, &mut ids) == WarmUpStep::More {
            steps += 1;
        }
        // Every step succeeded, and the last one left all the revisions downgraded.
        assert_eq!(steps, 4 + WarmUp::COMMANDS.len());
        assert!(warm_up.succeeded);
        assert_eq!(warm_up.scratch.version_rows(), Vec::<String>::new());
        let history = warm_up
            .scratch
            .run_line("alembic history", &FixedClock, &mut ids);
        assert_eq!(
            history.output.stdout_text().lines().count(),
            WARM_UP_REVISIONS
        );
    }
}
