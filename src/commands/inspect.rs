//! The read-only commands: `heads`, `branches`, `history`, `show`, `current`.

use super::directory::{DeferredMap, ScriptDirectory};
use super::environment::{self, with_context};
use super::{CommandResult, Failure, Invocation};
use crate::config::Config;
use crate::graph::{history_uses_current, RevisionMap};

/// `Script.log_entry`: the verbose block of one revision (ends with a newline; the caller's
/// print adds the blank line after it).
pub fn log_entry(
    map: &RevisionMap,
    directory: &ScriptDirectory,
    id: &str,
    is_current: bool,
) -> String {
    let Some(info) = map.revision(id) else {
        return String::new();
    };
    let mut entry = format!("{}\n", info.log_entry_header(is_current));
    if info.is_merge_point() {
        entry.push_str(&format!("Merges: {}\n", info.format_down_revision()));
    } else {
        entry.push_str(&format!("Parent: {}\n", info.format_down_revision()));
    }
    if !info.dependencies().is_empty() {
        entry.push_str(&format!(
            "Also depends on: {}\n",
            info.dependencies().join(", ")
        ));
    }
    if info.is_branch_point() {
        entry.push_str(&format!("Branches into: {}\n", info.children().join(", ")));
    }
    let labels = info.branch_labels();
    if !labels.is_empty() {
        entry.push_str(&format!("Branch names: {}\n", labels.join(", ")));
    }
    let path = directory
        .script(id)
        .map(|script| script.path.clone())
        .unwrap_or_default();
    entry.push_str(&format!("Path: {path}\n"));
    let longdoc = directory
        .script(id)
        .map(|script| script.longdoc.clone())
        .unwrap_or_default();
    let indented: Vec<String> = longdoc.lines().map(|line| format!("    {line}")).collect();
    entry.push_str(&format!("\n{}\n", indented.join("\n")));
    entry
}

/// `Script.cmd_format(verbose, include_branches=True, include_doc=True, include_parents=True)`.
fn history_line(
    map: &RevisionMap,
    directory: &ScriptDirectory,
    id: &str,
    verbose: bool,
    is_current: bool,
) -> String {
    if verbose {
        return log_entry(map, directory, id, is_current);
    }
    let Some(info) = map.revision(id) else {
        return id.to_string();
    };
    format!(
        "{}, {}",
        info.history_line_prefix(is_current),
        directory.doc(id)
    )
}

pub fn heads(invocation: &mut Invocation<'_, '_>) -> CommandResult {
    let config = invocation.config()?;
    let mut directory = ScriptDirectory::from_config(invocation, &config)?;
    let verbose = invocation.args.flag("verbose");
    let resolve_dependencies = invocation.args.flag("resolve-dependencies");
    let map = directory.uncaught_map(invocation)?.clone();
    let ids = if resolve_dependencies {
        map.real_heads()
    } else {
        map.heads()
    };
    for id in ids {
        let text = if verbose {
            log_entry(&map, &directory, &id, false)
        } else {
            match map.revision(&id) {
                Some(info) => format!("{id}{}", info.head_only_markers(true, false, false)),
                None => id.clone(),
            }
        };
        invocation.print(&text);
    }
    Ok(())
}

pub fn branches(invocation: &mut Invocation<'_, '_>) -> CommandResult {
    let config = invocation.config()?;
    let mut directory = ScriptDirectory::from_config(invocation, &config)?;
    let verbose = invocation.args.flag("verbose");
    let map = directory.caught_map(invocation)?.clone();
    let walked = map
        .history(None, &[])
        .map_err(|error| Failure::Command(error.message))?;
    for id in walked {
        let Some(info) = map.revision(&id) else {
            continue;
        };
        if !info.is_branch_point() {
            continue;
        }
        let head = if verbose {
            log_entry(&map, &directory, &id, false)
        } else {
            format!("{id}{}", info.head_only_markers(true, false, true))
        };
        let indent = " ".repeat(id.chars().count());
        let children: Vec<String> = info
            .children()
            .iter()
            .map(|child| {
                let markers = map
                    .revision(child)
                    .map(|child_info| child_info.head_only_markers(true, false, true))
                    .unwrap_or_default();
                let doc = if verbose {
                    format!(", {}", directory.doc(child))
                } else {
                    String::new()
                };
                format!("{indent} -> {child}{markers}{doc}")
            })
            .collect();
        invocation.print(&format!("{head}\n{}\n", children.join("\n")));
    }
    Ok(())
}

