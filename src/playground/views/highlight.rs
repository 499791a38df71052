//! Syntax colouring for the editor: Python (revision files, env.py, models.py), INI
//! (alembic.ini) and Mako (script.py.mako), split into lines of classed spans.
//!
//! Owns: a forgiving scanner that never fails (a half-typed string or bracket still colours
//! the rest sensibly). Does not: parse: errors come from the engine's parser and lint.

/// What a span of text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Plain,
    Keyword,
    /// `None`, `True`, `False`, `self`.
    Constant,
    String,
    Comment,
    Number,
    /// The name after `def` or `class`.
    Definition,
    Decorator,
    /// INI section header, Mako control line.
    Section,
    /// INI key, Mako `${...}` expression.
    Key,
}

impl Kind {
    /// The CSS class the page gives this kind (`None` for plain text).
    pub fn class(self) -> Option<&'static str> {
        match self {
            Kind::Plain => None,
            Kind::Keyword => Some("tok-keyword"),
            Kind::Constant => Some("tok-constant"),
            Kind::String => Some("tok-string"),
            Kind::Comment => Some("tok-comment"),
            Kind::Number => Some("tok-number"),
            Kind::Definition => Some("tok-def"),
            Kind::Decorator => Some("tok-decorator"),
            Kind::Section => Some("tok-section"),
            Kind::Key => Some("tok-key"),
        }
    }
}

/// One line of coloured text: `(kind, text)` pieces that concatenate to the line (without
/// its newline).
pub type Line = Vec<(Kind, String)>;

