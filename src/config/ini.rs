//! `alembic.ini` read with Python `configparser` semantics.
//!
//! Owns: sections, `key = value` / `key: value`, lower-cased keys, full-line `#`/`;` comments,
//! indented continuation lines, the `[DEFAULT]` section plus the `here` default Alembic injects,
//! and `BasicInterpolation` (`%(name)s`, `%%`).
//! Does not: know what any key means (that is `config.rs`), or touch the disk.

use crate::sorted_map::{SortedMap, SortedSet};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IniError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for IniError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(formatter, "line {}: {}", self.line, self.message)
        } else {
            write!(formatter, "{}", self.message)
        }
    }
}

/// A parsed ini file; values are raw (uninterpolated) until read through [`Ini::get`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ini {
    defaults: SortedMap<String>,
    sections: Vec<(String, SortedMap<String>)>,
}

impl Ini {
    /// Parses `text`; `defaults` play the role of `ConfigParser(defaults=...)` (Alembic passes `here`).
    pub fn parse(text: &str, defaults: &[(&str, &str)]) -> Result<Ini, IniError> {
        let mut ini = Ini::default();
        for (key, value) in defaults {
            ini.defaults.insert(key.to_lowercase(), value.to_string());
        }
        // Where the current key's value lives: None = DEFAULT section, Some(i) = sections[i].
        let mut current_section: Option<Option<usize>> = None;
        let mut current_key: Option<(String, usize)> = None; // key and its indentation
        for (index, raw_line) in text.lines().enumerate() {
            let line_number = index + 1;
            let line = raw_line.trim_end_matches('\r');
            let stripped = line.trim();
            let indent = line.len() - line.trim_start().len();
            if stripped.starts_with('#') || stripped.starts_with(';') {
                continue;
            }
            if stripped.is_empty() {
                // configparser keeps empty lines inside multi-line values; trailing ones are
                // stripped at the end, which `finish_value` below reproduces.
                if let (Some(section), Some((key, _))) = (current_section, &current_key) {
                    if let Some(value) = ini.value_mut(section, key) {
                        value.push('\n');
                    }
                }
                continue;
            }
            if let (Some(section), Some((key, key_indent))) = (current_section, &current_key) {
                if indent > *key_indent {
                    if let Some(value) = ini.value_mut(section, key) {
                        value.push('\n');
                        value.push_str(stripped);
                    }
                    continue;
                }
            }
            if stripped.starts_with('[') {
                let Some(end) = stripped.find(']') else {
                    return Err(IniError {
                        line: line_number,
                        message: format!(
                            "File contains parsing errors: [line {line_number:>2}]: {}",
                            crate::ops::sqltext::py_repr_str(&format!("{line}\n"))
                        ),
                    });
                };
                let name = &stripped[1..end];
                current_key = None;
                if name == "DEFAULT" {
                    current_section = Some(None);
                } else if ini.sections.iter().any(|(existing, _)| existing == name) {
                    return Err(IniError {
                        line: line_number,
                        message: format!(
                            "While reading from alembic.ini [line {line_number:>2}]: section '{name}' already exists"
                        ),
                    });
                } else {
                    ini.sections.push((name.to_string(), SortedMap::new()));
                    current_section = Some(Some(ini.sections.len() - 1));
                }
                continue;
            }
            let Some(section) = current_section else {
                return Err(IniError {
                    line: line_number,
                    message: format!(
                        "File contains no section headers.\nfile: 'alembic.ini', line: {line_number}\n{}",
                        crate::ops::sqltext::py_repr_str(&format!("{line}\n"))
                    ),
                });
            };
            let delimiter = stripped.find(['=', ':']);
            let (key, value) = match delimiter {
                Some(position) => (stripped[..position].trim(), stripped[position + 1..].trim()),
                None => (stripped, ""),
            };
            let key = key.to_lowercase();
            let map = match section {
                None => &mut ini.defaults,
                Some(position) => match ini.sections.get_mut(position) {
                    Some((_, map)) => map,
                    None => continue,
                },
            };
            map.insert(key.clone(), value.to_string());
            current_key = Some((key, indent));
        }
        ini.finish_values();
        Ok(ini)
    }

    fn value_mut(&mut self, section: Option<usize>, key: &str) -> Option<&mut String> {
        match section {
            None => self.defaults.get_mut(key),
            Some(position) => self.sections.get_mut(position)?.1.get_mut(key),
        }
    }

    fn finish_values(&mut self) {
        for value in self.defaults.values_mut() {
            let trimmed = value.trim_end_matches('\n').to_string();
            *value = trimmed;
        }
        for (_, map) in self.sections.iter_mut() {
            for value in map.values_mut() {
                let trimmed = value.trim_end_matches('\n').to_string();
                *value = trimmed;
            }
        }
    }

    pub fn has_section(&self, section: &str) -> bool {
        self.sections.iter().any(|(name, _)| name == section)
    }

