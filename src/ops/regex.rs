//! A tiny backtracking regular-expression engine, std only.
//!
//! SQLAlchemy's SQLite dialect reads names of constraints out of the stored
//! `CREATE TABLE` text with Python regular expressions; reproducing its
//! reflection faithfully is easiest by running the same patterns.
//! This engine supports exactly the subset those patterns use:
//! literals, `.`, classes (`[a-z0-9_]`, `[^"]`, `\s \S \w \W \d`), anchors
//! `^ $ \b`, capturing and non-capturing groups, alternation, the quantifiers
//! `* + ? {n} {n,m}` (greedy and lazy), negative lookbehind `(?<!...)`, and
//! the flags ignore-case and dot-all.
//! It does not do verbose mode, named groups, backreferences or Unicode
//! case folding beyond `char::to_lowercase`.
//! Patterns are compiled from constants in this crate; a malformed pattern is
//! a programming error reported as `None` from [`Regex::new`], never a panic.

#[derive(Debug, Clone)]
enum ClassItem {
    Range(char, char),
    Space(bool),
    Word(bool),
    Digit(bool),
}

#[derive(Debug, Clone)]
enum Node {
    Char(char),
    Any,
    Class {
        items: Vec<ClassItem>,
        negated: bool,
    },
    Start,
    End,
    WordBoundary,
    Group(Option<usize>, Box<Node>),
    Alt(Vec<Node>),
    Concat(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: usize,
        max: usize,
        greedy: bool,
    },
    NegLookbehind(Box<Node>),
}

/// Recursion limit of one match attempt: the matcher recurses once per
/// matched atom, and a wasm stack is small; an attempt that would go deeper
/// fails instead (only pathological inputs of thousands of characters in a
/// single match are affected).
/// What to match after a node: called with the position the node matched up to.
type Continuation<'k> = &'k mut dyn FnMut(usize, &mut Spans) -> bool;

/// Sets the cell back to the value it had when dropped.
struct Restore<'c>(&'c std::cell::Cell<usize>, usize);

impl Drop for Restore<'_> {
    fn drop(&mut self) {
        self.0.set(self.1);
    }
}

const MAX_DEPTH: usize = 1500;

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Regex {
    root: Node,
    groups: usize,
    ignore_case: bool,
    dot_all: bool,
    depth: std::cell::Cell<usize>,
}

/// The spans of one match: group 0 is the whole match.
#[derive(Debug, Clone)]
pub struct Captures {
    text: Vec<char>,
    spans: Vec<Option<(usize, usize)>>,
}

impl Captures {
    /// The text of group `index`, if it took part in the match.
    pub fn get(&self, index: usize) -> Option<String> {
        let (start, end) = (*self.spans.get(index)?)?;
        Some(self.text.get(start..end)?.iter().collect())
    }

    /// How many groups there are, group 0 included.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Start and end (in chars) of group `index`.
    pub fn span(&self, index: usize) -> Option<(usize, usize)> {
        *self.spans.get(index)?
    }
}

