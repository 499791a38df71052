//! The standard-library pieces migrations use beside `json` (json.rs), `logging`, `os` and
//! `typing` (env.rs, names.rs): `datetime` (`datetime`, `date`, `timedelta`, `timezone.utc`),
//! `uuid` (`uuid4`, `UUID`), `decimal.Decimal`, `re` (`compile`, `match`, `search`,
//! `fullmatch`, `sub`, with `IGNORECASE` / `DOTALL`), `textwrap.dedent` and
//! `functools.partial`; another function of these modules is a clear error.
//!
//! The time `datetime.now()` reads is the command's clock (injected: `MigrationContext::now`),
//! and `uuid4()` draws from a generator seeded by it, so tests are deterministic. Patterns
//! run on the crate's own regular-expression engine (`ops::regex`); one outside its subset
//! (backreferences, named groups, `re.MULTILINE`, verbose mode) is a clear error.

use crate::host::CreateDate;
use crate::ops::regex::Regex;
use crate::ops::sqltext::py_repr_str;
use crate::python::Span;

use super::args::{Arg, Call, KwArg};
use super::eval::Evaluator;
use super::value::Value;
use super::ExecError;

type EvalResult<T> = Result<T, ExecError>;

const MICROS_PER_DAY: i64 = 86_400_000_000;
const IGNORECASE: i64 = 2;
const MULTILINE: i64 = 8;
const DOTALL: i64 = 16;
const VERBOSE: i64 = 64;

/// A standard-library object.
#[derive(Debug, Clone)]
#[cfg_attr(test, derive(PartialEq))]
pub(super) enum Library {
    /// `functools.partial(func, *args, **keywords)`
    Partial(Value, Vec<Value>, Vec<(String, Value)>),
    /// `re.compile(pattern, flags)`
    Pattern(String, i64),
    /// a match: the searched text (as chars) and each group's span
    Match(Vec<char>, Vec<Option<(usize, usize)>>),
    Uuid(u128),
    /// microseconds since 1970-01-01 of the civil time it shows; whether it is aware (UTC)
    DateTime(i64, bool),
    /// days since 1970-01-01
    Date(i64),
    /// microseconds
    TimeDelta(i64),
    /// `decimal.Decimal(...)`, as written
    Decimal(String),
}

/// The library callables this module runs.
const CALLABLES: &[&str] = &[
    "functools.partial",
    "textwrap.dedent",
    "uuid.uuid4",
    "uuid.UUID",
    "decimal.Decimal",
    "datetime.datetime",
    "datetime.datetime.now",
    "datetime.datetime.utcnow",
    "datetime.datetime.today",
    "datetime.date",
    "datetime.date.today",
    "datetime.timedelta",
    "re.compile",
    "re.match",
    "re.search",
    "re.fullmatch",
    "re.sub",
];

/// Whether `name` (a library value's dotted name) is a callable this module runs.
#[inline(never)]
pub(super) fn handles(name: &str) -> bool {
    CALLABLES.contains(&name)
}

/// A constant of a library module (`re.IGNORECASE`).
pub(super) fn constant(name: &str, attr: &str) -> Option<Value> {
    let flag = match (name, attr) {
        ("re", "I" | "IGNORECASE") => IGNORECASE,
        ("re", "M" | "MULTILINE") => MULTILINE,
        ("re", "S" | "DOTALL") => DOTALL,
        ("re", "X" | "VERBOSE") => VERBOSE,
        _ => return None,
    };
    Some(Value::Int(flag))
}

/// Python's name of a library object's type, as `AttributeError` prints it.
pub(super) fn type_name(library: &Library) -> &'static str {
    match library {
        Library::Partial(..) => "functools.partial",
        Library::Pattern(..) => "re.Pattern",
        Library::Match(..) => "re.Match",
        Library::Uuid(_) => "UUID",
        Library::DateTime(..) => "datetime.datetime",
        Library::Date(_) => "datetime.date",
        Library::TimeDelta(_) => "datetime.timedelta",
        Library::Decimal(_) => "decimal.Decimal",
    }
}

fn object(library: Library) -> Value {
    Value::Library(Box::new(library))
}

/// Positional argument `at`, else keyword `name`.
fn argument<'v>(
    args: &'v [Arg],
    keywords: &'v [KwArg],
    at: usize,
    name: &str,
) -> Option<&'v Value> {
    args.get(at)
        .map(|arg| &arg.value)
        .or_else(|| keywords.iter().find(|k| k.name == name).map(|k| &k.value))
}

