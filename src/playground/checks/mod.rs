//! What the playground tells a learner about their revisions beyond Alembic's own output:
//! lint findings, whether a downgrade undoes its upgrade, and explanations of failures.

pub mod explain;
pub mod lint;
pub mod reversibility;
