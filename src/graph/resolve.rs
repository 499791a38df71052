//! Revision identifier resolution: `RevisionMap.get_revisions`,
//! `get_revision`, `_revision_for_ident`, `filter_for_lineage`, `_walk`
//! and the relative-target parsers `_parse_upgrade_target` /
//! `_parse_downgrade_target`.
//!
//! Owns: the grammar of §3 of the reference (`head`, `heads`, `base`,
//! prefixes, `label@X`, `+N`, `-N`, `X+N`, `label@-N`). Never does: ordering
//! of steps, formatting of CLI messages (see `errors::Catch`).

use super::errors::{GraphError, GraphWarning};
use super::map::{Edge, RevisionMap};
use super::RevSpec;

/// A resolved value the way Alembic passes it around: a revision, Python
/// `None` (base), or the string `"base"` that `_walk` produces when it
/// steps below a root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ref {
    Rev(usize),
    Nil,
    BaseMarker,
}

impl Ref {
    pub(crate) fn from_option(index: Option<usize>) -> Ref {
        match index {
            Some(i) => Ref::Rev(i),
            None => Ref::Nil,
        }
    }
}

/// An element of `filter_for_lineage`'s target list: an id string or an
/// already-resolved revision.
#[derive(Debug, Clone, Copy)]
pub(crate) enum LineageTarget<'s> {
    Id(&'s str),
    Node(usize),
}

/// Where `_walk` starts: a string to resolve with `get_revision`, or a value.
#[derive(Debug, Clone)]
pub(crate) enum WalkStart {
    Str(String),
    Value(Ref),
}

/// A Python `int()` result: sign and magnitude (saturating), plus the
/// canonical decimal text for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PyInt {
    pub negative: bool,
    pub magnitude: u64,
    /// Digits without sign or leading zeros (`"0"` for zero).
    pub digits: String,
}

impl PyInt {
    pub(crate) fn is_zero(&self) -> bool {
        self.digits == "0"
    }

    pub(crate) fn is_negative(&self) -> bool {
        self.negative && !self.is_zero()
    }

    pub(crate) fn is_positive(&self) -> bool {
        !self.negative && !self.is_zero()
    }

    /// `"%s" % int`.
    pub(crate) fn display(&self) -> String {
        if self.is_negative() {
            format!("-{}", self.digits)
        } else {
            self.digits.clone()
        }
    }
}

/// Python `int(text)` for ASCII digits: surrounding whitespace, an optional
/// sign, digits with single underscores between them. (Python also accepts
/// non-ASCII decimal digits; we do not.)
pub(crate) fn python_int(text: &str) -> Option<PyInt> {
    let trimmed = text.trim();
    let (negative, body) = if let Some(rest) = trimmed.strip_prefix('-') {
        (true, rest)
    } else if let Some(rest) = trimmed.strip_prefix('+') {
        (false, rest)
    } else {
        (false, trimmed)
    };
    if body.is_empty() || body.starts_with('_') || body.ends_with('_') || body.contains("__") {
        return None;
    }
    let mut digits = String::new();
    for c in body.chars() {
        if c == '_' {
            continue;
        }
        if !c.is_ascii_digit() {
            return None;
        }
        digits.push(c);
    }
    let stripped = digits.trim_start_matches('0');
    let digits = if stripped.is_empty() {
        "0".to_string()
    } else {
        stripped.to_string()
    };
    let magnitude = digits.parse::<u64>().unwrap_or(u64::MAX);
    Some(PyInt {
        negative,
        magnitude,
        digits,
    })
}

/// A match of `(?:(.+?)@)?(\w+)?((?:\+|-)\d+)` at the start of a string
/// (`re.match`, so trailing text is ignored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RelativeMatch {
    pub branch_label: Option<String>,
    pub symbol: Option<String>,
    /// The signed text, e.g. `+2` or `-01`.
    pub relative: String,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The part after the optional `branch@`: `(\w+)?([+-]\d+)` at byte `start`.