fn int_argument(args: &[Arg], keywords: &[KwArg], at: usize, name: &str) -> Option<i64> {
    match argument(args, keywords, at, name) {
        Some(Value::Int(i)) => Some(*i),
        Some(Value::Float(f)) => Some(*f as i64),
        _ => None,
    }
}

fn str_argument(
    ev: &Evaluator,
    args: &[Arg],
    keywords: &[KwArg],
    at: usize,
    name: &str,
    span: Span,
) -> EvalResult<String> {
    match argument(args, keywords, at, name) {
        Some(Value::Str(s)) => Ok(s.clone()),
        Some(other) => Err(ev.python(
            span,
            "TypeError",
            format!("expected string, got {}", other.kind_name()),
        )),
        None => Err(ev.python(
            span,
            "TypeError",
            format!("missing required argument '{name}' (pos {})", at + 1),
        )),
    }
}

/// Calls one of the names [`handles`] accepts.
pub(super) fn call(ev: &mut Evaluator, call: Call<'_>) -> EvalResult<Value> {
    let (name, args, keywords, span) = call.parts();
    let (module, function) = name.rsplit_once('.').unwrap_or(("", name));
    match (module, function) {
        ("functools", "partial") => {
            let mut positional = args.into_iter().map(|arg| arg.value);
            let Some(func) = positional.next() else {
                return Err(ev.python(
                    span,
                    "TypeError",
                    "type 'partial' takes at least one argument",
                ));
            };
            let bound = keywords.into_iter().map(|k| (k.name, k.value)).collect();
            Ok(object(Library::Partial(func, positional.collect(), bound)))
        }
        ("textwrap", "dedent") => {
            let text = str_argument(ev, &args, &keywords, 0, "text", span)?;
            Ok(Value::Str(dedent(&text)))
        }
        ("uuid", "uuid4") => Ok(object(Library::Uuid(ev.new_uuid()))),
        ("uuid", "UUID") => {
            let text = str_argument(ev, &args, &keywords, 0, "hex", span)?;
            parse_uuid(&text)
                .map(|uuid| object(Library::Uuid(uuid)))
                .ok_or_else(|| {
                    ev.python(span, "ValueError", "badly formed hexadecimal UUID string")
                })
        }
        ("decimal", "Decimal") => match args.first().map(|arg| &arg.value) {
            None => Ok(object(Library::Decimal("0".to_string()))),
            Some(Value::Str(s)) if s.trim().parse::<f64>().is_ok() => {
                Ok(object(Library::Decimal(s.trim().to_string())))
            }
            Some(Value::Int(i)) => Ok(object(Library::Decimal(i.to_string()))),
            Some(other) => Err(ev.unsupported(
                span,
                format!(
                    "the playground makes a Decimal of a number or a numeric string only, not {}",
                    other.kind_name()
                ),
            )),
        },
        ("datetime.datetime", "now" | "today" | "utcnow") => {
            let now = ev.now();
            let aware = matches!(
                argument(&args, &keywords, 0, "tz"),
                Some(Value::Foreign(tz)) if tz == "datetime.timezone.utc"
            );
            let micros = if function == "utcnow" || aware {
                now.epoch * 1_000_000 + i64::from(now.microsecond)
            } else {
                civil_micros(&now)
            };
            Ok(object(Library::DateTime(micros, aware)))
        }
        ("datetime", "datetime") => {
            let part = |at: usize, name: &str, default: i64| {
                int_argument(&args, &keywords, at, name).unwrap_or(default)
            };
            let (year, month, day) = (part(0, "year", 0), part(1, "month", 0), part(2, "day", 0));
            let time = [
                part(3, "hour", 0),
                part(4, "minute", 0),
                part(5, "second", 0),
            ];
            let microsecond = part(6, "microsecond", 0);
            let days = checked_days(year, month, day)
                .filter(|_| {
                    time[0] < 24
                        && time[1] < 60
                        && time[2] < 60
                        && (0..1_000_000).contains(&microsecond)
                })
                .ok_or_else(|| ev.python(span, "ValueError", "day is out of range for month"))?;
            let seconds = time[0] * 3600 + time[1] * 60 + time[2];
            let aware = matches!(
                argument(&args, &keywords, 7, "tzinfo"),
                Some(Value::Foreign(tz)) if tz == "datetime.timezone.utc"
            );
            Ok(object(Library::DateTime(
                days * MICROS_PER_DAY + seconds * 1_000_000 + microsecond,
                aware,
            )))
        }
        ("datetime.date", "today") => Ok(object(Library::Date(
            civil_micros(&ev.now()).div_euclid(MICROS_PER_DAY),
        ))),
        ("datetime", "date") => {
            let part =
                |at: usize, name: &str| int_argument(&args, &keywords, at, name).unwrap_or(0);
            checked_days(part(0, "year"), part(1, "month"), part(2, "day"))
                .map(|days| object(Library::Date(days)))
                .ok_or_else(|| ev.python(span, "ValueError", "day is out of range for month"))
        }
        ("datetime", "timedelta") => {
            let units: [(&str, f64); 7] = [
                ("days", 86_400e6),
                ("seconds", 1e6),
                ("microseconds", 1.0),
                ("milliseconds", 1e3),
                ("minutes", 60e6),
                ("hours", 3_600e6),
                ("weeks", 604_800e6),
            ];
            let mut micros = 0.0;
            for (at, (unit, scale)) in units.iter().enumerate() {
                match argument(&args, &keywords, at, unit) {
                    Some(Value::Int(i)) => micros += *i as f64 * scale,
                    Some(Value::Float(f)) => micros += f * scale,
                    _ => {}
                }
            }
            Ok(object(Library::TimeDelta(micros.round() as i64)))
        }
        ("re", "compile") => {
            let pattern = str_argument(ev, &args, &keywords, 0, "pattern", span)?;
            let flags = int_argument(&args, &keywords, 1, "flags").unwrap_or(0);
            compile(ev, &pattern, flags, span)?;
            Ok(object(Library::Pattern(pattern, flags)))
        }
        ("re", operation) => {
            let pattern = str_argument(ev, &args, &keywords, 0, "pattern", span)?;
            let flags_at = if operation == "sub" { 4 } else { 2 };
            let flags = int_argument(&args, &keywords, flags_at, "flags").unwrap_or(0);
            let rest = args.into_iter().skip(1).collect();
            pattern_call(ev, &pattern, flags, operation, rest, keywords, span)
        }
        _ => Err(ev.cannot_run(span, &format!("{name}()"))),
    }
}

