//! Python's string formatting, as migrations use it: the format-spec mini-language (all of it
//! but the `e` and `g` presentation types, a clear error)
//! (`f"{n:03d}"`, `format(x, ".2f")`, `"{:>8}".format(s)`), `str.format`, and printf-style
//! `"%s-%05.1f" % (a, b)` / `"%(name)s" % mapping`, with CPython's results and error texts.
//!
//! An error is `(exception, message)`; the caller locates it.

use super::value::Value;

pub(super) type FormatError = (&'static str, String);

/// The "exception" of a value the playground cannot format (a limitation, not Python's error).
pub(super) const UNSUPPORTED: &str = "";

fn type_error(message: impl Into<String>) -> FormatError {
    ("TypeError", message.into())
}

fn value_error(message: impl Into<String>) -> FormatError {
    ("ValueError", message.into())
}

use super::json::type_name;

fn cannot_format(value: &Value) -> FormatError {
    (
        UNSUPPORTED,
        format!("the playground cannot format {}", value.kind_name()),
    )
}

fn str_of(value: &Value) -> Result<String, FormatError> {
    value.python_str().ok_or_else(|| cannot_format(value))
}

fn repr_of(value: &Value) -> Result<String, FormatError> {
    value.python_repr().ok_or_else(|| cannot_format(value))
}

/// A parsed format spec: `[[fill]align][sign][#][0][width][,|_][.precision][type]`.
#[derive(Default)]
struct Spec {
    fill: Option<char>,
    align: Option<char>,
    sign: Option<char>,
    alternate: bool,
    zero: bool,
    width: usize,
    grouping: Option<char>,
    precision: Option<usize>,
    kind: Option<char>,
}

fn parse_spec(text: &str) -> Result<Spec, FormatError> {
    let chars: Vec<char> = text.chars().collect();
    let mut spec = Spec::default();
    let mut at = 0;
    let is_align = |c: char| matches!(c, '<' | '>' | '^' | '=');
    if chars.len() >= 2 && is_align(chars[1]) {
        spec.fill = Some(chars[0]);
        spec.align = Some(chars[1]);
        at = 2;
    } else if chars.first().is_some_and(|c| is_align(*c)) {
        spec.align = Some(chars[0]);
        at = 1;
    }
    if let Some(sign @ ('+' | '-' | ' ')) = chars.get(at).copied() {
        spec.sign = Some(sign);
        at += 1;
    }
    if chars.get(at) == Some(&'#') {
        spec.alternate = true;
        at += 1;
    }
    if chars.get(at) == Some(&'0') {
        spec.zero = true;
        at += 1;
    }
    let digits = |at: &mut usize| -> Option<usize> {
        let start = *at;
        while chars.get(*at).is_some_and(char::is_ascii_digit) {
            *at += 1;
        }
        let text: String = chars[start..*at].iter().collect();
        crate::python::parse_int(&text, 10)
    };
    spec.width = digits(&mut at).unwrap_or(0);
    if let Some(grouping @ (',' | '_')) = chars.get(at).copied() {
        spec.grouping = Some(grouping);
        at += 1;
    }
    if chars.get(at) == Some(&'.') {
        at += 1;
        spec.precision =
            Some(digits(&mut at).ok_or_else(|| value_error("Format specifier missing precision"))?);
    }
    if let Some(kind) = chars.get(at) {
        spec.kind = Some(*kind);
        at += 1;
    }
    if at != chars.len() {
        return Err(value_error("Invalid format specifier"));
    }
    Ok(spec)
}

/// `format(value, spec)`.
pub(super) fn format_value(value: &Value, spec_text: &str) -> Result<String, FormatError> {
    if spec_text.is_empty() {
        return str_of(value);
    }
    let spec = parse_spec(spec_text)?;
    let unknown = |kind: char| {
        value_error(format!(
            "Unknown format code '{kind}' for object of type '{}'",
            type_name(value)
        ))
    };
    let (body, numeric) = match value {
        Value::Int(_) | Value::Bool(_) | Value::Float(_)
            if matches!(spec.kind, Some('e' | 'E' | 'g' | 'G'))
                || (spec.kind.is_none() && spec.precision.is_some()) =>
        {
            return Err((
                UNSUPPORTED,
                "the playground formats numbers with d, x, o, b, c, f and %; not e or g (nor a precision without a type)".to_string(),
            ))
        }
        Value::Int(_) | Value::Bool(_) if !matches!(spec.kind, Some('f' | 'F' | '%')) => {
            let number = match value {
                Value::Int(i) => *i,
                Value::Bool(b) => i64::from(*b),
                _ => 0,
            };
            if spec.precision.is_some() {
                return Err(value_error(
                    "Precision not allowed in integer format specifier",
                ));
            }
            let digits = match spec.kind {
                None | Some('d' | 'n') => number.unsigned_abs().to_string(),
                Some('x') => format!("{:x}", number.unsigned_abs()),
                Some('X') => format!("{:X}", number.unsigned_abs()),
                Some('o') => format!("{:o}", number.unsigned_abs()),
                Some('b') => format!("{:b}", number.unsigned_abs()),
                Some('c') => {
                    return char::from_u32(number as u32)
                        .map(|c| pad(&spec, c.to_string(), false))
                        .ok_or_else(|| value_error("%c arg not in range(0x110000)"))
                }
                Some(kind) => return Err(unknown(kind)),
            };
            let prefix = match (spec.alternate, spec.kind) {
                (true, Some('x')) => "0x",
                (true, Some('X')) => "0X",
                (true, Some('o')) => "0o",
                (true, Some('b')) => "0b",
                _ => "",
            };
            let digits = group(&digits, spec.grouping);
            (signed(number < 0, &spec, format!("{prefix}{digits}")), true)
        }
        Value::Int(_) | Value::Bool(_) | Value::Float(_) => {
            let number = match value {
                Value::Int(i) => *i as f64,
                Value::Bool(b) => f64::from(u8::from(*b)),
                Value::Float(f) => *f,
                _ => 0.0,
            };
            let text = match spec.kind {
                Some(kind @ ('f' | 'F' | '%')) => {
                    float_text(number.abs(), kind, spec.precision.unwrap_or(6))
                }
                None => repr_of(&Value::Float(number.abs()))?,
                Some(kind) => return Err(unknown(kind)),
            };
            let (whole, rest) =
                text.split_at(text.find(['.', 'e', 'E', '%']).unwrap_or(text.len()));
            let text = format!("{}{rest}", group(whole, spec.grouping));
            (
                signed(number.is_sign_negative() && number != 0.0, &spec, text),
                true,
            )
        }
        _ => {
            if matches!(spec.kind, Some(kind) if kind != 's') {
                return Err(unknown(spec.kind.unwrap_or('s')));
            }
            if spec.sign.is_some() {
                return Err(value_error("Sign not allowed in string format specifier"));
            }
            let mut text = str_of(value)?;
            if let Some(precision) = spec.precision {
                text = text.chars().take(precision).collect();
            }
            (text, false)
        }
    };
    Ok(pad(&spec, body, numeric))
}

fn signed(negative: bool, spec: &Spec, text: String) -> String {
    let sign = match (negative, spec.sign) {
        (true, _) => "-",
        (false, Some('+')) => "+",
        (false, Some(' ')) => " ",
        _ => "",
    };
    format!("{sign}{text}")
}

/// Thousands separators in a run of digits.
fn group(digits: &str, separator: Option<char>) -> String {
    let Some(separator) = separator else {
        return digits.to_string();
    };
    let mut out = String::new();
    for (at, digit) in digits.chars().enumerate() {
        if at > 0 && (digits.len() - at) % 3 == 0 {
            out.push(separator);
        }
        out.push(digit);
    }
    out
}

/// Width, fill and alignment (numbers right-aligned, `0` padding after the sign).
fn pad(spec: &Spec, text: String, numeric: bool) -> String {
    let length = text.chars().count();
    if length >= spec.width {
        return text;
    }
    let missing = spec.width - length;
    let (fill, align) = match (spec.fill, spec.align) {
        (fill, Some(align)) => (fill.unwrap_or(if spec.zero { '0' } else { ' ' }), align),
        (_, None) if spec.zero && numeric => ('0', '='),
        (_, None) => (' ', if numeric { '>' } else { '<' }),
    };
    let filler = |count: usize| fill.to_string().repeat(count);
    match align {
        '<' => format!("{text}{}", filler(missing)),
        '^' => format!(
            "{}{text}{}",
            filler(missing / 2),
            filler(missing - missing / 2)
        ),
        '=' => {
            let sign_length = text
                .find(|c: char| !matches!(c, '+' | '-' | ' '))
                .unwrap_or(0);
            let prefix_length = if text[sign_length..].starts_with("0x")
                || text[sign_length..].starts_with("0X")
                || text[sign_length..].starts_with("0o")
                || text[sign_length..].starts_with("0b")
            {
                sign_length + 2
            } else {
                sign_length
            };
            format!(
                "{}{}{}",
                &text[..prefix_length],
                filler(missing),
                &text[prefix_length..]
            )
        }
        _ => format!("{}{text}", filler(missing)),
    }
}

/// A non-negative float in one of the presentation types `f F %`.
fn float_text(number: f64, kind: char, precision: usize) -> String {
    if number.is_nan() {
        return if kind == 'F' { "NAN" } else { "nan" }.to_string();
    }
    if number.is_infinite() {
        return if kind == 'F' { "INF" } else { "inf" }.to_string();
    }
    match kind {
        '%' => format!("{:.precision$}%", number * 100.0),
        _ => format!("{number:.precision$}"),
    }
}

/// `template % args`.
pub(super) fn percent(template: &str, args: &Value) -> Result<String, FormatError> {
    let items: Vec<Value> = match args {
        Value::Tuple(items) => items.clone(),
        other => vec![other.clone()],
    };
    let mapping = match args {
        Value::Dict(pairs) => Some(pairs),
        _ => None,
    };
    let mut next = 0;
    let mut used_mapping = false;
    let mut out = String::new();
    let chars: Vec<char> = template.chars().collect();
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        at += 1;
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut value = None;
        if chars.get(at) == Some(&'(') {
            let close = chars[at..]
                .iter()
                .position(|c| *c == ')')
                .ok_or_else(|| value_error("incomplete format key"))?;
            let key: String = chars[at + 1..at + close].iter().collect();
            at += close + 1;
            let Some(pairs) = mapping else {
                return Err(type_error("format requires a mapping"));
            };
            used_mapping = true;
            let found = pairs
                .iter()
                .find(|(k, _)| matches!(k, Value::Str(s) if *s == key))
                .map(|(_, v)| v.clone());
            value = Some(found.ok_or_else(|| ("KeyError", format!("'{key}'")))?);
        }
        let mut spec = String::new();
        while let Some(flag @ ('-' | '+' | ' ' | '#' | '0')) = chars.get(at).copied() {
            spec.push(flag);
            at += 1;
        }
        while let Some(c) = chars.get(at).filter(|c| c.is_ascii_digit() || **c == '.') {
            spec.push(*c);
            at += 1;
        }
        let Some(&conversion) = chars.get(at) else {
            return Err(value_error("incomplete format"));
        };
        at += 1;
        if conversion == '%' {
            out.push('%');
            continue;
        }
        let mut take = || -> Result<Value, FormatError> {
            if let Some(value) = value.take() {
                return Ok(value);
            }
            if mapping.is_some() && items.len() == 1 {
                used_mapping = true;
                return Ok(items[0].clone());
            }
            let value = items
                .get(next)
                .cloned()
                .ok_or_else(|| type_error("not enough arguments for format string"))?;
            next += 1;
            Ok(value)
        };
        // printf flags as format-spec: '-' is left alignment
        let (left, spec) = match spec.strip_prefix('-') {
            Some(rest) => (true, rest.replace('-', "")),
            None => (false, spec.replace('-', "")),
        };
        let align = if left { "<" } else { "" };
        let text = match conversion {
            's' | 'r' | 'a' => {
                let value = take()?;
                let text = if conversion == 's' {
                    str_of(&value)?
                } else {
                    repr_of(&value)?
                };
                let width: String = spec
                    .chars()
                    .filter(|c| c.is_ascii_digit() || *c == '.')
                    .collect();
                let width = if width.starts_with('0') {
                    width.trim_start_matches('0').to_string()
                } else {
                    width
                };
                format_value(
                    &Value::Str(text),
                    &format!("{}{width}", if left { "<" } else { ">" }),
                )?
            }
            'd' | 'i' | 'u' | 'x' | 'X' | 'o' | 'e' | 'E' | 'f' | 'F' | 'g' | 'G' | 'c' => {
                let value = take()?;
                let value = match (&value, conversion) {
                    (Value::Float(f), 'd' | 'i' | 'u') => Value::Int(f.trunc() as i64),
                    (Value::Int(_) | Value::Bool(_) | Value::Float(_), _) => value,
                    (Value::Str(s), 'c') if s.chars().count() == 1 => Value::Str(s.clone()),
                    (other, 'd' | 'i' | 'u' | 'e' | 'E' | 'f' | 'F' | 'g' | 'G') => {
                        return Err(type_error(format!(
                            "%{conversion} format: a real number is required, not {}",
                            type_name(other)
                        )))
                    }
                    (other, _) => {
                        return Err(type_error(format!(
                            "%{conversion} format: an integer is required, not {}",
                            type_name(other)
                        )))
                    }
                };
                if let Value::Str(s) = value {
                    s
                } else {
                    let kind = if matches!(conversion, 'i' | 'u') {
                        'd'
                    } else {
                        conversion
                    };
                    format_value(&value, &format!("{align}{spec}{kind}"))?
                }
            }
            other => {
                return Err(value_error(format!(
                    "unsupported format character '{other}' (0x{:x}) at index {}",
                    other as u32,
                    at - 1
                )))
            }
        };
        out.push_str(&text);
    }
    if mapping.is_none() && next < items.len() && !used_mapping {
        return Err(type_error(
            "not all arguments converted during string formatting",
        ));
    }
    Ok(out)
}