fn match_symbol_and_relative(text: &str, start: usize) -> Option<(Option<String>, String)> {
    let rest = text.get(start..)?;
    let word_len: usize = rest
        .chars()
        .take_while(|&c| is_word_char(c))
        .map(char::len_utf8)
        .sum();
    let after_word = rest.get(word_len..)?;
    let mut chars = after_word.chars();
    let sign = chars.next()?;
    if sign != '+' && sign != '-' {
        return None;
    }
    let digits: String = chars.take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() {
        return None;
    }
    let symbol = if word_len > 0 {
        Some(rest.get(..word_len)?.to_string())
    } else {
        None
    };
    Some((symbol, format!("{sign}{digits}")))
}

/// `_relative_destination.match(text)`.
pub(crate) fn relative_destination(text: &str) -> Option<RelativeMatch> {
    // The lazy `(.+?)@` tries each `@` from the left; `.` stops at newlines.
    for (position, c) in text.char_indices() {
        if c == '\n' {
            break;
        }
        if c == '@' && position > 0 {
            if let Some((symbol, relative)) = match_symbol_and_relative(text, position + 1) {
                return Some(RelativeMatch {
                    branch_label: text.get(..position).map(str::to_string),
                    symbol,
                    relative,
                });
            }
        }
    }
    let (symbol, relative) = match_symbol_and_relative(text, 0)?;
    Some(RelativeMatch {
        branch_label: None,
        symbol,
        relative,
    })
}

fn truthy(value: Option<&str>) -> Option<&str> {
    value.filter(|s| !s.is_empty())
}

impl RevisionMap {
    /// `get_current_head(branch_label)`.
    pub(crate) fn get_current_head(
        &self,
        branch_label: Option<&str>,
    ) -> Result<Option<String>, GraphError> {
        let mut current_heads: Vec<String> = self.ids_of(&self.heads);
        if let Some(label) = truthy(branch_label) {
            let targets: Vec<LineageTarget> =
                current_heads.iter().map(|s| LineageTarget::Id(s)).collect();
            let keep =
                self.filter_for_lineage(&targets, &RevSpec::One(label.to_string()), false)?;
            current_heads = keep
                .into_iter()
                .filter_map(|i| current_heads.get(i).cloned())
                .collect();
        }
        if current_heads.len() > 1 {
            let argument = match truthy(branch_label) {
                Some(label) => format!("{label}@head"),
                None => "head".to_string(),
            };
            return Err(GraphError::MultipleHeads {
                heads: current_heads,
                argument,
            });
        }
        Ok(current_heads.into_iter().next())
    }

    /// `_resolve_revision_number`: symbolic names to id strings, plus the
    /// branch label split off at the first `@`.
    pub(crate) fn resolve_revision_number(
        &self,
        spec: &RevSpec,
    ) -> Result<(Vec<String>, Option<String>), GraphError> {
        match spec {
            RevSpec::Nil => Ok((Vec::new(), None)),
            RevSpec::Many(items) => Ok((items.clone(), None)),
            RevSpec::One(text) => {
                let (branch_label, id) = match text.find('@') {
                    Some(at) => (
                        Some(text.get(..at).unwrap_or_default().to_string()),
                        text.get(at + 1..).unwrap_or_default().to_string(),
                    ),
                    None => (None, text.clone()),
                };
                if id == "heads" {
                    match truthy(branch_label.as_deref()) {
                        Some(label) => {
                            let heads = self.ids_of(&self.heads);
                            let targets: Vec<LineageTarget> =
                                heads.iter().map(|s| LineageTarget::Id(s)).collect();
                            let keep = self.filter_for_lineage(
                                &targets,
                                &RevSpec::One(label.to_string()),
                                false,
                            )?;
                            let filtered = keep
                                .into_iter()
                                .filter_map(|i| heads.get(i).cloned())
                                .collect();
                            Ok((filtered, branch_label))
                        }
                        None => Ok((self.ids_of(&self.real_heads), branch_label)),
                    }
                } else if id == "head" {
                    let head = self.get_current_head(branch_label.as_deref())?;
                    Ok((head.into_iter().collect(), branch_label))
                } else if id == "base" {
                    Ok((Vec::new(), branch_label))
                } else {
                    Ok((vec![id], branch_label))
                }
            }
        }
    }

