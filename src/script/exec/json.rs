//! Python's `json.dumps` and `json.loads` for the values data migrations serialise (dicts,
//! lists, strings, numbers, booleans, `None`), with the standard library's default output:
//! `", "` and `": "` separators, `ensure_ascii` escapes, `NaN` / `Infinity`, `sort_keys=`.

use super::value::Value;

/// Python's name of a value's type (`int`, `Column`), as its error messages print it.
pub(super) fn type_name(value: &Value) -> String {
    match value {
        Value::None => "NoneType".to_string(),
        other => {
            let kind = other.kind_name();
            let bare = kind.strip_prefix("an ").or_else(|| kind.strip_prefix("a "));
            bare.unwrap_or(&kind).to_string()
        }
    }
}

/// `json.dumps(value)`; `Err` names the Python type that is not serialisable.
pub(super) fn dumps(value: &Value, sort_keys: bool, out: &mut String) -> Result<(), String> {
    match value {
        Value::None => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) if f.is_nan() => out.push_str("NaN"),
        Value::Float(f) if f.is_infinite() => {
            out.push_str(if *f > 0.0 { "Infinity" } else { "-Infinity" })
        }
        Value::Float(_) => out.push_str(&value.python_repr().unwrap_or_default()),
        Value::Str(s) => string(s, out),
        Value::List(items) | Value::Tuple(items) => {
            out.push('[');
            for (at, item) in items.iter().enumerate() {
                if at > 0 {
                    out.push_str(", ");
                }
                dumps(item, sort_keys, out)?;
            }
            out.push(']');
        }
        Value::Dict(items) => {
            let mut keyed = Vec::new();
            for (key, item) in items {
                let key = match key {
                    Value::Str(s) => s.clone(),
                    Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::None => {
                        let mut text = String::new();
                        dumps(key, false, &mut text)?;
                        text
                    }
                    other => {
                        return Err(format!(
                            "keys must be str, int, float, bool or None, not {}",
                            type_name(other)
                        ))
                    }
                };
                keyed.push((key, item));
            }
            if sort_keys {
                // an insertion sort: dicts here are small, and a library sort of this element
                // type would add kilobytes to the page
                for end in 1..keyed.len() {
                    let mut at = end;
                    while at > 0 && keyed[at - 1].0 > keyed[at].0 {
                        keyed.swap(at - 1, at);
                        at -= 1;
                    }
                }
            }
            out.push('{');
            for (at, (key, item)) in keyed.into_iter().enumerate() {
                if at > 0 {
                    out.push_str(", ");
                }
                string(&key, out);
                out.push_str(": ");
                dumps(item, sort_keys, out)?;
            }
            out.push('}');
        }
        other => {
            return Err(format!(
                "Object of type {} is not JSON serializable",
                type_name(other)
            ))
        }
    }
    Ok(())
}

fn string(text: &str, out: &mut String) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
}

/// `json.loads(text)`; `Err` is `JSONDecodeError`'s message (`Expecting value: line 1 column
/// 1 (char 0)`).
pub(super) fn loads(text: &str) -> Result<Value, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut parser = Parser {
        chars,
        at: 0,
        depth: 0,
    };
    parser.space();
    let value = parser.value()?;
    parser.space();
    if parser.at < parser.chars.len() {
        return Err(parser.error("Extra data"));
    }
    Ok(value)
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    depth: usize,
}

impl Parser {
    fn error(&self, what: &str) -> String {
        let before = &self.chars[..self.at.min(self.chars.len())];
        let line = before.iter().filter(|c| **c == '\n').count() + 1;
        let column = before.iter().rev().take_while(|c| **c != '\n').count() + 1;
        format!("{what}: line {line} column {column} (char {})", self.at)
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn space(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.at += 1;
        }
    }

