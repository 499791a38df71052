//! Sorting through one compiled routine.
//!
//! `slice::sort*` compiles a separate copy of the standard library's sorting code (driftsort
//! and its quicksort, several kilobytes each) for every element type and comparison it is
//! called with; the page had 134 of them, 18 KB of its gzip. Here every sort runs one merge
//! sort over positions (not generic, compiled once) and then moves the elements into place,
//! which is all that stays generic. Stable, like `slice::sort`. The playground's lists are
//! small (heads, names, revisions), so the indirect comparison costs nothing measurable.

use std::cmp::Ordering;

/// Sorts `items` by `compare`, keeping equal items in their order.
pub fn sort_by<T>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    let order = {
        let items = &*items;
        stable_order(items.len(), &mut |a, b| compare(&items[a], &items[b]))
    };
    apply(items, order);
}

/// Sorts `items` in ascending order.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// Sorts `items` by the key each one gives.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

/// The positions `0..len` in sorted order: a bottom-up merge sort (stable).
fn stable_order(len: usize, compare: &mut dyn FnMut(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    let mut buffer = vec![0; len];
    let mut width = 1;
    while width < len {
        let mut start = 0;
        while start < len {
            let middle = (start + width).min(len);
            let end = (start + 2 * width).min(len);
            let (mut left, mut right) = (start, middle);
            for slot in &mut buffer[start..end] {
                let take_left = right >= end
                    || (left < middle && compare(order[left], order[right]) != Ordering::Greater);
                if take_left {
                    *slot = order[left];
                    left += 1;
                } else {
                    *slot = order[right];
                    right += 1;
                }
            }
            start = end;
        }
        std::mem::swap(&mut order, &mut buffer);
        width *= 2;
    }
    order
}

/// Moves the items so that position `i` holds what was at `order[i]` (swaps along cycles).
fn apply<T>(items: &mut [T], order: Vec<usize>) {
    // `destination[from]`: where the item now at `from` must go.
    let mut destination = vec![0; order.len()];
    for (to, &from) in order.iter().enumerate() {
        destination[from] = to;
    }
    for position in 0..items.len() {
        while destination[position] != position {
            let target = destination[position];
            items.swap(position, target);
            destination.swap(position, target);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_library_stably() {
        let mut random = crate::test_support::Xorshift(0x51ed_2701_aa55);
        for len in 0..70 {
            let items: Vec<(u64, usize)> = (0..len).map(|n| (random.next() % 7, n)).collect();
            let mut ours = items.clone();
            sort_by_key(&mut ours, |(key, _)| *key);
            let mut expected = items.clone();
            expected.sort_by_key(|(key, _)| *key);
            assert_eq!(ours, expected, "length {len}");
            let mut words: Vec<String> = items.iter().map(|(key, n)| format!("{key}{n}")).collect();
            let mut sorted = words.clone();
            sorted.sort();
            sort(&mut words);
            assert_eq!(words, sorted);
        }
    }
}