type Spans = Vec<Option<(usize, usize)>>;

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    groups: usize,
    _src: &'a str,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn parse_alt(&mut self) -> Option<Node> {
        let mut alternatives = vec![self.parse_concat()?];
        while self.peek() == Some('|') {
            self.pos += 1;
            alternatives.push(self.parse_concat()?);
        }
        if alternatives.len() == 1 {
            alternatives.pop()
        } else {
            Some(Node::Alt(alternatives))
        }
    }

    fn parse_concat(&mut self) -> Option<Node> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.parse_atom()?;
            let atom = self.parse_quantifier(atom)?;
            items.push(atom);
        }
        Some(Node::Concat(items))
    }

    fn parse_number(&mut self) -> Option<usize> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        let digits: String = self.chars.get(start..self.pos)?.iter().collect();
        crate::python::parse_int(&digits, 10)
    }

    fn parse_quantifier(&mut self, atom: Node) -> Option<Node> {
        let (min, max) = match self.peek() {
            Some('*') => {
                self.pos += 1;
                (0, usize::MAX)
            }
            Some('+') => {
                self.pos += 1;
                (1, usize::MAX)
            }
            Some('?') => {
                self.pos += 1;
                (0, 1)
            }
            Some('{') => {
                self.pos += 1;
                let min = self.parse_number()?;
                let max = if self.peek() == Some(',') {
                    self.pos += 1;
                    if self.peek() == Some('}') {
                        usize::MAX
                    } else {
                        self.parse_number()?
                    }
                } else {
                    min
                };
                if self.peek() != Some('}') {
                    return None;
                }
                self.pos += 1;
                (min, max)
            }
            _ => return Some(atom),
        };
        let greedy = if self.peek() == Some('?') {
            self.pos += 1;
            false
        } else {
            true
        };
        Some(Node::Repeat {
            node: Box::new(atom),
            min,
            max,
            greedy,
        })
    }

    fn parse_escape_class(c: char) -> Option<ClassItem> {
        match c {
            's' => Some(ClassItem::Space(false)),
            'S' => Some(ClassItem::Space(true)),
            'w' => Some(ClassItem::Word(false)),
            'W' => Some(ClassItem::Word(true)),
            'd' => Some(ClassItem::Digit(false)),
            'D' => Some(ClassItem::Digit(true)),
            _ => None,
        }
    }

    fn escaped_char(c: char) -> char {
        match c {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'f' => '\x0c',
            'v' => '\x0b',
            other => other,
        }
    }

    fn parse_atom(&mut self) -> Option<Node> {
        let c = self.peek()?;
        self.pos += 1;
        match c {
            '.' => Some(Node::Any),
            '^' => Some(Node::Start),
            '$' => Some(Node::End),
            '(' => {
                let node = if self.chars.get(self.pos..self.pos + 2) == Some(&['?', ':']) {
                    self.pos += 2;
                    Node::Group(None, Box::new(self.parse_alt()?))
                } else if self.chars.get(self.pos..self.pos + 3) == Some(&['?', '<', '!']) {
                    self.pos += 3;
                    Node::NegLookbehind(Box::new(self.parse_alt()?))
                } else if self.peek() == Some('?') {
                    // named groups, lookahead, inline flags: outside the subset
                    return None;
                } else {
                    self.groups += 1;
                    let index = self.groups;
                    Node::Group(Some(index), Box::new(self.parse_alt()?))
                };
                if self.peek() != Some(')') {
                    return None;
                }
                self.pos += 1;
                Some(node)
            }
            '[' => self.parse_class(),
            '\\' => {
                let e = self.peek()?;
                self.pos += 1;
                if e == 'b' {
                    return Some(Node::WordBoundary);
                }
                // backreferences, \A \Z \B and unknown letters: outside the subset
                if e.is_ascii_alphanumeric() && !"xntrfvsSwWdD".contains(e) {
                    return None;
                }
                if e == 'x' {
                    let hex: String = self.chars.get(self.pos..self.pos + 2)?.iter().collect();
                    self.pos += 2;
                    return Some(Node::Char(char::from_u32(
                        crate::python::parse_int::<u32>(&hex, 16)?,
                    )?));
                }
                match Self::parse_escape_class(e) {
                    Some(item) => Some(Node::Class {
                        items: vec![item],
                        negated: false,
                    }),
                    None => Some(Node::Char(Self::escaped_char(e))),
                }
            }
            // a quantifier with nothing to repeat
            '*' | '+' | '?' => None,
            other => Some(Node::Char(other)),
        }
    }

    fn parse_class(&mut self) -> Option<Node> {
        let mut negated = false;
        if self.peek() == Some('^') {
            negated = true;
            self.pos += 1;
        }
        let mut items = Vec::new();
        let mut first = true;
        loop {
            let c = self.peek()?;
            self.pos += 1;
            if c == ']' && !first {
                break;
            }
            first = false;
            let low = if c == '\\' {
                let e = self.peek()?;
                self.pos += 1;
                if let Some(item) = Self::parse_escape_class(e) {
                    items.push(item);
                    continue;
                }
                Self::escaped_char(e)
            } else {
                c
            };
            if self.peek() == Some('-') && self.chars.get(self.pos + 1).is_some_and(|n| *n != ']') {
                self.pos += 1;
                let mut high = self.peek()?;
                self.pos += 1;
                if high == '\\' {
                    high = Self::escaped_char(self.peek()?);
                    self.pos += 1;
                }
                items.push(ClassItem::Range(low, high));
            } else {
                items.push(ClassItem::Range(low, low));
            }
        }
        Some(Node::Class { items, negated })
    }
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

