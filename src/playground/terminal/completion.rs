//! Tab completion of a terminal line (commands, options, revision ids).

/// Tab completion of a terminal line: the candidates for its last word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// Byte offset in the line where the completed word starts.
    pub start: usize,
    /// Every word that completes it, sorted.
    pub candidates: Vec<String>,
}

impl Completion {
    /// The longest prefix all candidates share (what a shell inserts on Tab).
    pub fn common_prefix(&self) -> String {
        let Some(first) = self.candidates.first() else {
            return String::new();
        };
        let mut prefix: String = first.clone();
        for candidate in &self.candidates[1..] {
            let shared: String = prefix
                .chars()
                .zip(candidate.chars())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect();
            prefix = shared;
        }
        prefix
    }
}

/// Candidates for the word under the cursor at the end of `line`; `revision_words` gives
/// the project's revision ids and labels (asked only where a revision may be typed).
pub fn complete(line: &str, revision_words: impl FnOnce() -> Vec<String>) -> Completion {
    let start = line
        .char_indices()
        .filter(|(_, character)| character.is_whitespace())
        .last()
        .map(|(index, character)| index + character.len_utf8())
        .unwrap_or(0);
    let word = &line[start..];
    let previous: Vec<&str> = line[..start].split_whitespace().collect();
    let mut candidates: Vec<String> = match previous.as_slice() {
        [] => ["alembic", "sql", "help", "clear", "lint", "reversibility"]
            .iter()
            .map(|word| word.to_string())
            .collect(),
        ["alembic", rest @ ..] => {
            let command = rest
                .iter()
                .find(|word| crate::commands::args::command_names().any(|name| name == **word));
            match command {
                None if !word.starts_with('-') => crate::commands::args::command_names()
                    .map(str::to_string)
                    .collect(),
                None => [
                    "--config",
                    "--name",
                    "--raiseerr",
                    "--quiet",
                    "--help",
                    "--version",
                ]
                .iter()
                .map(|option| option.to_string())
                .collect(),
                Some(command) if word.starts_with('-') => {
                    crate::commands::args::command_options(command)
                }
                Some(
                    &("upgrade" | "downgrade" | "stamp" | "show" | "edit" | "merge" | "revision"
                    | "history"),
                ) => {
                    let mut words = vec![
                        "head".to_string(),
                        "heads".to_string(),
                        "base".to_string(),
                        "current".to_string(),
                    ];
                    words.extend(revision_words());
                    words
                }
                Some(_) => Vec::new(),
            }
        }
        ["sql", ..] => [
            "SELECT",
            "FROM",
            "WHERE",
            "INSERT",
            "INTO",
            "VALUES",
            "alembic_version",
            "sqlite_master",
        ]
        .iter()
        .map(|word| word.to_string())
        .collect(),
        _ => Vec::new(),
    };
    candidates.retain(|candidate| candidate.starts_with(word));
    crate::sort::sort(&mut candidates);
    candidates.dedup();
    Completion { start, candidates }
}

#[cfg(test)]
mod tests {
    use crate::playground::session::Session;

    #[test]
    fn completes_commands_options_and_revisions() {
        let mut session = Session::starter();
        session
            .write_file(
                "/project/alembic/versions/ab12_x.py",
                "revision = 'ab12cd34ef56'\ndown_revision = None\nbranch_labels = ('feature',)\n",
            )
            .unwrap();
        assert_eq!(session.complete("alembic up").candidates, vec!["upgrade"]);
        assert_eq!(
            session.complete("alembic upgrade --s").candidates,
            vec!["--sql"]
        );
        assert_eq!(
            session.complete("alembic upgrade ab").candidates,
            vec!["ab12cd34ef56"]
        );
        assert_eq!(
            session.complete("alembic downgrade fe").candidates,
            vec!["feature@head"]
        );
        assert_eq!(session.complete("he").candidates, vec!["help"]);
        let completion = session.complete("alembic h");
        assert_eq!(completion.candidates, vec!["heads", "history"]);
        assert_eq!(completion.common_prefix(), "h");
        assert_eq!(session.complete("alembic st").common_prefix(), "stamp");
        assert_eq!(
            session.complete("alembic\u{3000}up").candidates,
            vec!["upgrade"]
        );
    }
}
