//! `alembic revision` and `alembic merge`: `ScriptDirectory.generate_revision`.

use std::collections::BTreeMap;

use super::directory::ScriptDirectory;
use super::{environment, CommandResult, Failure, Invocation};
use crate::graph::GraphError;
use crate::script::naming::{expand_file_template, invalid_revision_id_characters, slugify};
use crate::script::render::{render_template, TemplateValue};

/// What a new revision file is made from.
struct NewRevision {
    revision_id: String,
    message: Option<String>,
    heads: Vec<String>,
    splice: bool,
    branch_label: Option<String>,
    version_path: Option<String>,
    depends_on: Vec<String>,
    multiple_heads_message: &'static str,
}

fn scalar_or_tuple(values: Vec<String>) -> TemplateValue {
    match values.len() {
        0 => TemplateValue::None,
        1 => TemplateValue::Str(values.into_iter().next().unwrap_or_default()),
        _ => TemplateValue::Tuple(values),
    }
}

pub fn revision(invocation: &mut Invocation<'_, '_>) -> CommandResult {
    let config = invocation.config()?;
    let mut directory = ScriptDirectory::from_config(invocation, &config)?;
    let as_sql = invocation.args.flag("sql");
    let autogenerate = invocation.args.flag("autogenerate");
    let revision_environment = config
        .boolean_option("revision_environment")
        .unwrap_or(false);
    if as_sql && !autogenerate && !revision_environment {
        return Err(Failure::command(
            "Using --sql with the revision command when revision_environment is not configured does not make any sense",
        ));
    }
    if autogenerate && as_sql {
        return Err(Failure::command(
            "Using --sql with --autogenerate does not make any sense",
        ));
    }
    if autogenerate || revision_environment {
        let mut deferred = directory.deferred_map(invocation);
        let environment = environment::start(invocation, &config, &directory, false)?;
        if autogenerate {
            let rows = environment::with_context(invocation, &environment, false, |context| {
                let failure = |error| environment::database_failure(&error, Vec::new());
                let rows = context.current_heads().map_err(failure)?;
                if rows.is_empty() {
                    context.ensure_version_table().map_err(failure)?;
                }
                Ok(rows)
            })?;
            if environment.options.target_metadata.is_none() {
                return Err(Failure::command(format!(
                    "Can't proceed with --autogenerate option; environment script {}/env.py does not provide a MetaData object or sequence of objects to the context.",
                    directory.dir
                )));
            }
            deferred.emit_warnings(&mut invocation.out);
            let map = deferred.caught()?;
            let mut heads = map.heads();
            let mut current = rows;
            heads.sort();
            current.sort();
            if heads != current {
                return Err(Failure::command("Target database is not up to date."));
            }
            return Err(Failure::Playground(
                "autogenerate is not available in the playground yet; write the revision by hand with `alembic revision -m ...`".to_string(),
            ));
        }
    }
    let revision_id = match invocation.args.value("rev-id") {
        Some(id) => id.to_string(),
        None => invocation.host.ids.new_revision_id(),
    };
    let new_revision = NewRevision {
        revision_id,
        message: invocation.args.value("message").map(str::to_string),
        heads: vec![invocation.args.value("head").unwrap_or("head").to_string()],
        splice: invocation.args.flag("splice"),
        branch_label: invocation.args.value("branch-label").map(str::to_string),
        version_path: invocation.args.value("version-path").map(str::to_string),
        depends_on: invocation.args.all_values("depends-on").into_iter().map(str::to_string).collect(),
        multiple_heads_message: "Multiple heads are present; please specify the head revision on which the new revision should be based, or perform a merge.",
    };
    generate_revision(invocation, &config, &mut directory, new_revision)
}

pub fn merge(invocation: &mut Invocation<'_, '_>) -> CommandResult {
    let config = invocation.config()?;
    let mut directory = ScriptDirectory::from_config(invocation, &config)?;
    let revision_id = match invocation.args.value("rev-id") {
        Some(id) => id.to_string(),
        None => invocation.host.ids.new_revision_id(),
    };
    let new_revision = NewRevision {
        revision_id,
        message: invocation.args.value("message").map(str::to_string),
        heads: invocation.args.positionals.clone(),
        splice: invocation.args.flag("splice"),
        branch_label: invocation.args.value("branch-label").map(str::to_string),
        version_path: None,
        depends_on: Vec::new(),
        multiple_heads_message: "Multiple heads are present; please specify the head revision on which the new revision should be based, or perform a merge.",
    };
    generate_revision(invocation, &config, &mut directory, new_revision)
}