pub fn history(invocation: &mut Invocation<'_, '_>) -> CommandResult {
    let config = invocation.config()?;
    let mut directory = ScriptDirectory::from_config(invocation, &config)?;
    let rev_range = invocation.args.value("rev-range").map(str::to_string);
    let verbose = invocation.args.flag("verbose");
    let indicate_current = invocation.args.flag("indicate-current");
    if let Some(range) = &rev_range {
        if !range.contains(':') {
            return Err(Failure::command(
                "History range requires [start]:[end], [start]:, or :[end]",
            ));
        }
    }
    let environment_needed = indicate_current
        || history_uses_current(rev_range.as_deref())
        || config
            .boolean_option("revision_environment")
            .unwrap_or(false);
    let mut deferred = directory.deferred_map(invocation);
    let rows = if environment_needed {
        let mut program = None;
        let environment = environment::start(invocation, &config, &directory, false, &mut program)?;
        environment::current_rows(invocation, &environment)?
    } else {
        Vec::new()
    };
    deferred.emit_warnings(&mut invocation.out);
    let map = deferred.caught()?.clone();
    let ids = map
        .history(rev_range.as_deref(), &rows)
        .map_err(|error| Failure::Command(error.message))?;
    for id in ids {
        let is_current = indicate_current && rows.contains(&id);
        let line = history_line(&map, &directory, &id, verbose, is_current);
        invocation.print(&line);
    }
    Ok(())
}

pub fn show(invocation: &mut Invocation<'_, '_>) -> CommandResult {
    let config = invocation.config()?;
    let mut directory = ScriptDirectory::from_config(invocation, &config)?;
    let revision = invocation.args.positional().unwrap_or("").to_string();
    let mut deferred = directory.deferred_map(invocation);
    let ids = named_revisions(
        invocation,
        &config,
        &directory,
        &mut deferred,
        &revision,
        None,
    )?;
    let map = deferred.caught()?.clone();
    for id in ids {
        // Upstream crash: `None.log_entry` (AttributeError) after the entries before it.
        let Some(id) = id else {
            return Err(Failure::command(format!(
                "'{revision}' walks below a base revision, where there is no revision to show \
                 (Alembic 1.20.1 stops here with an AttributeError)"
            )));
        };
        let entry = log_entry(&map, &directory, &id, false);
        invocation.print(&entry);
    }
    Ok(())
}

pub fn current(invocation: &mut Invocation<'_, '_>) -> CommandResult {
    let config = invocation.config()?;
    let mut directory = ScriptDirectory::from_config(invocation, &config)?;
    let verbose = invocation.args.flag("verbose");
    let check_heads = invocation.args.flag("check-heads");
    let mut deferred = directory.deferred_map(invocation);
    let mut program = None;
    let environment = environment::start(invocation, &config, &directory, false, &mut program)?;
    let url = environment.url.clone();
    // `current` never creates the version table (dont_mutate).
    let rows = with_context(invocation, &environment, false, |context| {
        context
            .current_heads()
            .map_err(|error| environment::database_failure(&error, Vec::new()))
    })?;
    if verbose {
        #[cfg(feature = "postgresql")]
        let url = crate::config::hide_password(&url);
        invocation.print(&format!("Current revision(s) for {url}:"));
    }
    deferred.emit_warnings(&mut invocation.out);
    let map = deferred.caught()?.clone();
    if check_heads {
        map.check_heads(&rows)
            .map_err(|error| Failure::Command(error.message))?;
    }
    let display = map
        .current_display(&rows)
        .map_err(|error| Failure::Command(error.message))?;
    for id in display {
        let text = if verbose {
            log_entry(&map, &directory, &id, false)
        } else {
            match map.revision(&id) {
                Some(info) => format!("{id}{}", info.head_only_markers(false, false, true)),
                None => id.clone(),
            }
        };
        invocation.print(&text);
    }
    Ok(())
}

/// The revisions `show` and `edit` name by `<revision>`: `current` runs env.py and reads the
/// version table (`no_rows`, when given, is the error for an empty one); anything else is
/// resolved in the map. `None` stands for a step below a base.
pub(super) fn named_revisions(
    invocation: &mut Invocation<'_, '_>,
    config: &Config,
    directory: &ScriptDirectory,
    deferred: &mut DeferredMap,
    revision: &str,
    no_rows: Option<&str>,
) -> Result<Vec<Option<String>>, Failure> {
    if revision == "current" {
        let mut program = None;
        let environment = environment::start(invocation, config, directory, false, &mut program)?;
        let rows = environment::current_rows(invocation, &environment)?;
        deferred.emit_warnings(&mut invocation.out);
        if let (true, Some(message)) = (rows.is_empty(), no_rows) {
            return Err(Failure::command(message));
        }
        let map = deferred.caught()?;
        let ids = map
            .resolve_rows_for_command(&rows)
            .map_err(|error| Failure::Command(error.message))?;
        return Ok(ids.into_iter().map(Some).collect());
    }
    deferred.emit_warnings(&mut invocation.out);
    let map = deferred.caught()?;
    map.resolve_for_command(revision)
        .map_err(|error| Failure::Command(error.message))
}