/// `<library object>.<attr>`: a data attribute, or a method to call.
pub(super) fn attribute(library: &Library, attr: &str) -> Option<Value> {
    let method = || {
        Some(Value::Method(
            Box::new(object(library.clone())),
            attr.to_string(),
        ))
    };
    match (library, attr) {
        (Library::Uuid(uuid), "hex") => Some(Value::Str(format!("{uuid:032x}"))),
        (Library::Uuid(_), "int") => None,
        (Library::DateTime(micros, _), _) => {
            let civil = CreateDate::from_unix_micros(*micros);
            let field = match attr {
                "year" => i64::from(civil.year),
                "month" => i64::from(civil.month),
                "day" => i64::from(civil.day),
                "hour" => i64::from(civil.hour),
                "minute" => i64::from(civil.minute),
                "second" => i64::from(civil.second),
                "microsecond" => i64::from(civil.microsecond),
                "isoformat" | "date" | "strftime" => return method(),
                _ => return None,
            };
            Some(Value::Int(field))
        }
        (Library::Date(days), _) => {
            let civil = CreateDate::from_unix_micros(days * MICROS_PER_DAY);
            match attr {
                "year" => Some(Value::Int(i64::from(civil.year))),
                "month" => Some(Value::Int(i64::from(civil.month))),
                "day" => Some(Value::Int(i64::from(civil.day))),
                "isoformat" | "strftime" => method(),
                _ => None,
            }
        }
        (Library::TimeDelta(micros), "days") => Some(Value::Int(micros.div_euclid(MICROS_PER_DAY))),
        (Library::TimeDelta(micros), "seconds") => {
            Some(Value::Int(micros.rem_euclid(MICROS_PER_DAY) / 1_000_000))
        }
        (Library::TimeDelta(_), "total_seconds") => method(),
        (Library::Pattern(pattern, _), "pattern") => Some(Value::Str(pattern.clone())),
        (Library::Pattern(..), "match" | "search" | "fullmatch" | "sub") => method(),
        (Library::Match(..), "group" | "groups" | "start" | "end" | "span") => method(),
        _ => None,
    }
}

