//! `alembic init` and `alembic list_templates`.

use super::{CommandResult, Failure, Invocation, PYTHON_SITE_PACKAGES};
use crate::templates;

/// Joins like Python's pathlib: `.` components vanish, `..` stays as written.
fn pathlib_join(base: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let absolute = relative.starts_with('/');
    let source = if absolute {
        relative.to_string()
    } else {
        format!("{base}/{relative}")
    };
    for part in source.split('/') {
        if !part.is_empty() && part != "." {
            parts.push(part);
        }
    }
    format!("/{}", parts.join("/"))
}

pub fn list_templates(invocation: &mut Invocation<'_, '_>) -> CommandResult {
    invocation.message("Available templates:\n");
    for (name, description) in templates::TEMPLATE_DESCRIPTIONS {
        invocation.message(&format!("{name} - {description}"));
    }
    invocation.message("\nTemplates are used via the 'init' command, e.g.:");
    invocation.message("\n  alembic init --template generic ./scripts");
    Ok(())
}

pub fn init(invocation: &mut Invocation<'_, '_>) -> CommandResult {
    let template = invocation
        .args
        .value("template")
        .unwrap_or("generic")
        .to_string();
    let directory_argument = invocation.args.positional().unwrap_or("").to_string();
    let package = invocation.args.flag("package");
    let cwd = invocation.host.cwd.clone();
    let directory = pathlib_join(&cwd, &directory_argument);
    if template != "generic" {
        if templates::TEMPLATE_DESCRIPTIONS
            .iter()
            .any(|(name, _)| *name == template)
        {
            // Alembic has this template; the playground renders only `generic`.
            return Err(Failure::command(format!(
                "the playground offers only the 'generic' template (asked for '{template}'); try: alembic init {directory_argument}"
            )));
        }
        return Err(Failure::command(format!(
            "No such template {PYTHON_SITE_PACKAGES}/alembic/templates/{template}"
        )));
    }
    let files = &mut *invocation.host.files;
    let exists = files.is_dir(&directory);
    if exists
        && !files
            .list_dir(&directory)
            .map(|names| names.is_empty())
            .unwrap_or(true)
    {
        return Err(Failure::command(format!(
            "Directory {directory_argument} already exists and is not empty"
        )));
    }
    let config_argument = invocation
        .args
        .global
        .config
        .first()
        .cloned()
        .or_else(|| invocation.host.alembic_config.clone())
        .unwrap_or_else(|| "alembic.ini".to_string());
    let config_file = if config_argument.starts_with('/') {
        config_argument.clone()
    } else {
        format!("{cwd}/{config_argument}")
    };
    let versions = format!("{directory}/versions");
    let script_location = if directory_argument.starts_with('/') {
        directory_argument.clone()
    } else {
        let trimmed: Vec<&str> = directory_argument
            .split('/')
            .filter(|part| !part.is_empty() && *part != ".")
            .collect();
        format!("%(here)s/{}", trimmed.join("/"))
    };
    let io_error = |error: crate::host::FsError| Failure::unhandled("OSError", error.to_string());
    if !exists {
        files.create_dir_all(&directory).map_err(io_error)?;
        invocation.message(&format!("Creating directory {directory} ...  done"));
    }
    let files = &mut *invocation.host.files;
    files.create_dir_all(&versions).map_err(io_error)?;
    invocation.message(&format!("Creating directory {versions} ...  done"));
    for (name, contents) in [
        ("script.py.mako", templates::GENERIC_SCRIPT_MAKO),
        ("README", templates::GENERIC_README),
        ("env.py", templates::GENERIC_ENV_PY),
    ] {
        let path = format!("{directory}/{name}");
        invocation
            .host
            .files
            .write(&path, contents)
            .map_err(io_error)?;
        invocation.message(&format!("Generating {path} ...  done"));
    }
    if invocation
        .host
        .files
        .is_file(&crate::host::normalize(&config_file))
    {
        invocation.message(&format!("File {config_file} already exists, skipping"));
    } else {
        invocation
            .host
            .files
            .write(
                &crate::host::normalize(&config_file),
                &templates::render_alembic_ini(&script_location),
            )
            .map_err(io_error)?;
        invocation.message(&format!("Generating {config_file} ...  done"));
    }
    if package {
        for path in [
            format!("{directory}/__init__.py"),
            format!("{versions}/__init__.py"),
        ] {
            invocation.host.files.write(&path, "").map_err(io_error)?;
            invocation.message(&format!("Adding {path} ...  done"));
        }
    }
    invocation.message(&format!(
        "Please edit configuration/connection/logging settings in {config_file} before proceeding."
    ));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pathlib_join_keeps_dotdot_and_drops_dot() {
        assert_eq!(pathlib_join("/p/sub", "../up"), "/p/sub/../up");
        assert_eq!(pathlib_join("/p/sub", "./x"), "/p/sub/x");
        assert_eq!(pathlib_join("/p", "/abs/y"), "/abs/y");
    }
}
