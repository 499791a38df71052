//! What a command prints: an ordered list of stdout and stderr pieces, and an exit status.
//!
//! Alembic writes results to stdout and log lines to stderr; the page shows both in one
//! terminal in the order they were written, so the order is kept here.
//! Does not: decide what to print (that is the commands') or where it goes (that is the shells').

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Stdout,
    Stderr,
}

/// One command's output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    pub pieces: Vec<(Channel, String)>,
    pub exit_code: i32,
    /// Files the command created, changed or asked to open (`revision`, `merge`, `edit`):
    /// the page opens them in the editor.
    pub touched_files: Vec<String>,
    /// The SQL the command executed online, as `--sql` would print it (for the page's
    /// "SQL of the last command").
    pub executed_sql: Vec<String>,
}

impl Output {
    pub fn stdout(&mut self, text: impl Into<String>) {
        self.push(Channel::Stdout, text.into());
    }

    pub fn stderr(&mut self, text: impl Into<String>) {
        self.push(Channel::Stderr, text.into());
    }

    fn push(&mut self, channel: Channel, text: String) {
        if text.is_empty() {
            return;
        }
        if let Some((last_channel, last_text)) = self.pieces.last_mut() {
            if *last_channel == channel {
                last_text.push_str(&text);
                return;
            }
        }
        self.pieces.push((channel, text));
    }

    /// Appends another output's pieces (and touched files) after this one's.
    pub fn append(&mut self, other: Output) {
        for (channel, text) in other.pieces {
            self.push(channel, text);
        }
        self.touched_files.extend(other.touched_files);
        self.executed_sql.extend(other.executed_sql);
    }

    /// Everything written to stdout.
    pub fn stdout_text(&self) -> String {
        self.channel_text(Channel::Stdout)
    }

    /// Everything written to stderr.
    pub fn stderr_text(&self) -> String {
        self.channel_text(Channel::Stderr)
    }

    fn channel_text(&self, channel: Channel) -> String {
        self.pieces
            .iter()
            .filter(|(piece_channel, _)| *piece_channel == channel)
            .map(|(_, text)| text.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_merges_neighbours() {
        let mut output = Output::default();
        output.stderr("a\n");
        output.stderr("b\n");
        output.stdout("c\n");
        output.stderr("");
        output.stderr("d\n");
        assert_eq!(output.pieces.len(), 3);
        assert_eq!(output.stderr_text(), "a\nb\nd\n");
        assert_eq!(output.stdout_text(), "c\n");
    }
}