/// `<library object>.<name>(args...)` for a method [`attribute`] gave.
pub(super) fn method(
    ev: &mut Evaluator,
    library: Library,
    name: &str,
    args: Vec<Arg>,
    keywords: Vec<KwArg>,
    span: Span,
) -> EvalResult<Value> {
    match (library, name) {
        (Library::Pattern(pattern, flags), operation) => {
            pattern_call(ev, &pattern, flags, operation, args, keywords, span)
        }
        (Library::Match(text, spans), _) => match_method(ev, &text, &spans, name, &args, span),
        (Library::DateTime(micros, aware), "isoformat") => {
            let separator = match argument(&args, &keywords, 0, "sep") {
                Some(Value::Str(s)) => s.clone(),
                _ => "T".to_string(),
            };
            Ok(Value::Str(datetime_text(micros, aware, &separator)))
        }
        (Library::DateTime(micros, _), "date") => {
            Ok(object(Library::Date(micros.div_euclid(MICROS_PER_DAY))))
        }
        (Library::DateTime(micros, _), "strftime") => {
            let format = str_argument(ev, &args, &keywords, 0, "format", span)?;
            strftime(ev, micros, &format, span).map(Value::Str)
        }
        (Library::Date(days), "strftime") => {
            let format = str_argument(ev, &args, &keywords, 0, "format", span)?;
            strftime(ev, days * MICROS_PER_DAY, &format, span).map(Value::Str)
        }
        (Library::Date(days), "isoformat") => Ok(Value::Str(date_text(days))),
        (Library::TimeDelta(micros), "total_seconds") => Ok(Value::Float(micros as f64 / 1e6)),
        (_, name) => Err(ev.cannot_run(span, &format!("{name}()"))),
    }
}

/// Calls a library object: a `functools.partial` calls its function with its arguments
/// first, then the call's; nothing else is callable.
#[inline(never)]
pub(super) fn call_object(
    ev: &mut Evaluator,
    library: Library,
    args: Vec<Arg>,
    keywords: Vec<KwArg>,
    span: Span,
) -> EvalResult<Value> {
    let Library::Partial(func, bound, bound_keywords) = library else {
        return Err(ev.python(
            span,
            "TypeError",
            format!("'{}' object is not callable", type_name(&library)),
        ));
    };
    let mut positional: Vec<Arg> = bound.into_iter().map(|value| Arg { value, span }).collect();
    positional.extend(args);
    let mut named: Vec<KwArg> = bound_keywords
        .into_iter()
        .filter(|(name, _)| !keywords.iter().any(|k| &k.name == name))
        .map(|(name, value)| KwArg { name, value, span })
        .collect();
    named.extend(keywords);
    ev.call(func, positional, named, span)
}

/// `str()` of a library object.
pub(super) fn text(library: &Library) -> String {
    match library {
        Library::Uuid(uuid) => {
            let hex = format!("{uuid:032x}");
            format!(
                "{}-{}-{}-{}-{}",
                &hex[..8],
                &hex[8..12],
                &hex[12..16],
                &hex[16..20],
                &hex[20..]
            )
        }
        Library::DateTime(micros, aware) => datetime_text(*micros, *aware, " "),
        Library::Date(days) => date_text(*days),
        Library::TimeDelta(micros) => {
            let days = micros.div_euclid(MICROS_PER_DAY);
            let rest = micros.rem_euclid(MICROS_PER_DAY);
            let (seconds, fraction) = (rest / 1_000_000, rest % 1_000_000);
            let mut out = match days {
                0 => String::new(),
                1 | -1 => format!("{days} day, "),
                _ => format!("{days} days, "),
            };
            out.push_str(&format!(
                "{}:{:02}:{:02}",
                seconds / 3600,
                seconds % 3600 / 60,
                seconds % 60
            ));
            if fraction != 0 {
                out.push_str(&format!(".{fraction:06}"));
            }
            out
        }
        Library::Decimal(digits) => digits.clone(),
        other => repr(other),
    }
}