    /// `get_revisions(id_)`.
    pub(crate) fn get_revisions_ref(&self, spec: &RevSpec) -> Result<Vec<Ref>, GraphError> {
        if let RevSpec::Many(items) = spec {
            let mut out = Vec::new();
            for item in items {
                out.extend(self.get_revisions_ref(&RevSpec::One(item.clone()))?);
            }
            return Ok(out);
        }
        let (resolved, branch_label) = self.resolve_revision_number(spec)?;
        if let [only] = resolved.as_slice() {
            if let Some(steps) = python_int(only) {
                if steps.is_negative() {
                    // `branch@-n`: walk down from the heads.
                    let mut select_heads = self.get_revisions_ref(&RevSpec::one("heads"))?;
                    if let Some(label) = &branch_label {
                        select_heads.retain(|head| match head {
                            Ref::Rev(i) => self.node(*i).branch_labels.contains(label),
                            _ => false,
                        });
                    }
                    let mut out = Vec::new();
                    for head in select_heads {
                        out.push(self.walk(WalkStart::Value(head), &steps, None, true)?);
                    }
                    return Ok(out);
                }
            }
        }
        let mut out = Vec::new();
        for id in &resolved {
            out.push(Ref::from_option(
                self.revision_for_ident(Some(id), branch_label.as_deref())?,
            ));
        }
        Ok(out)
    }

    /// `get_revision(id_)`.
    pub(crate) fn get_revision_ref(&self, spec: &RevSpec) -> Result<Option<usize>, GraphError> {
        let (resolved, branch_label) = self.resolve_revision_number(spec)?;
        if resolved.len() > 1 {
            return Err(GraphError::MultipleHeads {
                heads: resolved,
                argument: spec.py_str(),
            });
        }
        self.revision_for_ident(
            resolved.first().map(String::as_str),
            branch_label.as_deref(),
        )
    }

    /// `_resolve_branch(branch_label)`.
    pub(crate) fn resolve_branch(&self, branch_label: &str) -> Result<usize, GraphError> {
        if let Some(&index) = self.by_key.get(branch_label) {
            return Ok(index);
        }
        match self.revision_for_ident(Some(branch_label), None) {
            Ok(Some(index)) => Ok(index),
            Ok(None) | Err(GraphError::Resolution { .. }) => Err(GraphError::Resolution {
                message: format!("No such branch: '{branch_label}'"),
                argument: branch_label.to_string(),
            }),
            Err(other) => Err(other),
        }
    }

    /// `_revision_for_ident(resolved_id, check_branch)`; `None` stands for
    /// the empty tuple (base).
    pub(crate) fn revision_for_ident(
        &self,
        resolved_id: Option<&str>,
        check_branch: Option<&str>,
    ) -> Result<Option<usize>, GraphError> {
        let branch_rev = match truthy(check_branch) {
            Some(label) => Some(self.resolve_branch(label)?),
            None => None,
        };
        let revision = match resolved_id {
            None => None,
            Some(id) => match self.by_key.get(id) {
                Some(&index) => Some(index),
                None => {
                    // Upstream crash for "": `assert resolved_id`. We report
                    // it like any other unknown identifier.
                    let mut revs: Vec<&str> = self
                        .key_order
                        .iter()
                        .filter(|key| key.chars().count() > 3 && key.starts_with(id))
                        .map(String::as_str)
                        .collect();
                    if let (Some(_), Some(label)) = (branch_rev, truthy(check_branch)) {
                        let targets: Vec<LineageTarget> =
                            revs.iter().map(|s| LineageTarget::Id(s)).collect();
                        let keep = self.filter_for_lineage(
                            &targets,
                            &RevSpec::One(label.to_string()),
                            false,
                        )?;
                        revs = keep
                            .into_iter()
                            .filter_map(|i| revs.get(i).copied())
                            .collect();
                    }
                    match revs.as_slice() {
                        [] => {
                            let hint = if id.chars().count() < 4 {
                                "; please ensure at least four characters are present for partial revision identifier matches"
                            } else {
                                ""
                            };
                            return Err(GraphError::Resolution {
                                message: format!("No such revision or branch '{id}'{hint}"),
                                argument: id.to_string(),
                            });
                        }
                        [only] => self.by_key.get(*only).copied(),
                        many => {
                            let listed: Vec<String> =
                                many.iter().take(3).map(|r| format!("'{r}'")).collect();
                            return Err(GraphError::Resolution {
                                message: format!(
                                    "Multiple revisions start with '{id}': {}...",
                                    listed.join(", ")
                                ),
                                argument: id.to_string(),
                            });
                        }
                    }
                }
            },
        };
        if let (Some(label), Some(revision), Some(branch_rev)) =
            (truthy(check_branch), revision, branch_rev)
        {
            let branch_id = self.id_of(branch_rev).to_string();
            if !self.shares_lineage(
                LineageTarget::Node(revision),
                std::slice::from_ref(&branch_id),
                false,
            )? {
                return Err(GraphError::Resolution {
                    message: format!(
                        "Revision {} is not a member of branch '{label}'",
                        self.id_of(revision)
                    ),
                    argument: resolved_id.unwrap_or_default().to_string(),
                });
            }
        }
        Ok(revision)
    }