/// `template.format(*args, **kwargs)`: `{}`, `{0}`, `{name}`, `!r` / `!s`, format specs,
/// `{{` and `}}`.
pub(super) fn str_format(
    template: &str,
    args: &[Value],
    kwargs: &[(String, Value)],
) -> Result<String, FormatError> {
    let mut out = String::new();
    let mut chars = template.chars().peekable();
    let mut automatic = 0;
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                out.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                out.push('}');
            }
            '}' => return Err(value_error("Single '}' encountered in format string")),
            '{' => {
                let mut field = String::new();
                loop {
                    match chars.next() {
                        Some('}') => break,
                        Some(c) => field.push(c),
                        None => return Err(value_error("expected '}' before end of string")),
                    }
                }
                let (name, spec) = field.split_once(':').unwrap_or((&field, ""));
                let (name, conversion) = match name.split_once('!') {
                    Some((name, conversion)) => (name, Some(conversion)),
                    None => (name, None),
                };
                let value = if name.is_empty() {
                    automatic += 1;
                    args.get(automatic - 1).ok_or_else(|| {
                        (
                            "IndexError",
                            format!(
                                "Replacement index {} out of range for positional args tuple",
                                automatic - 1
                            ),
                        )
                    })?
                } else if let Some(index) = crate::python::parse_int::<usize>(name, 10) {
                    args.get(index).ok_or_else(|| {
                        (
                            "IndexError",
                            format!(
                                "Replacement index {index} out of range for positional args tuple"
                            ),
                        )
                    })?
                } else {
                    &kwargs
                        .iter()
                        .find(|(key, _)| key == name)
                        .ok_or_else(|| ("KeyError", format!("'{name}'")))?
                        .1
                };
                let value = match conversion {
                    None | Some("s") => value.clone(),
                    Some("r" | "a") => Value::Str(repr_of(value)?),
                    Some(other) => {
                        return Err(value_error(format!("Unknown conversion specifier {other}")))
                    }
                };
                out.push_str(&format_value(&value, spec)?);
            }
            other => out.push(other),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Value {
        Value::Str(text.to_string())
    }

    #[test]
    fn format_specs_as_python() {
        // each expected value is CPython 3.11's format(value, spec)
        let cases: &[(Value, &str, &str)] = &[
            (Value::Int(42), "05d", "00042"),
            (Value::Int(-42), "05d", "-0042"),
            (Value::Int(255), "#x", "0xff"),
            (Value::Int(1234567), ",", "1,234,567"),
            (Value::Int(7), ">4", "   7"),
            (Value::Int(7), "<4", "7   "),
            (Value::Int(7), "^5", "  7  "),
            (Value::Int(7), "+d", "+7"),
            (Value::Float(3.14159), ".2f", "3.14"),
            (Value::Float(3.14159), "8.3f", "   3.142"),
            (Value::Float(-0.5), ".0f", "-0"),
            (Value::Float(0.25), ".1%", "25.0%"),
            (Value::Float(2.5), "", "2.5"),
            (Value::Int(3), ".2f", "3.00"),
            (s("ab"), ">5", "   ab"),
            (s("ab"), "*^6", "**ab**"),
            (s("abcdef"), ".3", "abc"),
        ];
        for (value, spec, expected) in cases {
            assert_eq!(format_value(value, spec).unwrap(), *expected, "{spec}");
        }
        assert_eq!(
            format_value(&s("x"), "d").unwrap_err().1,
            "Unknown format code 'd' for object of type 'str'"
        );
    }

    #[test]
    fn percent_formatting_as_python() {
        let pair = Value::Tuple(vec![s("ann"), Value::Float(2.5)]);
        assert_eq!(percent("%s has %05.1f%%", &pair).unwrap(), "ann has 002.5%");
        assert_eq!(
            percent(
                "%-5s|%3d|%x",
                &Value::Tuple(vec![s("a"), Value::Int(7), Value::Int(255)])
            )
            .unwrap(),
            "a    |  7|ff"
        );
        assert_eq!(percent("%r", &s("it's")).unwrap(), "\"it's\"");
        let mapping = Value::Dict(vec![(s("name"), s("t")), (s("n"), Value::Int(3))]);
        assert_eq!(percent("%(name)s_%(n)02d", &mapping).unwrap(), "t_03");
        assert_eq!(
            percent("%s %s", &s("one")).unwrap_err().1,
            "not enough arguments for format string"
        );
        assert_eq!(
            percent("%s", &Value::Tuple(vec![s("a"), s("b")]))
                .unwrap_err()
                .1,
            "not all arguments converted during string formatting"
        );
        assert_eq!(
            percent("%d", &s("a")).unwrap_err().1,
            "%d format: a real number is required, not str"
        );
        assert_eq!(
            percent("%q", &s("a")).unwrap_err().1,
            "unsupported format character 'q' (0x71) at index 1"
        );
    }

    #[test]
    fn str_format_as_python() {
        let args = [s("a"), Value::Int(5)];
        let kwargs = [("t".to_string(), s("users"))];
        assert_eq!(
            str_format("{}-{}-{t}", &args, &kwargs).unwrap(),
            "a-5-users"
        );
        assert_eq!(
            str_format("{1:03d}{0!r}{{x}}", &args, &kwargs).unwrap(),
            "005'a'{x}"
        );
        assert_eq!(
            str_format("{2}", &args, &kwargs).unwrap_err().1,
            "Replacement index 2 out of range for positional args tuple"
        );
    }
}
