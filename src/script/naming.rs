//! New revision files' names and ids: the slug, `file_template`, the `Create Date` text and
//! the characters a `--rev-id` may not contain (reference §4.3–4.4).
//!
//! Does not: read the clock or a random source: the caller passes a [`CreateDate`] and an id.

use crate::host::CreateDate;

/// Python's `re` `\w` on str: letters, digits (any script) and `_`.
fn is_word_character(character: char) -> bool {
    character == '_' || character.is_alphanumeric()
}

/// The slug Alembic derives from a message (`ScriptDirectory._rev_path`).
pub fn slugify(message: &str, truncate_slug_length: usize) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    for character in message.chars() {
        if is_word_character(character) {
            current.push(character);
        } else if !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    let slug = words.join("_").to_lowercase();
    if slug.chars().count() > truncate_slug_length {
        let cut: String = slug.chars().take(truncate_slug_length).collect();
        let kept = match cut.rfind('_') {
            Some(position) => cut[..position].to_string(),
            None => cut,
        };
        format!("{kept}_")
    } else {
        slug
    }
}

/// Characters Alembic refuses in a revision id, as its error lists them.
pub fn invalid_revision_id_characters(revision_id: &str) -> Option<String> {
    let mut found: Vec<char> = ['+', ':', '@', '-']
        .into_iter()
        .filter(|character| revision_id.contains(*character))
        .collect();
    if found.is_empty() {
        return None;
    }
    crate::sort::sort(&mut found);
    let listed: Vec<String> = found.iter().map(char::to_string).collect();
    Some(format!(
        "Character(s) '{}' not allowed in revision identifier '{revision_id}'",
        listed.join(", ")
    ))
}

/// Expands a `file_template` (`%(rev)s_%(slug)s`, `%(year)d_%(month).2d...`) with Python
/// `%`-formatting rules for the `s` and `d` conversions.
pub fn expand_file_template(
    template: &str,
    revision_id: &str,
    slug: &str,
    date: &CreateDate,
) -> Result<String, String> {
    let mut output = String::new();
    let mut rest = template;
    while let Some(position) = rest.find('%') {
        output.push_str(&rest[..position]);
        let after = &rest[position + 1..];
        if let Some(tail) = after.strip_prefix('%') {
            output.push('%');
            rest = tail;
            continue;
        }
        let Some(tail) = after.strip_prefix('(') else {
            return Err(format!(
                "file_template {}: '%' must be followed by '%' or '(name)'",
                crate::ops::sqltext::py_repr_str(template)
            ));
        };
        let Some(close) = tail.find(')') else {
            return Err(format!(
                "file_template {}: incomplete format key",
                crate::ops::sqltext::py_repr_str(template)
            ));
        };
        let name = &tail[..close];
        let spec_and_rest = &tail[close + 1..];
        let conversion_index = spec_and_rest
            .find(|character: char| character.is_ascii_alphabetic())
            .ok_or_else(|| {
                format!(
                    "file_template {}: incomplete format",
                    crate::ops::sqltext::py_repr_str(template)
                )
            })?;
        let spec = &spec_and_rest[..conversion_index];
        let conversion = spec_and_rest[conversion_index..]
            .chars()
            .next()
            .unwrap_or('s');
        rest = &spec_and_rest[conversion_index + conversion.len_utf8()..];
        let number: Option<i64> = match name {
            "epoch" => Some(date.epoch),
            "year" => Some(date.year as i64),
            "month" => Some(date.month as i64),
            "day" => Some(date.day as i64),
            "hour" => Some(date.hour as i64),
            "minute" => Some(date.minute as i64),
            "second" => Some(date.second as i64),
            _ => None,
        };
        let text = match (name, conversion) {
            ("rev", 's') => revision_id.to_string(),
            ("slug", 's') => slug.to_string(),
            (_, 's') | (_, 'd') | (_, 'i') => match number {
                Some(value) => {
                    // Supported specs: "", ".2", "02", "2".
                    let (zero_pad, digits) = if let Some(precision) = spec.strip_prefix('.') {
                        (true, precision)
                    } else if let Some(width) = spec.strip_prefix('0') {
                        (true, width)
                    } else {
                        (false, spec)
                    };
                    let width = crate::python::parse_int::<usize>(digits, 10).unwrap_or(0);
                    if zero_pad {
                        format!("{value:0width$}")
                    } else {
                        format!("{value:width$}")
                    }
                }
                None => {
                    return Err(format!(
                        "file_template {}: unknown token '{name}'",
                        crate::ops::sqltext::py_repr_str(template)
                    ))
                }
            },
            _ => {
                return Err(format!(
                    "file_template {}: unsupported format character '{conversion}'",
                    crate::ops::sqltext::py_repr_str(template)
                ))
            }
        };
        output.push_str(&text);
    }
    output.push_str(rest);
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_match_the_reference_table() {
        let cases = [
            ("create account table", "create_account_table"),
            (
                "Add a column!! to Account (v2) ünïcode & stuff; very long message that goes beyond forty characters",
                "add_a_column_to_account_v2_ünïcode_",
            ),
            ("Supercalifragilisticexpialidocious_and_more_more_more_stuff", "supercalifragilisticexpialidocious_and_"),
            (
                "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
                "abcdefghijklmnopqrstuvwxyzabcdefghijklmn_",
            ),
            ("exactly forty chars long message here xx", "exactly_forty_chars_long_message_here_xx"),
            ("!!! ???", ""),
            ("Hello-World: CamelCase 2.0", "hello_world_camelcase_2_0"),
            ("", ""),
        ];
        for (message, expected) in cases {
            assert_eq!(slugify(message, 40), expected, "message {message:?}");
        }
    }

    #[test]
    fn rejects_reserved_characters_in_ids() {
        assert_eq!(
            invalid_revision_id_characters("ab-cd").unwrap(),
            "Character(s) '-' not allowed in revision identifier 'ab-cd'"
        );
        assert_eq!(
            invalid_revision_id_characters("ab:c@d+").unwrap(),
            "Character(s) '+, :, @' not allowed in revision identifier 'ab:c@d+'"
        );
        assert!(invalid_revision_id_characters("abc123").is_none());
    }

    #[test]
    fn expands_file_templates_and_dates() {
        let date = CreateDate::from_unix_micros(1_795_826_626_094_752);
        assert_eq!(date.to_python_str(), "2026-11-28 00:43:46.094752");
        assert_eq!(
            expand_file_template("%(rev)s_%(slug)s", "0bfd", "x", &date).unwrap(),
            "0bfd_x"
        );
        assert_eq!(
            expand_file_template(
                "%(year)d_%(month).2d_%(day).2d_%(hour).2d%(minute).2d-%(rev)s",
                "r",
                "s",
                &date
            )
            .unwrap(),
            "2026_11_28_0043-r"
        );
        assert_eq!(
            expand_file_template("%(epoch)s", "r", "s", &date).unwrap(),
            "1795826626"
        );
        assert!(expand_file_template("%(nope)s", "r", "s", &date).is_err());
        let whole_second = CreateDate {
            microsecond: 0,
            ..date
        };
        assert_eq!(whole_second.to_python_str(), "2026-11-28 00:43:46");
    }
}