    /// `filter_for_lineage(targets, check_against)`: the positions in
    /// `targets` that share lineage with `check_against`.
    pub(crate) fn filter_for_lineage(
        &self,
        targets: &[LineageTarget],
        check_against: &RevSpec,
        include_dependencies: bool,
    ) -> Result<Vec<usize>, GraphError> {
        let (ids, branch_label) = self.resolve_revision_number(check_against)?;
        let mut shares: Vec<String> = Vec::new();
        if let Some(label) = truthy(branch_label.as_deref()) {
            shares.push(label.to_string());
        }
        shares.extend(ids);
        let mut keep = Vec::new();
        for (position, target) in targets.iter().enumerate() {
            if self.shares_lineage(*target, &shares, include_dependencies)? {
                keep.push(position);
            }
        }
        Ok(keep)
    }

    /// `_shares_lineage(target, test_against_revs)`.
    pub(crate) fn shares_lineage(
        &self,
        target: LineageTarget,
        test_against: &[String],
        include_dependencies: bool,
    ) -> Result<bool, GraphError> {
        if test_against.is_empty() {
            return Ok(true);
        }
        let resolved_target = match target {
            LineageTarget::Node(index) => index,
            LineageTarget::Id(id) => match self.revision_for_ident(Some(id), None)? {
                Some(index) => index,
                None => {
                    return Err(GraphError::crash(format!(
                        "revision '{id}' resolved to nothing"
                    )))
                }
            },
        };
        let mut against = Vec::new();
        for id in test_against {
            if let Some(index) = self.revision_for_ident(Some(id), None)? {
                against.push(index);
            }
        }
        let (down, up) = if include_dependencies {
            (Edge::NormalizedDown, Edge::AllNextRev)
        } else {
            (Edge::VersionedDown, Edge::NextRev)
        };
        let descendants = self.reach(&[resolved_target], up);
        let ancestors = self.reach(&[resolved_target], down);
        Ok(against.iter().any(|&i| descendants[i] || ancestors[i]))
    }