fn upper(c: char) -> char {
    c.to_uppercase().next().unwrap_or(c)
}

impl Regex {
    /// Compile `pattern`; `None` when the pattern is outside the subset.
    pub fn new(pattern: &str, ignore_case: bool, dot_all: bool) -> Option<Regex> {
        let mut parser = Parser {
            chars: pattern.chars().collect(),
            pos: 0,
            groups: 0,
            _src: pattern,
        };
        let root = parser.parse_alt()?;
        if parser.pos != parser.chars.len() {
            return None;
        }
        Some(Regex {
            root,
            groups: parser.groups,
            ignore_case,
            dot_all,
            depth: std::cell::Cell::new(0),
        })
    }

    /// Python `re.match`: anchored at the start.
    pub fn match_start(&self, text: &str) -> Option<Captures> {
        let chars: Vec<char> = text.chars().collect();
        self.match_at(&chars, 0)
    }

    /// Python `re.search`: the first match anywhere.
    pub fn search(&self, text: &str) -> Option<Captures> {
        let chars: Vec<char> = text.chars().collect();
        (0..=chars.len()).find_map(|start| self.match_at(&chars, start))
    }

    /// Python `re.finditer`: successive non-overlapping matches.
    pub fn find_iter(&self, text: &str) -> Vec<Captures> {
        let chars: Vec<char> = text.chars().collect();
        let mut out = Vec::new();
        let mut start = 0;
        while start <= chars.len() {
            match self.match_at(&chars, start) {
                Some(caps) => {
                    let (s, e) = caps.span(0).unwrap_or((start, start));
                    start = if e == s { e + 1 } else { e };
                    out.push(caps);
                }
                None => start += 1,
            }
        }
        out
    }

    fn match_at(&self, chars: &[char], start: usize) -> Option<Captures> {
        let mut spans: Spans = vec![None; self.groups + 1];
        let mut end = None;
        let matched = self.m(&self.root, chars, start, &mut spans, &mut |p, _| {
            end = Some(p);
            true
        });
        if !matched {
            return None;
        }
        let end = end?;
        if let Some(slot) = spans.get_mut(0) {
            *slot = Some((start, end));
        }
        Some(Captures {
            text: chars.to_vec(),
            spans,
        })
    }

    fn char_eq(&self, a: char, b: char) -> bool {
        a == b || (self.ignore_case && (lower(a) == lower(b) || upper(a) == upper(b)))
    }

    fn class_matches(&self, items: &[ClassItem], negated: bool, c: char) -> bool {
        let hit = items.iter().any(|item| match item {
            ClassItem::Range(lo, hi) => {
                let within = |x: char| *lo <= x && x <= *hi;
                within(c) || (self.ignore_case && (within(lower(c)) || within(upper(c))))
            }
            ClassItem::Space(neg) => c.is_whitespace() != *neg,
            ClassItem::Word(neg) => is_word(c) != *neg,
            ClassItem::Digit(neg) => c.is_ascii_digit() != *neg,
        });
        hit != negated
    }

