//! Embed mode: the options a documentation page puts in an `<iframe>`'s address
//! (`?embed&panels=editor,terminal&run=alembic+upgrade+head&file=models.py&readonly&height=420&theme=light`).
//!
//! Owns: parsing and validating those options (untrusted input: unknown values are ignored,
//! sizes are bounded), and writing the `<iframe>` snippet. Does not: render anything.

/// What an embedded playground shows and does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbedOptions {
    /// Panels to show, in order: `files`, `editor`, `terminal`, `graph`, `schema`.
    pub panels: Vec<String>,
    /// The editor cannot change files (commands still run).
    pub read_only: bool,
    /// Terminal lines run on load, in order.
    pub run: Vec<String>,
    /// The file opened in the editor (relative to the project).
    pub file: Option<String>,
    /// Height in pixels (bounded).
    pub height: Option<u32>,
    /// `light` or `dark`.
    pub theme: Option<String>,
    /// The only origins whose messages the embed answers (`origin=https://docs.example.org`,
    /// several separated by commas); empty: any origin, as long as the message comes from the
    /// page that frames the embed.
    pub origins: Vec<String>,
}

impl Default for EmbedOptions {
    /// Editor and terminal, editable, nothing run on load.
    fn default() -> Self {
        EmbedOptions {
            panels: vec!["editor".to_string(), "terminal".to_string()],
            read_only: false,
            run: Vec::new(),
            file: None,
            height: None,
            theme: None,
            origins: Vec::new(),
        }
    }
}

const PANELS: &[&str] = &["files", "editor", "terminal", "graph", "schema", "lessons"];
const MAX_RUN: usize = 50;

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'+' => decoded.push(b' '),
            b'%' if index + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap_or("");
                match crate::python::parse_int::<u8>(hex, 16) {
                    Some(byte) => {
                        decoded.push(byte);
                        index += 2;
                    }
                    None => decoded.push(b'%'),
                }
            }
            byte => decoded.push(byte),
        }
        index += 1;
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

fn percent_encode(text: &str) -> String {
    let mut encoded = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' | b',' => {
                encoded.push(byte as char)
            }
            b' ' => encoded.push('+'),
            other => encoded.push_str(&format!("%{other:02X}")),
        }
    }
    encoded
}

/// Parses a query string (with or without the leading `?`); `None` when `embed` is absent.
/// `https://host[:port]` (or `http://`), as `MessageEvent.origin` spells it.
fn is_origin(text: &str) -> bool {
    let Some(rest) = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))
    else {
        return false;
    };
    !rest.is_empty()
        && rest.len() <= 253
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

pub fn parse(query: &str) -> Option<EmbedOptions> {
    let query = query.strip_prefix('?').unwrap_or(query);
    let pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|part| !part.is_empty())
        .map(|part| match part.split_once('=') {
            Some((key, value)) => (percent_decode(key), percent_decode(value)),
            None => (percent_decode(part), String::new()),
        })
        .collect();
    if !pairs.iter().any(|(key, _)| key == "embed") {
        return None;
    }
    let mut options = EmbedOptions::default();
    for (key, value) in pairs {
        match key.as_str() {
            "panels" => {
                let panels: Vec<String> = value
                    .split(',')
                    .map(str::trim)
                    .filter(|panel| PANELS.contains(panel))
                    .map(str::to_string)
                    .collect();
                if !panels.is_empty() {
                    options.panels = panels;
                }
            }
            "readonly" => options.read_only = value != "0" && value != "false",
            "run" => {
                for line in value
                    .split(';')
                    .map(str::trim)
                    .filter(|line| !line.is_empty())
                {
                    if options.run.len() < MAX_RUN {
                        options.run.push(line.chars().take(2000).collect());
                    }
                }
            }
            "file" if !value.is_empty() && !value.contains("..") => {
                options.file = Some(value.trim_start_matches('/').to_string())
            }
            "height" => {
                options.height = crate::python::parse_int::<u32>(&value, 10)
                    .map(|height| height.clamp(200, 2000))
            }
            "theme" if value == "light" || value == "dark" => options.theme = Some(value),
            // An origin is a scheme and a host (and port), nothing more: anything else would
            // never equal a message's origin, so it is dropped rather than matched loosely.
            "origin" => options.origins.extend(
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|origin| is_origin(origin))
                    .take(16)
                    .map(str::to_string),
            ),
            _ => {}
        }
    }
    Some(options)
}

/// The `<iframe>` snippet that embeds `page_url` (the playground's address, without query)
/// with these options and an optional share-link state.
pub fn snippet(page_url: &str, options: &EmbedOptions, share: Option<&str>) -> String {
    let mut query = format!("embed&panels={}", percent_encode(&options.panels.join(",")));
    if options.read_only {
        query.push_str("&readonly");
    }
    if !options.run.is_empty() {
        query.push_str(&format!("&run={}", percent_encode(&options.run.join(";"))));
    }
    if let Some(file) = &options.file {
        query.push_str(&format!("&file={}", percent_encode(file)));
    }
    if let Some(theme) = &options.theme {
        query.push_str(&format!("&theme={theme}"));
    }
    let height = options.height.unwrap_or(480);
    let hash = share.map(|code| format!("#s={code}")).unwrap_or_default();
    format!(
        "<iframe src=\"{page_url}?{query}{hash}\" width=\"100%\" height=\"{height}\" style=\"border:0\" title=\"Alembic Playground\" loading=\"lazy\"></iframe>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_options_and_ignores_unknown_or_hostile_values() {
        assert!(parse("?panels=editor").is_none());
        assert_eq!(
            parse("?embed&origin=https://docs.example.org,http://127.0.0.1:8000,javascript:alert(1),https://a/b,*").unwrap().origins,
            vec!["https://docs.example.org", "http://127.0.0.1:8000"]
        );
        let options = parse("?embed&panels=terminal,graph,nonsense&run=alembic+revision+-m+%22first%22;alembic+upgrade+head&file=models.py&readonly&height=99999&theme=light").unwrap();
        assert_eq!(options.panels, vec!["terminal", "graph"]);
        assert_eq!(
            parse("?embed&panels=lessons,terminal").unwrap().panels,
            vec!["lessons", "terminal"]
        );
        assert_eq!(
            options.run,
            vec!["alembic revision -m \"first\"", "alembic upgrade head"]
        );
        assert_eq!(options.file.as_deref(), Some("models.py"));
        assert!(options.read_only);
        assert_eq!(options.height, Some(2000));
        assert_eq!(options.theme.as_deref(), Some("light"));
        let defaults = parse("embed&file=../../etc/passwd&theme=<script>&height=x%").unwrap();
        assert_eq!(defaults.panels, vec!["editor", "terminal"]);
        assert!(defaults.file.is_none() && defaults.theme.is_none() && defaults.height.is_none());
        assert!(parse("?embed&run=%").unwrap().run == vec!["%"]);
    }

    #[test]
    fn snippet_round_trips_through_parse() {
        let options =
            parse("?embed&panels=terminal&run=alembic+history;alembic+current&height=300").unwrap();
        let html = snippet("https://example.org/playground/", &options, Some("1.abc"));
        assert!(html.starts_with("<iframe src=\"https://example.org/playground/?embed&panels=terminal&run=alembic+history%3Balembic+current#s=1.abc\""));
        let query = html.split('?').nth(1).unwrap().split('#').next().unwrap();
        assert_eq!(parse(query).unwrap().run, options.run);
    }
}