    /// `_walk(start, steps, branch_label, no_overwalk)`.
    pub(crate) fn walk(
        &self,
        start: WalkStart,
        steps: &PyInt,
        branch_label: Option<&str>,
        no_overwalk: bool,
    ) -> Result<Ref, GraphError> {
        let mut initial = match start {
            WalkStart::Str(text) => Ref::from_option(self.get_revision_ref(&RevSpec::One(text))?),
            WalkStart::Value(value) => value,
        };
        // Each iteration moves one edge in an acyclic graph or returns, so
        // the loop ends after at most `nodes + 2` rounds whatever `steps` is.
        let rounds = steps.magnitude.min(self.nodes.len() as u64 + 2);
        let stopped = |initial: Ref| if no_overwalk { Ref::Nil } else { initial };
        for _ in 0..rounds {
            let children: Vec<Ref> = if steps.is_positive() {
                let up_ids: Vec<String> = match initial {
                    Ref::BaseMarker => {
                        // Upstream crash: `assert initial != "base"`.
                        return Err(GraphError::crash("cannot walk up from 'base' reached by a relative step; use a revision id or 'base+N'"));
                    }
                    Ref::Nil => self.ids_of(&self.bases),
                    Ref::Rev(i) => self.ids_of(&self.node(i).nextrev),
                };
                let walk_up = self.get_revisions_ref(&RevSpec::Many(up_ids))?;
                match truthy(branch_label) {
                    Some(label) => {
                        let targets: Vec<LineageTarget> = walk_up
                            .iter()
                            .filter_map(|r| match r {
                                Ref::Rev(i) => Some(LineageTarget::Node(*i)),
                                _ => None,
                            })
                            .collect();
                        let keep = self.filter_for_lineage(
                            &targets,
                            &RevSpec::One(label.to_string()),
                            false,
                        )?;
                        keep.into_iter()
                            .filter_map(|p| match targets.get(p) {
                                Some(LineageTarget::Node(i)) => Some(Ref::Rev(*i)),
                                _ => None,
                            })
                            .collect()
                    }
                    None => walk_up,
                }
            } else {
                match initial {
                    Ref::BaseMarker => Vec::new(),
                    Ref::Nil => {
                        let found =
                            self.get_revisions_ref(&RevSpec::Many(self.ids_of(&self.heads)))?;
                        if found.is_empty() {
                            vec![Ref::BaseMarker]
                        } else {
                            found
                        }
                    }
                    Ref::Rev(i) => {
                        let down = &self.node(i).down_revisions;
                        let spec = match down.as_slice() {
                            [] => RevSpec::Nil,
                            [one] => RevSpec::One(one.clone()),
                            many => RevSpec::Many(many.to_vec()),
                        };
                        let found = self.get_revisions_ref(&spec)?;
                        if found.is_empty() {
                            vec![Ref::BaseMarker]
                        } else {
                            found
                        }
                    }
                }
            };
            match children.as_slice() {
                [] => return Ok(stopped(initial)),
                [only] => initial = *only,
                _ => return Err(GraphError::revision("Ambiguous walk")),
            }
        }
        if steps.magnitude > rounds {
            // Only reachable with absurd step counts; the walk would have
            // stopped at a top or bottom already.
            return Ok(stopped(initial));
        }
        Ok(initial)
    }

    /// `_get_all_current(ids)`: the rows, their ancestors (dependencies
    /// included), reduced to branch heads. Alembic returns a set; we use
    /// load order.
    pub(crate) fn get_all_current(&self, ids: &[String]) -> Result<Vec<usize>, GraphError> {
        let mut top: Vec<usize> = Vec::new();
        for r in self.get_revisions_ref(&RevSpec::Many(ids.to_vec()))? {
            match r {
                Ref::Rev(i) => top.push(i),
                _ => {
                    return Err(GraphError::crash(
                        "current revisions contain a non-revision",
                    ))
                }
            }
        }
        let in_set = self.reach(&top, Edge::NormalizedDown);
        // `_filter_into_branch_heads`: drop revisions with a descendant (down
        // revisions only) in the set. The set is closed under ancestors, so
        // checking the direct children is enough (linear instead of
        // quadratic time).
        let out = (0..self.nodes.len())
            .filter(|&i| in_set[i])
            .filter(|&i| !self.node(i).nextrev.iter().any(|&child| in_set[child]))
            .collect();
        Ok(out)
    }