    fn m(
        &self,
        node: &Node,
        chars: &[char],
        pos: usize,
        spans: &mut Spans,
        k: Continuation<'_>,
    ) -> bool {
        let depth = self.depth.get();
        if depth > MAX_DEPTH {
            return false;
        }
        // one level deeper until this node's match (and all it continues with) returns
        self.depth.set(depth + 1);
        let _restore = Restore(&self.depth, depth);
        match node {
            Node::Char(c) => match chars.get(pos) {
                Some(x) if self.char_eq(*x, *c) => k(pos + 1, spans),
                _ => false,
            },
            Node::Any => match chars.get(pos) {
                Some(x) if self.dot_all || *x != '\n' => k(pos + 1, spans),
                _ => false,
            },
            Node::Class { items, negated } => match chars.get(pos) {
                Some(x) if self.class_matches(items, *negated, *x) => k(pos + 1, spans),
                _ => false,
            },
            Node::Start => pos == 0 && k(pos, spans),
            Node::End => {
                let at_end =
                    pos == chars.len() || (pos + 1 == chars.len() && chars.get(pos) == Some(&'\n'));
                at_end && k(pos, spans)
            }
            Node::WordBoundary => {
                let before = pos > 0 && chars.get(pos - 1).is_some_and(|c| is_word(*c));
                let after = chars.get(pos).is_some_and(|c| is_word(*c));
                before != after && k(pos, spans)
            }
            Node::Group(index, inner) => match index {
                None => self.m(inner, chars, pos, spans, k),
                Some(g) => {
                    let g = *g;
                    self.m(inner, chars, pos, spans, &mut |p, s: &mut Spans| {
                        let old = s.get(g).copied().flatten();
                        if let Some(slot) = s.get_mut(g) {
                            *slot = Some((pos, p));
                        }
                        if k(p, s) {
                            return true;
                        }
                        if let Some(slot) = s.get_mut(g) {
                            *slot = old;
                        }
                        false
                    })
                }
            },
            Node::Alt(alternatives) => alternatives
                .iter()
                .any(|alt| self.m(alt, chars, pos, spans, k)),
            Node::Concat(items) => self.seq(items, chars, pos, spans, k),
            Node::Repeat {
                node,
                min,
                max,
                greedy,
            } => self.rep(node, *min, *max, *greedy, 0, chars, pos, spans, k),
            Node::NegLookbehind(inner) => {
                let found = (0..=pos).any(|start| {
                    let mut scratch = spans.clone();
                    self.m(inner, chars, start, &mut scratch, &mut |p, _| p == pos)
                });
                !found && k(pos, spans)
            }
        }
    }

    fn seq(
        &self,
        items: &[Node],
        chars: &[char],
        pos: usize,
        spans: &mut Spans,
        k: Continuation<'_>,
    ) -> bool {
        match items.split_first() {
            None => k(pos, spans),
            Some((first, rest)) => self.m(first, chars, pos, spans, &mut |p, s: &mut Spans| {
                self.seq(rest, chars, p, s, k)
            }),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn rep(
        &self,
        node: &Node,
        min: usize,
        max: usize,
        greedy: bool,
        count: usize,
        chars: &[char],
        pos: usize,
        spans: &mut Spans,
        k: Continuation<'_>,
    ) -> bool {
        let more = |s: &mut Spans, k: Continuation<'_>| {
            count < max
                && self.m(node, chars, pos, s, &mut |p, s2: &mut Spans| {
                    // an empty iteration cannot make progress
                    if p == pos && count >= min {
                        return false;
                    }
                    self.rep(node, min, max, greedy, count + 1, chars, p, s2, k)
                })
        };
        if greedy {
            if more(spans, k) {
                return true;
            }
            count >= min && k(pos, spans)
        } else {
            if count >= min && k(pos, spans) {
                return true;
            }
            more(spans, k)
        }
    }
}
