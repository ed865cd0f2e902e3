//! The steps of `itertools.permutations` and `combinations` on their index state, in CPython's
//! order. Pure functions on plain vectors, so the state sits in an iterator object between
//! items (and in a snapshot); any state, a hostile snapshot's too, gives an answer and never a
//! panic.

/// Moves `indices` to the next permutation (when `cycles` is not empty: the cycle counters of
/// CPython's algorithm, one per position taken) or the next combination of `r` out of `n`
/// (when it is); false when there is none.
pub(super) fn advance(indices: &mut [u32], cycles: &mut [u32], r: usize, n: usize) -> bool {
    if cycles.is_empty() {
        next_combination(indices, r, n)
    } else {
        next_permutation(indices, cycles, r)
    }
}

fn next_permutation(indices: &mut [u32], cycles: &mut [u32], r: usize) -> bool {
    let n = indices.len();
    if r > n || cycles.len() != r {
        return false;
    }
    for i in (0..r).rev() {
        let c = cycles[i] as usize;
        if c == 0 || c > n - i {
            return false;
        }
        if c == 1 {
            indices[i..].rotate_left(1);
            cycles[i] = (n - i) as u32;
        } else {
            cycles[i] = (c - 1) as u32;
            indices.swap(i, n - (c - 1));
            return true;
        }
    }
    false
}

fn next_combination(indices: &mut [u32], r: usize, n: usize) -> bool {
    if indices.len() != r || r > n {
        return false;
    }
    let Some(i) = (0..r).rev().find(|&i| indices[i] as usize != i + n - r) else {
        return false;
    };
    if indices[i] as usize > i + n - r {
        return false;
    }
    indices[i] += 1;
    for j in i + 1..r {
        indices[j] = indices[j - 1] + 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::advance;

    fn all(n: u32, r: usize, permute: bool) -> Vec<Vec<u32>> {
        let mut indices: Vec<u32> = (0..if permute { n } else { r as u32 }).collect();
        let mut cycles: Vec<u32> = if permute {
            (0..r as u32).map(|i| n - i).collect()
        } else {
            Vec::new()
        };
        let mut out = vec![indices[..r].to_vec()];
        while advance(&mut indices, &mut cycles, r, n as usize) {
            out.push(indices[..r].to_vec());
        }
        out
    }

    #[test]
    fn permutations_and_combinations_come_in_cpythons_order() {
        assert_eq!(
            all(3, 2, true),
            [[0, 1], [0, 2], [1, 0], [1, 2], [2, 0], [2, 1]].map(|p| p.to_vec())
        );
        assert_eq!(all(5, 5, true).len(), 120);
        assert_eq!(
            all(4, 2, false),
            [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]].map(|p| p.to_vec())
        );
        assert_eq!(all(6, 0, false), vec![Vec::<u32>::new()]);
        assert_eq!(all(6, 6, false).len(), 1);
    }

    #[test]
    fn hostile_state_ends_the_iteration() {
        assert!(!advance(&mut [0, 1], &mut [9, 9], 2, 2));
        assert!(!advance(&mut [0, 1], &mut [0, 1], 2, 2));
        assert!(!advance(&mut [0], &mut [1, 1], 2, 1));
        assert!(!advance(&mut [7, 9], &mut [], 2, 3));
        assert!(!advance(&mut [0, 1, 2], &mut [], 2, 3));
    }
}
