//! An ordered map from strings, kept as a sorted vector: the little of `BTreeMap` the crate
//! uses (lookups, inserts, removals, iteration in key order). The page compiled a B-tree per
//! value type (59 KB of wasm); a sorted vector with binary search is a few hundred bytes per
//! type, and fast at the sizes here (a project's files, an ini section, a template's names).

/// Keys in ascending byte order, each once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SortedMap<V> {
    entries: Vec<(String, V)>,
}

impl<V> Default for SortedMap<V> {
    fn default() -> Self {
        SortedMap {
            entries: Vec::new(),
        }
    }
}

impl<V> SortedMap<V> {
    pub fn new() -> Self {
        Self::default()
    }

    fn position(&self, key: &str) -> Result<usize, usize> {
        self.entries
            .binary_search_by(|(existing, _)| existing.as_str().cmp(key))
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        let at = self.position(key).ok()?;
        Some(&self.entries[at].1)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        let at = self.position(key).ok()?;
        Some(&mut self.entries[at].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_ok()
    }

    /// The value the key had, if any (as `BTreeMap::insert`).
    pub fn insert(&mut self, key: String, value: V) -> Option<V> {
        match self.position(&key) {
            Ok(at) => Some(std::mem::replace(&mut self.entries[at].1, value)),
            Err(at) => {
                self.entries.insert(at, (key, value));
                None
            }
        }
    }

    pub fn remove(&mut self, key: &str) -> Option<V> {
        let at = self.position(key).ok()?;
        Some(self.entries.remove(at).1)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.entries.iter().map(|(key, value)| (key, value))
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.entries.iter().map(|(key, _)| key)
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, value)| value)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, value)| value)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&String, &mut V) -> bool) {
        self.entries.retain_mut(|(key, value)| keep(key, value));
    }
}

/// A later value for the same key replaces an earlier one (as `BTreeMap`'s `collect`).
impl<V> FromIterator<(String, V)> for SortedMap<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(items: I) -> Self {
        let mut map = SortedMap::new();
        for (key, value) in items {
            map.insert(key, value);
        }
        map
    }
}

/// A set of strings in ascending order.
pub type SortedSet = SortedMap<()>;

impl SortedSet {
    /// Whether the key was new (as `BTreeSet::insert`).
    pub fn add(&mut self, key: String) -> bool {
        self.insert(key, ()).is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_as_an_ordered_map() {
        let mut map: SortedMap<i32> = ["b", "a", "c", "a"]
            .iter()
            .zip(1..)
            .map(|(key, value)| (key.to_string(), value))
            .collect();
        assert_eq!(map.keys().cloned().collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(map.get("a"), Some(&4), "the later value wins");
        assert_eq!(map.insert("b".into(), 9), Some(1));
        assert_eq!(map.remove("c"), Some(3));
        assert_eq!(map.remove("c"), None);
        map.retain(|key, _| key != "a");
        assert_eq!(map.iter().collect::<Vec<_>>(), [(&"b".to_string(), &9)]);
        let mut set = SortedSet::new();
        assert!(set.add("x".into()) && !set.add("x".into()));
        assert!(set.contains_key("x") && set.len() == 1);
    }
}
