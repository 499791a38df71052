//! The files `alembic init` writes (Alembic 1.20.1's `generic` template, reproduced so that
//! `init` output is byte-identical) and the page's starter project.
//!
//! Does not: render revision files (that is `script`), or write anything itself.

/// `alembic.ini.mako` of the generic template; `${script_location}` is its only substitution.
pub const GENERIC_ALEMBIC_INI: &str = include_str!("generic/alembic.ini.mako");
pub const GENERIC_ENV_PY: &str = include_str!("generic/env.py");
pub const GENERIC_SCRIPT_MAKO: &str = include_str!("generic/script.py.mako");
pub const GENERIC_README: &str = include_str!("generic/README");

/// The templates `list_templates` reports, in the order Alembic 1.20.1 lists them. Only
/// `generic` is offered by `init` here.
pub const TEMPLATE_DESCRIPTIONS: &[(&str, &str)] = &[
    (
        "pyproject_async",
        "pyproject configuration, with an async dbapi.",
    ),
    ("multidb", "Rudimentary multi-database configuration."),
    ("generic", "Generic single-database configuration."),
    (
        "pyproject",
        "pyproject configuration, based on the generic configuration.",
    ),
    (
        "async",
        "Generic single-database configuration with an async dbapi.",
    ),
];

/// The generic `alembic.ini` for a script directory at `script_location`.
pub fn render_alembic_ini(script_location: &str) -> String {
    GENERIC_ALEMBIC_INI.replace("${script_location}", script_location)
}

const STARTER_MODELS: &str = r#""""The application's models.

Change them, then run
    alembic revision --autogenerate -m "describe the change"
and review the file it writes in alembic/versions/.
"""
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
"#;

/// The starter project, as `(path, contents)` pairs under `project_dir`: what `alembic init
/// alembic` writes, with `sqlalchemy.url` pointing at `app.db` and env.py wired to models.py.
pub fn starter_project(project_dir: &str) -> Vec<(String, String)> {
    let ini = render_alembic_ini("%(here)s/alembic").replace(
        "sqlalchemy.url = driver://user:pass@localhost/dbname",
        "sqlalchemy.url = sqlite:///%(here)s/app.db",
    );
    let env_py = GENERIC_ENV_PY.replace(
        "# from myapp import mymodel\n# target_metadata = mymodel.Base.metadata\ntarget_metadata = None\n",
        "from models import Base\ntarget_metadata = Base.metadata\n",
    );
    vec![
        (format!("{project_dir}/alembic.ini"), ini),
        (
            format!("{project_dir}/alembic/README"),
            GENERIC_README.to_string(),
        ),
        (format!("{project_dir}/alembic/env.py"), env_py),
        (
            format!("{project_dir}/alembic/script.py.mako"),
            GENERIC_SCRIPT_MAKO.to_string(),
        ),
        (
            format!("{project_dir}/models.py"),
            STARTER_MODELS.to_string(),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_ini_and_env_are_wired() {
        let files = starter_project("/p");
        let ini = &files[0].1;
        assert!(ini.contains("script_location = %(here)s/alembic\n"));
        assert!(ini.contains("sqlalchemy.url = sqlite:///%(here)s/app.db\n"));
        let env_py = &files[2].1;
        assert!(env_py.contains("from models import Base\ntarget_metadata = Base.metadata\n"));
        assert!(!env_py.contains("target_metadata = None"));
    }
}