    /// `_parse_downgrade_target(current_revisions, target)`: the branch
    /// label and target of a downgrade.
    pub(crate) fn parse_downgrade_target(
        &self,
        current_revisions: &RevSpec,
        target: &RevSpec,
        assert_relative_length: bool,
        warnings: &mut Vec<GraphWarning>,
    ) -> Result<(Option<String>, Ref), GraphError> {
        let target = match target {
            RevSpec::Nil => return Ok((None, Ref::Nil)),
            RevSpec::One(text) => text.as_str(),
            RevSpec::Many(_) => {
                // Upstream crash: `assert isinstance(target, str)`.
                return Err(GraphError::crash(
                    "downgrade target must be a single revision identifier",
                ));
            }
        };
        if let Some(m) = relative_destination(target) {
            let rel = python_int(&m.relative).unwrap_or(PyInt {
                negative: false,
                magnitude: 0,
                digits: "0".to_string(),
            });
            let mut branch_label = m.branch_label.clone();
            if !rel.is_negative() {
                let symbol = match &m.symbol {
                    None => {
                        return Err(GraphError::revision(format!(
                            "Relative revision {} didn't produce {} migrations",
                            m.relative, rel.digits
                        )))
                    }
                    Some(symbol) => symbol.clone(),
                };
                let rev = self.walk(
                    WalkStart::Str(symbol),
                    &rel,
                    branch_label.as_deref(),
                    assert_relative_length,
                )?;
                if rev == Ref::Nil {
                    return Err(GraphError::revision("Walked too far"));
                }
                return Ok((branch_label, rev));
            }
            let relative_revision = m.symbol.is_none();
            let symbol = match &m.symbol {
                Some(symbol) => symbol.clone(),
                None => {
                    if let Some(label) = truthy(branch_label.as_deref()).map(str::to_string) {
                        let current = current_revisions.to_tuple().unwrap_or_default();
                        let targets: Vec<LineageTarget> =
                            current.iter().map(|s| LineageTarget::Id(s)).collect();
                        let keep =
                            self.filter_for_lineage(&targets, &RevSpec::One(label.clone()), false)?;
                        let mut symbol_list: Vec<String> = keep
                            .into_iter()
                            .filter_map(|i| current.get(i).cloned())
                            .collect();
                        if symbol_list.is_empty() {
                            let all_current = self.get_all_current(&current)?;
                            let targets: Vec<LineageTarget> = all_current
                                .iter()
                                .map(|&i| LineageTarget::Node(i))
                                .collect();
                            let keep = self.filter_for_lineage(
                                &targets,
                                &RevSpec::One(label.clone()),
                                false,
                            )?;
                            symbol_list = keep
                                .into_iter()
                                .filter_map(|p| {
                                    all_current.get(p).map(|&i| self.id_of(i).to_string())
                                })
                                .collect();
                        }
                        match symbol_list.as_slice() {
                            [only] => only.clone(),
                            _ => {
                                // Upstream crash: `assert len(symbol_list) == 1`.
                                return Err(GraphError::crash(format!(
                                    "'{target}' does not pick exactly one current revision on branch '{label}'"
                                )));
                            }
                        }
                    } else {
                        let current = current_revisions.to_tuple().unwrap_or_default();
                        let first = match current.first() {
                            None => {
                                return Err(GraphError::revision(format!(
                                    "Relative revision {} didn't produce {} migrations",
                                    m.relative, rel.digits
                                )))
                            }
                            Some(first) => first.clone(),
                        };
                        if current.iter().any(|c| *c != first) {
                            warnings.push(GraphWarning::AmbiguousRelativeDowngrade);
                        }
                        branch_label = Some(first.clone());
                        first
                    }
                }
            };
            let start = match &branch_label {
                None => self.get_revision_ref(&RevSpec::One(symbol))?,
                Some(label) => self.get_revision_ref(&RevSpec::One(format!("{label}@{symbol}")))?,
            };
            let rev = self.walk(
                WalkStart::Value(Ref::from_option(start)),
                &rel,
                None,
                assert_relative_length,
            )?;
            if rev == Ref::Nil {
                if relative_revision {
                    return Err(GraphError::revision(format!(
                        "Relative revision {} didn't produce {} migrations",
                        m.relative, rel.digits
                    )));
                }
                return Err(GraphError::revision("Walked too far"));
            }
            return Ok((branch_label, rev));
        }
        // Absolute: `target.rpartition("@")`.
        let (branch_label, symbol) = match target.rfind('@') {
            Some(at) => (
                target.get(..at).unwrap_or_default().to_string(),
                target.get(at + 1..).unwrap_or_default().to_string(),
            ),
            None => (String::new(), target.to_string()),
        };
        let branch_label = if branch_label.is_empty() {
            None
        } else {
            Some(branch_label)
        };
        let rev = self.get_revision_ref(&RevSpec::One(symbol))?;
        Ok((branch_label, Ref::from_option(rev)))
    }