    fn word(&mut self, word: &str, value: Value) -> Result<Value, String> {
        let end = self.at + word.chars().count();
        if end <= self.chars.len() && self.chars[self.at..end].iter().copied().eq(word.chars()) {
            self.at = end;
            Ok(value)
        } else {
            Err(self.error("Expecting value"))
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        if self.depth >= 100 {
            return Err(self.error("Nested too deeply"));
        }
        match self.peek() {
            Some('{') => {
                self.depth += 1;
                self.at += 1;
                let mut items = Vec::new();
                self.space();
                if self.peek() == Some('}') {
                    self.at += 1;
                } else {
                    loop {
                        self.space();
                        if self.peek() != Some('"') {
                            return Err(
                                self.error("Expecting property name enclosed in double quotes")
                            );
                        }
                        let key = self.string()?;
                        self.space();
                        if self.peek() != Some(':') {
                            return Err(self.error("Expecting ':' delimiter"));
                        }
                        self.at += 1;
                        self.space();
                        let value = self.value()?;
                        match items
                            .iter_mut()
                            .find(|(k, _)| matches!(k, Value::Str(s) if *s == key))
                        {
                            Some(entry) => entry.1 = value,
                            None => items.push((Value::Str(key), value)),
                        }
                        self.space();
                        match self.peek() {
                            Some(',') => self.at += 1,
                            Some('}') => {
                                self.at += 1;
                                break;
                            }
                            _ => return Err(self.error("Expecting ',' delimiter")),
                        }
                    }
                }
                self.depth -= 1;
                Ok(Value::Dict(items))
            }
            Some('[') => {
                self.depth += 1;
                self.at += 1;
                let mut items = Vec::new();
                self.space();
                if self.peek() == Some(']') {
                    self.at += 1;
                } else {
                    loop {
                        self.space();
                        items.push(self.value()?);
                        self.space();
                        match self.peek() {
                            Some(',') => self.at += 1,
                            Some(']') => {
                                self.at += 1;
                                break;
                            }
                            _ => return Err(self.error("Expecting ',' delimiter")),
                        }
                    }
                }
                self.depth -= 1;
                Ok(Value::List(items))
            }
            Some('"') => self.string().map(Value::Str),
            Some('n') => self.word("null", Value::None),
            Some('t') => self.word("true", Value::Bool(true)),
            Some('f') => self.word("false", Value::Bool(false)),
            Some('N') => self.word("NaN", Value::Float(f64::NAN)),
            Some('I') => self.word("Infinity", Value::Float(f64::INFINITY)),
            Some('-') if self.chars.get(self.at + 1) == Some(&'I') => {
                self.at += 1;
                self.word("Infinity", Value::Float(f64::NEG_INFINITY))
            }
            Some('-' | '0'..='9') => self.number(),
            _ => Err(self.error("Expecting value")),
        }
    }

    fn number(&mut self) -> Result<Value, String> {
        let start = self.at;
        if self.peek() == Some('-') {
            self.at += 1;
        }
        let digits = |p: &mut Parser| {
            let from = p.at;
            while matches!(p.peek(), Some('0'..='9')) {
                p.at += 1;
            }
            p.at > from
        };
        if !digits(self) {
            self.at = start;
            return Err(self.error("Expecting value"));
        }
        let mut float = false;
        if self.peek() == Some('.') && matches!(self.chars.get(self.at + 1), Some('0'..='9')) {
            self.at += 1;
            digits(self);
            float = true;
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            let mark = self.at;
            self.at += 1;
            if matches!(self.peek(), Some('+' | '-')) {
                self.at += 1;
            }
            if digits(self) {
                float = true;
            } else {
                self.at = mark;
            }
        }
        let text: String = self.chars[start..self.at].iter().collect();
        if !float {
            if let Some(i) = crate::python::parse_int::<i64>(&text, 10) {
                return Ok(Value::Int(i));
            }
        }
        text.parse::<f64>()
            .map(Value::Float)
            .map_err(|_| self.error("Expecting value"))
    }

    fn string(&mut self) -> Result<String, String> {
        let start = self.at;
        self.at += 1;
        let mut out = String::new();
        loop {
            match self.peek() {
                None => {
                    self.at = start;
                    return Err(self.error("Unterminated string starting at"));
                }
                Some('"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some('\\') => {
                    self.at += 1;
                    let escaped = match self.peek() {
                        Some('"') => '"',
                        Some('\\') => '\\',
                        Some('/') => '/',
                        Some('b') => '\u{8}',
                        Some('f') => '\u{c}',
                        Some('n') => '\n',
                        Some('r') => '\r',
                        Some('t') => '\t',
                        Some('u') => {
                            let unit = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&unit)
                                && self.chars.get(self.at + 1) == Some(&'\\')
                                && self.chars.get(self.at + 2) == Some(&'u')
                            {
                                let save = self.at;
                                self.at += 2;
                                match self.hex4() {
                                    Ok(low) if (0xDC00..0xE000).contains(&low) => {
                                        0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                                    }
                                    _ => {
                                        self.at = save;
                                        unit
                                    }
                                }
                            } else {
                                unit
                            };
                            char::from_u32(code).unwrap_or('\u{fffd}')
                        }
                        _ => return Err(self.error("Invalid \\escape")),
                    };
                    out.push(escaped);
                    self.at += 1;
                }
                Some(c) if (c as u32) < 0x20 => {
                    return Err(self.error("Invalid control character at"))
                }
                Some(c) => {
                    out.push(c);
                    self.at += 1;
                }
            }
        }
    }

    /// The four hex digits after `\u` (leaves `at` on the last one).
    fn hex4(&mut self) -> Result<u32, String> {
        let digits: String = self.chars.iter().skip(self.at + 1).take(4).collect();
        if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(self.error("Invalid \\uXXXX escape"));
        }
        self.at += 4;
        crate::python::parse_int::<u32>(&digits, 16)
            .ok_or_else(|| self.error("Invalid \\uXXXX escape"))
    }
}

/// `json.dumps(obj, sort_keys=...)` / `json.loads(s)` called from the program.
pub(super) fn call(
    ev: &super::eval::Evaluator,
    call: super::args::Call<'_>,
) -> Result<Value, super::ExecError> {
    let (name, args, keywords, span) = call.parts();
    let function = name.rsplit('.').next().unwrap_or(name);
    let mut sort_keys = false;
    for keyword in &keywords {
        match (function, keyword.name.as_str(), &keyword.value) {
            ("dumps", "sort_keys", value) => sort_keys = value.truthy().unwrap_or(false),
            _ => {
                return Err(ev.unsupported(
                    keyword.span,
                    format!(
                        "the playground runs json.{function}() without '{}='",
                        keyword.name
                    ),
                ))
            }
        }
    }
    let Some(first) = args.into_iter().next().map(|arg| arg.value) else {
        let parameter = if function == "dumps" { "obj" } else { "s" };
        return Err(ev.python(
            span,
            "TypeError",
            format!("{function}() missing 1 required positional argument: '{parameter}'"),
        ));
    };
    if function == "dumps" {
        let mut out = String::new();
        return match dumps(&first, sort_keys, &mut out) {
            Ok(()) => Ok(Value::Str(out)),
            Err(message) => Err(ev.python(span, "TypeError", message)),
        };
    }
    match first {
        Value::Str(text) => {
            loads(&text).map_err(|message| ev.python(span, "json.decoder.JSONDecodeError", message))
        }
        other => Err(ev.python(
            span,
            "TypeError",
            format!(
                "the JSON object must be str, bytes or bytearray, not {}",
                type_name(&other)
            ),
        )),
    }
}