fn generate_revision(
    invocation: &mut Invocation<'_, '_>,
    config: &crate::config::Config,
    directory: &mut ScriptDirectory,
    new_revision: NewRevision,
) -> CommandResult {
    if let Some(message) = invalid_revision_id_characters(&new_revision.revision_id) {
        return Err(Failure::Command(message));
    }
    let map = directory.caught_map(invocation)?.clone();
    let catch = |error: GraphError| match error {
        GraphError::MultipleHeads { .. } => Failure::command(new_revision.multiple_heads_message),
        other => Failure::Command(other.to_command_error().message),
    };
    let mut heads: Vec<String> = Vec::new();
    for head_argument in &new_revision.heads {
        for resolved in map.get_revisions(head_argument).map_err(catch)? {
            if let Some(id) = resolved {
                heads.push(id);
            }
        }
    }
    let mut unique = heads.clone();
    unique.sort();
    unique.dedup();
    if unique.len() != heads.len() {
        return Err(Failure::command("Duplicate head revisions specified"));
    }
    let create_date = invocation.host.clock.now();
    let version_path = match &new_revision.version_path {
        None => {
            if directory.version_locations.len() > 1 {
                let from_head = heads
                    .iter()
                    .find_map(|head| directory.script(head))
                    .map(|script| crate::fs::parent(&script.path));
                match from_head {
                    Some(path) => path,
                    None => {
                        return Err(Failure::command(
                            "Multiple version locations present, please specify --version-path",
                        ))
                    }
                }
            } else {
                directory.versions().to_string()
            }
        }
        Some(path) => {
            let normalized = crate::fs::join(&invocation.host.cwd, path);
            if !directory
                .version_locations
                .iter()
                .any(|location| crate::fs::normalize(location) == normalized)
            {
                return Err(Failure::command(format!(
                    "Path {path} is not represented in current version locations"
                )));
            }
            normalized
        }
    };
    let truncate = config
        .truncate_slug_length()
        .map_err(|error| Failure::unhandled("ValueError", error.0))?;
    let slug = slugify(new_revision.message.as_deref().unwrap_or(""), truncate);
    let file_template = config
        .file_template()
        .map_err(|error| Failure::unhandled("ValueError", error.0))?;
    let file_name = expand_file_template(
        &file_template,
        &new_revision.revision_id,
        &slug,
        &create_date,
    )
    .map_err(|message| Failure::unhandled("ValueError", message))?;
    let path = format!("{version_path}/{file_name}.py");
    if !new_revision.splice {
        for head in &heads {
            if map.revision(head).is_some_and(|info| !info.is_head()) {
                return Err(Failure::command(format!(
                    "Revision {head} is not a head revision; please specify --splice to create a new branch from this revision"
                )));
            }
        }
    }
    let mut resolved_depends_on = Vec::new();
    for dependency in &new_revision.depends_on {
        let resolved = map
            .get_revision(dependency)
            .map_err(|error| Failure::Command(error.to_command_error().message))?;
        let Some(id) = resolved else { continue };
        let is_label = map
            .revision(&id)
            .is_some_and(|info| info.branch_labels().iter().any(|label| label == dependency));
        resolved_depends_on.push(if is_label { dependency.clone() } else { id });
    }
    let template_path = format!("{}/script.py.mako", directory.dir);
    let template = invocation
        .host
        .files
        .read_to_string(&template_path)
        .map_err(|_| {
            Failure::unhandled(
                "FileNotFoundError",
                format!("[Errno 2] No such file or directory: '{template_path}'"),
            )
        })?;
    let mut context: BTreeMap<String, TemplateValue> = BTreeMap::new();
    context.insert(
        "up_revision".into(),
        TemplateValue::Str(new_revision.revision_id.clone()),
    );
    context.insert("down_revision".into(), scalar_or_tuple(heads.clone()));
    context.insert(
        "branch_labels".into(),
        match &new_revision.branch_label {
            Some(label) => TemplateValue::Tuple(vec![label.clone()]),
            None => TemplateValue::None,
        },
    );
    context.insert("depends_on".into(), scalar_or_tuple(resolved_depends_on));
    context.insert(
        "create_date".into(),
        TemplateValue::Str(create_date.to_python_str()),
    );
    context.insert(
        "message".into(),
        TemplateValue::Str(
            new_revision
                .message
                .clone()
                .unwrap_or_else(|| "empty message".to_string()),
        ),
    );
    context.insert("imports".into(), TemplateValue::Str(String::new()));
    context.insert("upgrades".into(), TemplateValue::Str(String::new()));
    context.insert("downgrades".into(), TemplateValue::Str(String::new()));
    let rendered = render_template(&template, &context).map_err(|error| Failure::Unhandled {
        frames: vec![format!("  File \"{template_path}\", line {}", error.line)],
        exception: "mako.exceptions.CompileException".to_string(),
        message: error.message,
    })?;
    if !invocation.host.files.is_dir(&version_path) {
        invocation
            .host
            .files
            .create_dir_all(&version_path)
            .map_err(|error| Failure::unhandled("OSError", error.to_string()))?;
    }
    invocation
        .host
        .files
        .write(&path, &rendered)
        .map_err(|error| Failure::unhandled("OSError", error.to_string()))?;
    invocation.message(&format!("Generating {path} ...  done"));
    invocation.out.touched_files.push(path.clone());
    // Alembic reloads the new file and adds it to the map: duplicate ids warn here, and a
    // broken graph (a duplicate branch label) fails after the file is written.
    directory.forget();
    if let Err(error) = directory.map(invocation)? {
        return Err(super::directory::graph_traceback(&error));
    }
    if let Some(label) = &new_revision.branch_label {
        let has_labels = directory
            .script(&new_revision.revision_id)
            .is_some_and(|script| !script.branch_labels.is_empty());
        if !has_labels {
            return Err(Failure::command(format!(
                "Version {} specified branch_labels {label}, however the migration file {path} does not have them; have you upgraded your script.py.mako to include the 'branch_labels' section?",
                new_revision.revision_id
            )));
        }
    }
    Ok(())
}