    pub fn section_names(&self) -> impl Iterator<Item = &str> {
        self.sections.iter().map(|(name, _)| name.as_str())
    }

    fn raw(&self, section: &str, key: &str) -> Option<&String> {
        let key = key.to_lowercase();
        self.sections
            .iter()
            .find(|(name, _)| name == section)
            .and_then(|(_, map)| map.get(&key))
            .or_else(|| self.defaults.get(&key))
    }

    /// The interpolated value of `key` in `section` (falling back to DEFAULT), if present.
    pub fn get(&self, section: &str, key: &str) -> Result<Option<String>, IniError> {
        match self.raw(section, key) {
            None => Ok(None),
            Some(raw) => self.interpolate(section, key, raw, 0).map(Some),
        }
    }

    /// Every key visible in `section` (its own plus DEFAULT's), interpolated.
    pub fn items(&self, section: &str) -> Result<Vec<(String, String)>, IniError> {
        let mut keys = SortedSet::new();
        for key in self.defaults.keys() {
            keys.add(key.clone());
        }
        if let Some((_, map)) = self.sections.iter().find(|(name, _)| name == section) {
            for key in map.keys() {
                keys.add(key.clone());
            }
        }
        let mut items = Vec::new();
        for key in keys.keys() {
            if let Some(value) = self.get(section, key)? {
                items.push((key.clone(), value));
            }
        }
        Ok(items)
    }

    fn interpolate(
        &self,
        section: &str,
        key: &str,
        raw: &str,
        depth: usize,
    ) -> Result<String, IniError> {
        if depth > 10 {
            return Err(IniError {
                line: 0,
                message: format!(
                    "Recursion limit exceeded in value substitution: option '{key}' in section '{section}' contains an interpolation key which cannot be substituted in 10 steps. Raw value: '{raw}'"
                ),
            });
        }
        let mut output = String::new();
        let mut rest = raw;
        while let Some(position) = rest.find('%') {
            output.push_str(&rest[..position]);
            let after = &rest[position + 1..];
            if let Some(tail) = after.strip_prefix('%') {
                output.push('%');
                rest = tail;
            } else if let Some(tail) = after.strip_prefix('(') {
                let Some(close) = tail.find(")s") else {
                    return Err(bad_interpolation(raw));
                };
                let name = tail[..close].to_lowercase();
                let Some(value) = self.raw(section, &name) else {
                    return Err(IniError {
                        line: 0,
                        message: format!(
                            "Bad value substitution: option '{key}' in section '{section}' contains an interpolation key '{name}' which is not a valid option name. Raw value: '{raw}'"
                        ),
                    });
                };
                output.push_str(&self.interpolate(section, &name, value, depth + 1)?);
                rest = &tail[close + 2..];
            } else {
                return Err(bad_interpolation(raw));
            }
        }
        output.push_str(rest);
        Ok(output)
    }
}

fn bad_interpolation(raw: &str) -> IniError {
    IniError {
        line: 0,
        message: format!(
            "'%' must be followed by '%' or '(', found: '{}'",
            raw.get(raw.find('%').unwrap_or(0)..).unwrap_or(raw)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_alembic_ini_with_here_interpolation_and_escapes() {
        let text = "# comment\n[alembic]\nscript_location = %(here)s/migrations\n# file_template = x\nfile_template = %%(rev)s_%%(slug)s\nSQLAlchemy.URL = sqlite:///%(here)s/app.db\nhooks =\n    black\n    ruff\n\n[other]\nx: 1\n";
        let ini = Ini::parse(text, &[("here", "/p")]).unwrap();
        assert_eq!(
            ini.get("alembic", "script_location").unwrap().unwrap(),
            "/p/migrations"
        );
        assert_eq!(
            ini.get("alembic", "file_template").unwrap().unwrap(),
            "%(rev)s_%(slug)s"
        );
        assert_eq!(
            ini.get("alembic", "sqlalchemy.url").unwrap().unwrap(),
            "sqlite:////p/app.db"
        );
        assert_eq!(
            ini.get("alembic", "hooks").unwrap().unwrap(),
            "\nblack\nruff"
        );
        assert_eq!(ini.get("other", "x").unwrap().unwrap(), "1");
        assert_eq!(ini.get("other", "here").unwrap().unwrap(), "/p");
        assert!(ini.get("alembic", "missing").unwrap().is_none());
        assert!(ini.has_section("alembic"));
    }

    #[test]
    fn reports_bad_interpolation_and_missing_headers() {
        let ini = Ini::parse("[a]\nx = %(nope)s\ny = 50%\n", &[]).unwrap();
        assert!(ini.get("a", "x").unwrap_err().message.contains("'nope'"));
        assert!(ini.get("a", "y").is_err());
        assert!(Ini::parse("x = 1\n", &[])
            .unwrap_err()
            .message
            .contains("no section headers"));
    }
}