/// `repr()` of a library object.
pub(super) fn repr(library: &Library) -> String {
    match library {
        Library::Uuid(_) => format!("UUID('{}')", text(library)),
        Library::Decimal(digits) => format!("Decimal('{digits}')"),
        Library::Date(days) => {
            let civil = CreateDate::from_unix_micros(days * MICROS_PER_DAY);
            format!(
                "datetime.date({}, {}, {})",
                civil.year, civil.month, civil.day
            )
        }
        Library::DateTime(micros, aware) => {
            let civil = CreateDate::from_unix_micros(*micros);
            let mut parts = vec![
                i64::from(civil.year),
                i64::from(civil.month),
                i64::from(civil.day),
                i64::from(civil.hour),
                i64::from(civil.minute),
            ];
            if civil.second != 0 || civil.microsecond != 0 {
                parts.push(i64::from(civil.second));
            }
            if civil.microsecond != 0 {
                parts.push(i64::from(civil.microsecond));
            }
            let parts: Vec<String> = parts.iter().map(i64::to_string).collect();
            let tz = if *aware {
                ", tzinfo=datetime.timezone.utc"
            } else {
                ""
            };
            format!("datetime.datetime({}{tz})", parts.join(", "))
        }
        Library::TimeDelta(micros) => format!("datetime.timedelta(microseconds={micros})"),
        Library::Pattern(pattern, _) => format!("re.compile({})", py_repr_str(pattern)),
        Library::Match(text, spans) => {
            let (start, end) = spans.first().copied().flatten().unwrap_or((0, 0));
            let matched: String = text[start..end].iter().collect();
            format!(
                "<re.Match object; span=({start}, {end}), match={}>",
                py_repr_str(&matched)
            )
        }
        Library::Partial(..) => "functools.partial(...)".to_string(),
    }
}

/// How a library object is bound as a statement parameter: sqlite3's default adapters give
/// a datetime or a date as its ISO text with a space; it has none for a UUID or a Decimal.
pub(super) fn literal(library: &Library) -> Option<String> {
    match library {
        Library::DateTime(..) | Library::Date(_) => Some(text(library)),
        _ => None,
    }
}

/// `a <op> b` for datetimes and timedeltas (`None`: not defined for these operands).
pub(super) fn arithmetic(left: &Library, subtract: bool, right: &Library) -> Option<Value> {
    let sign = if subtract { -1 } else { 1 };
    Some(object(match (left, right) {
        (Library::DateTime(a, aware), Library::TimeDelta(b)) => {
            Library::DateTime(a + sign * b, *aware)
        }
        (Library::Date(a), Library::TimeDelta(b)) => {
            Library::Date(a + sign * b.div_euclid(MICROS_PER_DAY))
        }
        (Library::TimeDelta(a), Library::TimeDelta(b)) => Library::TimeDelta(a + sign * b),
        (Library::TimeDelta(a), Library::DateTime(b, aware)) if !subtract => {
            Library::DateTime(a + b, *aware)
        }
        (Library::DateTime(a, x), Library::DateTime(b, y)) if subtract && x == y => {
            Library::TimeDelta(a - b)
        }
        (Library::Date(a), Library::Date(b)) if subtract => {
            Library::TimeDelta((a - b) * MICROS_PER_DAY)
        }
        _ => return None,
    }))
}

/// `a == b` of two library objects: values compare by value (a `Decimal` by its number),
/// a partial, a pattern's match by identity (a copy is never the same object).
pub(super) fn equal(a: &Library, b: &Library) -> bool {
    match (a, b) {
        (Library::Uuid(x), Library::Uuid(y)) => x == y,
        (Library::DateTime(x, p), Library::DateTime(y, q)) => x == y && p == q,
        (Library::Date(x), Library::Date(y)) | (Library::TimeDelta(x), Library::TimeDelta(y)) => {
            x == y
        }
        (Library::Decimal(x), Library::Decimal(y)) => {
            x.parse::<f64>().ok() == y.parse::<f64>().ok()
        }
        (Library::Pattern(x, f), Library::Pattern(y, g)) => x == y && f == g,
        _ => false,
    }
}