    /// `_parse_upgrade_target(current_revisions, target)`.
    pub(crate) fn parse_upgrade_target(
        &self,
        current_revisions: &RevSpec,
        target: &RevSpec,
        assert_relative_length: bool,
    ) -> Result<Vec<Ref>, GraphError> {
        let m = match target {
            RevSpec::One(text) => relative_destination(text),
            _ => None,
        };
        let m = match m {
            None => return self.get_revisions_ref(target),
            Some(m) => m,
        };
        let relative = python_int(&m.relative).unwrap_or(PyInt {
            negative: false,
            magnitude: 0,
            digits: "0".to_string(),
        });
        let branch_label = m.branch_label.clone();
        if relative.is_positive() {
            let symbol = match &m.symbol {
                Some(symbol) => symbol.clone(),
                None => {
                    let current = current_revisions.to_tuple().unwrap_or_default();
                    // `(None,)` when there are no current revisions.
                    let mut start_revs: Vec<WalkStart> = if current.is_empty() {
                        vec![WalkStart::Value(Ref::Nil)]
                    } else {
                        current.iter().map(|c| WalkStart::Str(c.clone())).collect()
                    };
                    if let Some(label) = truthy(branch_label.as_deref()) {
                        let label_spec = RevSpec::One(label.to_string());
                        let revs = self.get_revisions_ref(&RevSpec::Many(current.clone()))?;
                        let rev_nodes: Vec<usize> = revs
                            .iter()
                            .filter_map(|r| match r {
                                Ref::Rev(i) => Some(*i),
                                _ => None,
                            })
                            .collect();
                        let targets: Vec<LineageTarget> =
                            rev_nodes.iter().map(|&i| LineageTarget::Node(i)).collect();
                        let keep = self.filter_for_lineage(&targets, &label_spec, false)?;
                        start_revs = keep
                            .into_iter()
                            .filter_map(|p| {
                                rev_nodes.get(p).map(|&i| WalkStart::Value(Ref::Rev(i)))
                            })
                            .collect();
                        if start_revs.is_empty() {
                            // The branch is not at a current head: find the
                            // tips of its applied part.
                            let ancestors = self.related_order(&rev_nodes, Edge::NormalizedDown);
                            let targets: Vec<LineageTarget> =
                                ancestors.iter().map(|&i| LineageTarget::Node(i)).collect();
                            let keep = self.filter_for_lineage(&targets, &label_spec, false)?;
                            let active: Vec<usize> = keep
                                .into_iter()
                                .filter_map(|p| ancestors.get(p).copied())
                                .collect();
                            let mut is_down = vec![false; self.nodes.len()];
                            for &a in &active {
                                for &d in &self.node(a).normalized_down {
                                    is_down[d] = true;
                                }
                            }
                            // A set difference in Alembic; load order here.
                            let mut tips: Vec<usize> =
                                active.into_iter().filter(|&a| !is_down[a]).collect();
                            crate::sort::sort(&mut tips);
                            tips.dedup();
                            start_revs = tips
                                .into_iter()
                                .map(|i| WalkStart::Value(Ref::Rev(i)))
                                .collect();
                            if start_revs.is_empty() {
                                start_revs = vec![WalkStart::Value(Ref::Nil)];
                            }
                        }
                    }
                    if start_revs.len() > 1 {
                        return Err(GraphError::revision(
                            "Ambiguous upgrade from multiple current revisions",
                        ));
                    }
                    let start = start_revs
                        .into_iter()
                        .next()
                        .unwrap_or(WalkStart::Value(Ref::Nil));
                    let rev = self.walk(
                        start,
                        &relative,
                        branch_label.as_deref(),
                        assert_relative_length,
                    )?;
                    if rev == Ref::Nil {
                        return Err(GraphError::revision(format!(
                            "Relative revision {} didn't produce {} migrations",
                            m.relative, relative.digits
                        )));
                    }
                    return Ok(vec![rev]);
                }
            };
            let start = self.get_revision_ref(&RevSpec::One(symbol))?;
            let rev = self.walk(
                WalkStart::Value(Ref::from_option(start)),
                &relative,
                branch_label.as_deref(),
                assert_relative_length,
            )?;
            return Ok(vec![rev]);
        }
        let symbol = match &m.symbol {
            None => {
                return Err(GraphError::revision(format!(
                    "Relative revision {} didn't produce {} migrations",
                    relative.display(),
                    relative.digits
                )))
            }
            Some(symbol) => symbol.clone(),
        };
        let start = match &branch_label {
            None => self.get_revision_ref(&RevSpec::One(symbol))?,
            Some(label) => self.get_revision_ref(&RevSpec::One(format!("{label}@{symbol}")))?,
        };
        let rev = self.walk(
            WalkStart::Value(Ref::from_option(start)),
            &relative,
            None,
            assert_relative_length,
        )?;
        Ok(vec![rev])
    }

