//! Placeholder until the evaluator lands: running `upgrade()`/`downgrade()` bodies.

use crate::ops::Operation;
use crate::runtime::{MigrationContext, RuntimeError};
use crate::script::load::RevisionScript;

pub struct PlannedOp {
    pub operation: Operation,
    pub line: u32,
    pub column: u32,
    pub source_line: String,
}

pub enum ExecError {
    Unsupported {
        path: String,
        line: u32,
        column: u32,
        message: String,
    },
    Python {
        exception: String,
        message: String,
        path: String,
        line: u32,
        source_line: String,
    },
    Database {
        error: RuntimeError,
        path: String,
        line: u32,
        source_line: String,
    },
}

pub fn plan_function(script: &RevisionScript, function: &str) -> Result<Vec<PlannedOp>, ExecError> {
    let Some(definition) = script.module.function(function) else {
        return Err(ExecError::Unsupported {
            path: script.path.clone(),
            line: 1,
            column: 1,
            message: format!("no {function}() function"),
        });
    };
    let _ = definition;
    Ok(Vec::new())
}

pub fn run_planned(
    _script: &RevisionScript,
    _planned: &[PlannedOp],
    _context: &mut MigrationContext,
) -> Result<Vec<String>, ExecError> {
    Ok(Vec::new())
}