/// The order of two comparable library objects.
pub(super) fn ordering(left: &Library, right: &Library) -> Option<std::cmp::Ordering> {
    match (left, right) {
        (Library::DateTime(a, x), Library::DateTime(b, y)) if x == y => Some(a.cmp(b)),
        (Library::Date(a), Library::Date(b)) | (Library::TimeDelta(a), Library::TimeDelta(b)) => {
            Some(a.cmp(b))
        }
        (Library::Uuid(a), Library::Uuid(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

fn civil_micros(date: &CreateDate) -> i64 {
    let days = checked_days(
        i64::from(date.year),
        i64::from(date.month),
        i64::from(date.day),
    )
    .unwrap_or(0);
    let seconds = i64::from(date.hour * 3600 + date.minute * 60 + date.second);
    days * MICROS_PER_DAY + seconds * 1_000_000 + i64::from(date.microsecond)
}

/// Days since 1970-01-01 of a valid civil date (Howard Hinnant's days-from-civil).
fn checked_days(year: i64, month: i64, day: i64) -> Option<i64> {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
        return None;
    }
    if day < 1 || day > month_days[(month - 1) as usize] {
        return None;
    }
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    Some(era * 146_097 + day_of_era - 719_468)
}

fn date_text(days: i64) -> String {
    let civil = CreateDate::from_unix_micros(days * MICROS_PER_DAY);
    format!("{:04}-{:02}-{:02}", civil.year, civil.month, civil.day)
}

fn datetime_text(micros: i64, aware: bool, separator: &str) -> String {
    let civil = CreateDate::from_unix_micros(micros);
    let mut out = format!(
        "{}{separator}{:02}:{:02}:{:02}",
        date_text(micros.div_euclid(MICROS_PER_DAY)),
        civil.hour,
        civil.minute,
        civil.second
    );
    if civil.microsecond != 0 {
        out.push_str(&format!(".{:06}", civil.microsecond));
    }
    if aware {
        out.push_str("+00:00");
    }
    out
}

/// `strftime` for the directives migrations write (`%Y %m %d %H %M %S %f %%`).
fn strftime(ev: &Evaluator, micros: i64, format: &str, span: Span) -> EvalResult<String> {
    let civil = CreateDate::from_unix_micros(micros);
    let mut out = String::new();
    let mut characters = format.chars();
    while let Some(character) = characters.next() {
        if character != '%' {
            out.push(character);
            continue;
        }
        match characters.next() {
            Some('Y') => out.push_str(&format!("{:04}", civil.year)),
            Some('m') => out.push_str(&format!("{:02}", civil.month)),
            Some('d') => out.push_str(&format!("{:02}", civil.day)),
            Some('H') => out.push_str(&format!("{:02}", civil.hour)),
            Some('M') => out.push_str(&format!("{:02}", civil.minute)),
            Some('S') => out.push_str(&format!("{:02}", civil.second)),
            Some('f') => out.push_str(&format!("{:06}", civil.microsecond)),
            Some('%') => out.push('%'),
            other => {
                return Err(ev.unsupported(
                    span,
                    format!(
                        "the playground's strftime supports %Y %m %d %H %M %S %f and %%, not %{}",
                        other.map(String::from).unwrap_or_default()
                    ),
                ))
            }
        }
    }
    Ok(out)
}

/// `uuid.UUID(text)`: 32 hex digits, with or without hyphens and braces, or a `urn:uuid:`.
fn parse_uuid(text: &str) -> Option<u128> {
    let text = text
        .trim()
        .trim_start_matches("urn:")
        .trim_start_matches("uuid:");
    let hex: String = text
        .chars()
        .filter(|c| !matches!(c, '{' | '}' | '-'))
        .collect();
    (hex.len() == 32)
        .then(|| u128::from_str_radix(&hex, 16).ok())
        .flatten()
}

/// A version-4 UUID from 128 random bits.
pub(super) fn uuid_v4(bits: u128) -> u128 {
    (bits & !(0xf << 76) & !(0x3 << 62)) | (0x4 << 76) | (0x2 << 62)
}

/// `textwrap.dedent`: whitespace-only lines become empty, and the margin common to the
/// others is removed.
fn dedent(text: &str) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut margin: Option<&str> = None;
    for line in &lines {
        let content = line.trim_end_matches('\n');
        if content.trim().is_empty() {
            continue;
        }
        let indent = &content[..content
            .bytes()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count()];
        margin = Some(match margin {
            None => indent,
            Some(current) => {
                let common = current
                    .chars()
                    .zip(indent.chars())
                    .take_while(|(a, b)| a == b)
                    .count();
                &current[..common]
            }
        });
    }
    let margin = margin.unwrap_or("");
    lines
        .iter()
        .map(|line| {
            let content = line.trim_end_matches('\n');
            let newline = &line[content.len()..];
            if content.trim().is_empty() {
                newline.to_string()
            } else {
                format!("{}{newline}", &content[margin.len()..])
            }
        })
        .collect()
}

fn compile(ev: &Evaluator, pattern: &str, flags: i64, span: Span) -> EvalResult<Regex> {
    if flags & (MULTILINE | VERBOSE) != 0 {
        return Err(ev.unsupported(
            span,
            "the playground's re supports the flags IGNORECASE and DOTALL only",
        ));
    }
    Regex::new(pattern, flags & IGNORECASE != 0, flags & DOTALL != 0).ok_or_else(|| {
        ev.unsupported(
            span,
            format!(
                "the playground's re cannot run the pattern {} (it supports classes, groups, alternation, quantifiers and anchors; not backreferences, named groups or lookahead)",
                py_repr_str(pattern)
            ),
        )
    })
}

fn found(text: Vec<char>, spans: Vec<Option<(usize, usize)>>) -> Value {
    object(Library::Match(text, spans))
}

/// `match` / `search` / `fullmatch` / `sub` of `pattern` over the arguments
/// after the pattern.
fn pattern_call(
    ev: &mut Evaluator,
    pattern: &str,
    flags: i64,
    operation: &str,
    args: Vec<Arg>,
    keywords: Vec<KwArg>,
    span: Span,
) -> EvalResult<Value> {
    let regex = compile(ev, pattern, flags, span)?;
    let subject_at = usize::from(operation == "sub");
    let subject = str_argument(ev, &args, &keywords, subject_at, "string", span)?;
    let text: Vec<char> = subject.chars().collect();
    let spans = |captures: &crate::ops::regex::Captures| -> Vec<Option<(usize, usize)>> {
        (0..captures.len())
            .map(|group| captures.span(group))
            .collect()
    };
    match operation {
        "match" => Ok(regex
            .match_start(&subject)
            .map_or(Value::None, |captures| found(text, spans(&captures)))),
        "search" => Ok(regex
            .search(&subject)
            .map_or(Value::None, |captures| found(text, spans(&captures)))),
        "fullmatch" => {
            let anchored = Regex::new(
                &format!("(?:{pattern})$"),
                flags & IGNORECASE != 0,
                flags & DOTALL != 0,
            );
            Ok(anchored
                .and_then(|regex| regex.match_start(&subject))
                .filter(|captures| captures.span(0).is_some_and(|(_, end)| end == text.len()))
                .map_or(Value::None, |captures| found(text, spans(&captures))))
        }
        "sub" => {
            let replacement = argument(&args, &keywords, 0, "repl")
                .cloned()
                .unwrap_or(Value::None);
            let count = int_argument(&args, &keywords, 2, "count").unwrap_or(0);
            let mut out = String::new();
            let mut at = 0;
            for (made, captures) in regex.find_iter(&subject).iter().enumerate() {
                if count > 0 && made as i64 >= count {
                    break;
                }
                let groups = spans(captures);
                let (start, end) = groups.first().copied().flatten().unwrap_or((at, at));
                out.extend(&text[at..start]);
                match &replacement {
                    Value::Str(template) => expand(ev, template, &text, &groups, &mut out, span)?,
                    callable => {
                        let matched = found(text.clone(), groups.clone());
                        let value = ev.call(
                            callable.clone(),
                            vec![Arg {
                                value: matched,
                                span,
                            }],
                            Vec::new(),
                            span,
                        )?;
                        match value {
                            Value::Str(s) => out.push_str(&s),
                            other => {
                                return Err(ev.python(
                                    span,
                                    "TypeError",
                                    format!("expected str instance, {} found", other.kind_name()),
                                ))
                            }
                        }
                    }
                }
                at = end;
            }
            out.extend(&text[at..]);
            Ok(Value::Str(out))
        }
        other => Err(ev.cannot_run(span, &format!("re.{other}()"))),
    }
}

/// A `sub` replacement template: `\1`, `\g<1>`, `\\` and the escapes `\n` / `\t`.
fn expand(
    ev: &Evaluator,
    template: &str,
    text: &[char],
    groups: &[Option<(usize, usize)>],
    out: &mut String,
    span: Span,
) -> EvalResult<()> {
    let mut characters = template.chars().peekable();
    while let Some(character) = characters.next() {
        if character != '\\' {
            out.push(character);
            continue;
        }
        let group = match characters.next() {
            Some(digit @ '0'..='9') => digit.to_digit(10).unwrap_or(0) as usize,
            Some('g') => {
                let name: String = characters
                    .by_ref()
                    .skip(1)
                    .take_while(|c| *c != '>')
                    .collect();
                crate::python::parse_int(&name, 10).ok_or_else(|| {
                    ev.unsupported(
                        span,
                        "the playground's re.sub supports numbered groups only",
                    )
                })?
            }
            Some('n') => {
                out.push('\n');
                continue;
            }
            Some('t') => {
                out.push('\t');
                continue;
            }
            Some('\\') => {
                out.push('\\');
                continue;
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
                continue;
            }
            None => return Err(ev.python(span, "re.error", "bad escape (end of pattern)")),
        };
        match groups.get(group) {
            Some(Some((start, end))) => out.extend(&text[*start..*end]),
            Some(None) => {}
            None => {
                return Err(ev.python(span, "re.error", format!("invalid group reference {group}")))
            }
        }
    }
    Ok(())
}

fn match_method(
    ev: &Evaluator,
    text: &[char],
    spans: &[Option<(usize, usize)>],
    name: &str,
    args: &[Arg],
    span: Span,
) -> EvalResult<Value> {
    let group_at = |value: Option<&Value>| -> EvalResult<usize> {
        match value {
            None => Ok(0),
            Some(Value::Int(i)) if *i >= 0 && (*i as usize) < spans.len() => Ok(*i as usize),
            Some(_) => Err(ev.python(span, "IndexError", "no such group")),
        }
    };
    let group_text = |group: usize| -> Value {
        spans[group].map_or(Value::None, |(s, e)| {
            Value::Str(text[s..e].iter().collect())
        })
    };
    let first = args.first().map(|arg| &arg.value);
    match name {
        "group" if args.len() > 1 => {
            let mut items = Vec::new();
            for arg in args {
                items.push(group_text(group_at(Some(&arg.value))?));
            }
            Ok(Value::Tuple(items))
        }
        "group" => Ok(group_text(group_at(first)?)),
        "groups" => Ok(Value::Tuple((1..spans.len()).map(group_text).collect())),
        _ => {
            let (start, end) =
                spans[group_at(first)?].map_or((-1, -1), |(s, e)| (s as i64, e as i64));
            Ok(match name {
                "start" => Value::Int(start),
                "end" => Value::Int(end),
                _ => Value::Tuple(vec![Value::Int(start), Value::Int(end)]),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedent_as_python() {
        // textwrap.dedent("\n    a\n      b\n   \n    c\n") == "\na\n  b\n\nc\n"
        assert_eq!(dedent("\n    a\n      b\n   \n    c\n"), "\na\n  b\n\nc\n");
        assert_eq!(dedent("  x\n\ty\n"), "  x\n\ty\n");
    }

    #[test]
    fn civil_dates_round_trip() {
        for (year, month, day) in [
            (1970, 1, 1),
            (2000, 2, 29),
            (2026, 12, 6),
            (1, 1, 1),
            (9999, 12, 31),
        ] {
            let days = checked_days(year, month, day).unwrap();
            let civil = CreateDate::from_unix_micros(days * MICROS_PER_DAY);
            assert_eq!(
                (
                    i64::from(civil.year),
                    i64::from(civil.month),
                    i64::from(civil.day)
                ),
                (year, month, day)
            );
        }
        assert_eq!(checked_days(2023, 2, 29), None);
        assert_eq!(checked_days(1970, 1, 2), Some(1));
    }

    #[test]
    fn uuids_print_and_parse_as_python() {
        let uuid = parse_uuid("12345678-1234-5678-1234-567812345678").unwrap();
        assert_eq!(
            text(&Library::Uuid(uuid)),
            "12345678-1234-5678-1234-567812345678"
        );
        assert_eq!(
            repr(&Library::Uuid(uuid)),
            "UUID('12345678-1234-5678-1234-567812345678')"
        );
        let v4 = uuid_v4(u128::MAX);
        // version nibble 4, variant bits 10
        assert_eq!(format!("{v4:032x}").chars().nth(12), Some('4'));
        assert_eq!(format!("{v4:032x}").chars().nth(16), Some('b'));
    }

    #[test]
    fn timedeltas_print_as_python() {
        // str(timedelta(days=1, hours=2, microseconds=5)) == '1 day, 2:00:00.000005'
        assert_eq!(
            text(&Library::TimeDelta(MICROS_PER_DAY + 7_200_000_000 + 5)),
            "1 day, 2:00:00.000005"
        );
        // str(timedelta(seconds=-1)) == '-1 day, 23:59:59'
        assert_eq!(text(&Library::TimeDelta(-1_000_000)), "-1 day, 23:59:59");
        assert_eq!(
            text(&Library::TimeDelta(3 * MICROS_PER_DAY)),
            "3 days, 0:00:00"
        );
    }
}