const KEYWORDS: &[&str] = &[
    "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
    "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
    "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];
const CONSTANTS: &[&str] = &["None", "True", "False", "self", "cls"];

/// The language a file is coloured as, from its name.
pub fn highlight(path: &str, text: &str) -> Vec<Line> {
    let name = crate::host::file_name(path);
    if name.ends_with(".ini") || name.ends_with(".cfg") || name.ends_with(".toml") {
        highlight_ini(text)
    } else if name.ends_with(".mako") {
        highlight_mako(text)
    } else if name.ends_with(".py") {
        highlight_python(text)
    } else {
        text.split('\n')
            .map(|line| vec![(Kind::Plain, line.to_string())])
            .collect()
    }
}

/// Splits `(kind, text)` runs that may contain newlines into lines.
fn into_lines(runs: Vec<(Kind, String)>) -> Vec<Line> {
    let mut lines: Vec<Line> = vec![Vec::new()];
    for (kind, text) in runs {
        let mut parts = text.split('\n');
        if let Some(first) = parts.next() {
            push_piece(&mut lines, kind, first);
        }
        for part in parts {
            lines.push(Vec::new());
            push_piece(&mut lines, kind, part);
        }
    }
    lines
}

fn push_piece(lines: &mut [Line], kind: Kind, text: &str) {
    if text.is_empty() {
        return;
    }
    let Some(line) = lines.last_mut() else {
        return;
    };
    match line.last_mut() {
        Some((last_kind, last_text)) if *last_kind == kind => last_text.push_str(text),
        _ => line.push((kind, text.to_string())),
    }
}

fn highlight_python(text: &str) -> Vec<Line> {
    let chars: Vec<char> = text.chars().collect();
    let mut runs: Vec<(Kind, String)> = Vec::new();
    let mut index = 0;
    let mut previous_word = String::new();
    let take = |from: usize, to: usize| chars[from..to].iter().collect::<String>();
    while index < chars.len() {
        let c = chars[index];
        let start = index;
        if c == '#' {
            while index < chars.len() && chars[index] != '\n' {
                index += 1;
            }
            runs.push((Kind::Comment, take(start, index)));
            continue;
        }
        if c == '@' && line_start_before(&chars, index) {
            index += 1;
            while index < chars.len() && (is_name_char(chars[index]) || chars[index] == '.') {
                index += 1;
            }
            runs.push((Kind::Decorator, take(start, index)));
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            while index < chars.len() && is_name_char(chars[index]) {
                index += 1;
            }
            let word = take(start, index);
            // A string prefix (r, b, f, rb, ...) directly before a quote.
            if index < chars.len()
                && (chars[index] == '\'' || chars[index] == '"')
                && word.len() <= 2
                && word
                    .chars()
                    .all(|p| matches!(p.to_ascii_lowercase(), 'r' | 'b' | 'f' | 'u'))
            {
                index = scan_string(&chars, index);
                runs.push((Kind::String, take(start, index)));
                previous_word.clear();
                continue;
            }
            let kind = if previous_word == "def" || previous_word == "class" {
                Kind::Definition
            } else if KEYWORDS.contains(&word.as_str()) {
                Kind::Keyword
            } else if CONSTANTS.contains(&word.as_str()) {
                Kind::Constant
            } else {
                Kind::Plain
            };
            runs.push((kind, word.clone()));
            previous_word = word;
            continue;
        }
        if c == '\'' || c == '"' {
            index = scan_string(&chars, index);
            runs.push((Kind::String, take(start, index)));
            previous_word.clear();
            continue;
        }
        if c.is_ascii_digit() {
            while index < chars.len()
                && (chars[index].is_ascii_alphanumeric()
                    || chars[index] == '_'
                    || chars[index] == '.')
            {
                index += 1;
            }
            runs.push((Kind::Number, take(start, index)));
            previous_word.clear();
            continue;
        }
        index += 1;
        if !c.is_whitespace() {
            previous_word.clear();
        }
        runs.push((Kind::Plain, c.to_string()));
    }
    into_lines(runs)
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Only whitespace between the start of the line and `index`.
fn line_start_before(chars: &[char], index: usize) -> bool {
    chars[..index]
        .iter()
        .rev()
        .take_while(|c| **c != '\n')
        .all(|c| *c == ' ' || *c == '\t')
}

/// The index just past the string starting at `index` (a quote); an unterminated
/// single-quoted string ends at the line's end, a triple-quoted one at the text's end.
fn scan_string(chars: &[char], index: usize) -> usize {
    let quote = chars[index];
    let triple = chars.get(index + 1) == Some(&quote) && chars.get(index + 2) == Some(&quote);
    let mut at = if triple { index + 3 } else { index + 1 };
    while at < chars.len() {
        let c = chars[at];
        if c == '\\' {
            at += 2;
            continue;
        }
        if triple {
            if c == quote && chars.get(at + 1) == Some(&quote) && chars.get(at + 2) == Some(&quote)
            {
                return at + 3;
            }
        } else if c == quote {
            return at + 1;
        } else if c == '\n' {
            return at;
        }
        at += 1;
    }
    chars.len()
}

fn highlight_ini(text: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    for line in text.split('\n') {
        let trimmed = line.trim_start();
        lines.push(Vec::new());
        let kind = if trimmed.starts_with('#') || trimmed.starts_with(';') {
            Kind::Comment
        } else if trimmed.starts_with('[') {
            Kind::Section
        } else {
            Kind::Plain
        };
        let indented = line.starts_with(' ') || line.starts_with('\t');
        match line
            .find(['=', ':'])
            .filter(|_| kind == Kind::Plain && !indented)
        {
            Some(at) => {
                push_piece(&mut lines, Kind::Key, &line[..at]);
                push_piece(&mut lines, Kind::Plain, &line[at..]);
            }
            None => push_piece(&mut lines, kind, line),
        }
    }
    lines
}

fn highlight_mako(text: &str) -> Vec<Line> {
    // The template is Python with `${...}` substitutions and `%` control lines: colour it as
    // Python, then mark those on top.
    let mut lines = highlight_python(text);
    for (line, coloured) in text.split('\n').zip(lines.iter_mut()) {
        if line.trim_start().starts_with('%') {
            *coloured = vec![(Kind::Section, line.to_string())];
        } else if line.contains("${") {
            let mut pieces = Vec::new();
            let mut rest = line;
            while let Some(start) = rest.find("${") {
                let end = rest[start..]
                    .find('}')
                    .map_or(rest.len(), |offset| start + offset + 1);
                if start > 0 {
                    pieces.push((Kind::Plain, rest[..start].to_string()));
                }
                pieces.push((Kind::Key, rest[start..end].to_string()));
                rest = &rest[end..];
            }
            if !rest.is_empty() {
                pieces.push((Kind::Plain, rest.to_string()));
            }
            *coloured = pieces;
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &Line) -> Vec<(Kind, &str)> {
        line.iter()
            .map(|(kind, text)| (*kind, text.as_str()))
            .collect()
    }

    #[test]
    fn python_keywords_strings_comments_and_definitions() {
        let lines = highlight(
            "v.py",
            "def upgrade() -> None:  # go\n    op.add_column('t', sa.Column(\"x\", sa.Integer, nullable=True, default=10))",
        );
        assert_eq!(
            kinds(&lines[0]),
            [
                (Kind::Keyword, "def"),
                (Kind::Plain, " "),
                (Kind::Definition, "upgrade"),
                (Kind::Plain, "() -> "),
                (Kind::Constant, "None"),
                (Kind::Plain, ":  "),
                (Kind::Comment, "# go"),
            ]
        );
        let strings: Vec<&str> = lines[1]
            .iter()
            .filter(|(kind, _)| *kind == Kind::String)
            .map(|(_, text)| text.as_str())
            .collect();
        assert_eq!(strings, ["'t'", "\"x\""]);
        assert!(lines[1].contains(&(Kind::Number, "10".to_string())));
        assert!(lines[1].contains(&(Kind::Constant, "True".to_string())));
    }

    #[test]
    fn triple_quoted_strings_span_lines_and_text_is_kept_exactly() {
        let source = "\"\"\"create account\n\nRevision ID: ab12\n\"\"\"\nx = rb'\\d' + f\"{y}\"\n@decorator.x\ndef f(): pass\n";
        let lines = highlight("a.py", source);
        let rebuilt: Vec<String> = lines
            .iter()
            .map(|line| line.iter().map(|(_, text)| text.as_str()).collect())
            .collect();
        assert_eq!(rebuilt.join("\n"), source);
        assert_eq!(kinds(&lines[2]), [(Kind::String, "Revision ID: ab12")]);
        assert!(lines[4].contains(&(Kind::String, "rb'\\d'".to_string())));
        assert!(lines[4].contains(&(Kind::String, "f\"{y}\"".to_string())));
        assert_eq!(kinds(&lines[5]), [(Kind::Decorator, "@decorator.x")]);
    }

    #[test]
    fn unterminated_strings_stop_at_the_line_end_and_never_panic() {
        let lines = highlight("a.py", "x = 'open\ny = 1\n\"\"\"never closed\nz");
        assert_eq!(kinds(&lines[1])[0], (Kind::Plain, "y = "));
        assert_eq!(kinds(&lines[3]), [(Kind::String, "z")]);
        for source in [
            "'",
            "\"\"\"",
            "\\",
            "@",
            "r'",
            "1.2.3e",
            "é = 'ü'  # ñ",
            "\u{0}",
        ] {
            highlight("a.py", source);
        }
    }

    #[test]
    fn ini_and_mako() {
        let ini = highlight(
            "alembic.ini",
            "[alembic]\n# comment\nscript_location = %(here)s/alembic\n    continued",
        );
        assert_eq!(kinds(&ini[0]), [(Kind::Section, "[alembic]")]);
        assert_eq!(kinds(&ini[1]), [(Kind::Comment, "# comment")]);
        assert_eq!(
            kinds(&ini[2]),
            [
                (Kind::Key, "script_location "),
                (Kind::Plain, "= %(here)s/alembic")
            ]
        );
        assert_eq!(kinds(&ini[3]), [(Kind::Plain, "    continued")]);
        let mako = highlight(
            "script.py.mako",
            "Revision ID: ${up_revision}\n% if imports:\n${imports}\n% endif",
        );
        assert_eq!(
            kinds(&mako[0]),
            [
                (Kind::Plain, "Revision ID: "),
                (Kind::Key, "${up_revision}")
            ]
        );
        assert_eq!(kinds(&mako[1]), [(Kind::Section, "% if imports:")]);
    }
}