    // ----- public resolution API --------------------------------------------

    /// `RevisionMap.get_revisions(identifier)` for one identifier: the ids it
    /// names (`heads` → several, `base` → none). `None` entries stand for
    /// relative walks (`-N`) that went past a root.
    pub fn get_revisions(&self, identifier: &str) -> Result<Vec<Option<String>>, GraphError> {
        Ok(self
            .get_revisions_ref(&RevSpec::One(identifier.to_string()))?
            .into_iter()
            .map(|r| match r {
                Ref::Rev(i) => Some(self.id_of(i).to_string()),
                _ => None,
            })
            .collect())
    }

    /// `RevisionMap.get_revision(identifier)`: exactly one revision or
    /// `None` for base; several heads are a `MultipleHeads` error.
    pub fn get_revision(&self, identifier: &str) -> Result<Option<String>, GraphError> {
        Ok(self
            .get_revision_ref(&RevSpec::One(identifier.to_string()))?
            .map(|i| self.id_of(i).to_string()))
    }

    /// `RevisionMap.get_current_head()`: the single head or `None`.
    pub fn current_head(&self, branch_label: Option<&str>) -> Result<Option<String>, GraphError> {
        self.get_current_head(branch_label)
    }

    /// `ScriptDirectory.get_revisions(rev)` as `show` and `edit` use it: the
    /// revision ids, with CLI error texts.
    /// `None` stands where Python's tuple holds `None` (a relative walk such as `-2` that
    /// passes below a base): `show` and `edit` crash on it after handling what came before.
    pub fn resolve_for_command(
        &self,
        identifier: &str,
    ) -> Result<Vec<Option<String>>, super::CommandError> {
        let catch = super::errors::Catch::default();
        let refs = self
            .get_revisions_ref(&RevSpec::One(identifier.to_string()))
            .map_err(|e| catch.command_error(e))?;
        Ok(refs
            .into_iter()
            .map(|r| match r {
                Ref::Rev(i) => Some(self.id_of(i).to_string()),
                _ => None,
            })
            .collect())
    }

    /// `ScriptDirectory.get_revisions(rows)` for a tuple of ids, as
    /// `show current` / `edit current` use it.
    pub fn resolve_rows_for_command(
        &self,
        rows: &[String],
    ) -> Result<Vec<String>, super::CommandError> {
        let catch = super::errors::Catch::default();
        let refs = self
            .get_revisions_ref(&RevSpec::Many(rows.to_vec()))
            .map_err(|e| catch.command_error(e))?;
        Ok(refs
            .into_iter()
            .filter_map(|r| match r {
                Ref::Rev(i) => Some(self.id_of(i).to_string()),
                _ => None,
            })
            .collect())
    }

    /// `ScriptDirectory.get_revision(rev)` with CLI error texts (used for
    /// an offline `start:` revision).
    pub fn resolve_one_for_command(
        &self,
        identifier: &str,
    ) -> Result<Option<String>, super::CommandError> {
        let catch = super::errors::Catch::default();
        self.get_revision(identifier)
            .map_err(|e| catch.command_error(e))
    }
}
