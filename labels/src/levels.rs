//! A declared partial order of named levels: the per-application lattice (Trapeze's photographer
//! example: bottom < public < {photog1, photog2, client1, client2} < … < top).
//!
//! The order is given as the edges of its Hasse diagram and closed transitively once, at load time,
//! into one bitset row per level, so `flows` is a single bit test whatever the depth of the order.

use std::collections::HashMap;

/// One level of a [`LevelOrder`]; the number is meaningful only with the order that issued it.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    rkyv::Archive,
    rkyv::Serialize,
    rkyv::Deserialize,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct Level(pub u16);

/// The most levels one order may declare. The closure costs `LEVELS_MAX² / 8` bytes (2 MiB) at most.
pub const LEVELS_MAX: usize = 4096;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("the order has {count} levels; at most {max} are allowed")]
    TooManyLevels { count: usize, max: usize },
    #[error("the order has no levels")]
    Empty,
    #[error("edge {edge} is out of range: the order has {levels} levels")]
    EdgeOutOfRange { edge: usize, levels: usize },
    #[error("level `{0}` is above itself; an order cannot have a cycle")]
    SelfLoop(String),
    #[error("the order has a cycle: {}", .0.join(" < "))]
    Cycle(Vec<String>),
    #[error("the order has no single bottom level; these levels are all minimal: {}", .0.join(", "))]
    NoBottom(Vec<String>),
    #[error("the order has no single top level; these levels are all maximal: {}", .0.join(", "))]
    NoTop(Vec<String>),
    #[error("level `{0}` is declared twice")]
    Duplicate(String),
}

/// Index of the edge that closes a cycle, so a caller holding source positions can point at it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleAt {
    pub edge: usize,
    pub error: Error,
}

/// A finite partial order with a least and a greatest element, closed transitively.
#[derive(Clone, Debug)]
pub struct LevelOrder {
    names: Vec<String>,
    by_name: HashMap<String, Level>,
    /// Row `a` has bit `b` set iff `a ⊑ b`.
    up: Vec<u64>,
    words_per_row: usize,
    bottom: Level,
    top: Level,
}

impl LevelOrder {
    /// The one-point order, for clusters that separate users by tags alone.
    pub fn single(name: &str) -> LevelOrder {
        LevelOrder::new(vec![name.to_owned()], &[]).expect("a one-point order is always valid")
    }

    /// Builds the order from level names and Hasse edges `(lower, upper)` given as indices into
    /// `names`. On a cycle the error says which edge closed it (see [`LevelOrder::new_locating`]).
    pub fn new(names: Vec<String>, edges: &[(usize, usize)]) -> Result<LevelOrder, Error> {
        LevelOrder::new_locating(names, edges).map_err(|at| at.error)
    }

    /// Like [`LevelOrder::new`], but a failure that one edge can be blamed for carries that edge's index.
    pub fn new_locating(
        names: Vec<String>,
        edges: &[(usize, usize)],
    ) -> Result<LevelOrder, CycleAt> {
        let whole = |error| CycleAt {
            edge: usize::MAX,
            error,
        };
        let count = names.len();
        if count == 0 {
            return Err(whole(Error::Empty));
        }
        if count > LEVELS_MAX {
            return Err(whole(Error::TooManyLevels {
                count,
                max: LEVELS_MAX,
            }));
        }
        let mut by_name = HashMap::with_capacity(count);
        for (index, name) in names.iter().enumerate() {
            if by_name.insert(name.clone(), Level(index as u16)).is_some() {
                return Err(whole(Error::Duplicate(name.clone())));
            }
        }
        let mut above: Vec<Vec<usize>> = vec![Vec::new(); count];
        for (edge, &(lower, upper)) in edges.iter().enumerate() {
            if lower >= count || upper >= count {
                return Err(CycleAt {
                    edge,
                    error: Error::EdgeOutOfRange {
                        edge,
                        levels: count,
                    },
                });
            }
            if lower == upper {
                return Err(CycleAt {
                    edge,
                    error: Error::SelfLoop(names[lower].clone()),
                });
            }
            above[lower].push(upper);
        }
        let order = topological_order(&above).map_err(|cycle| {
            let edge = edges
                .iter()
                .position(|&(lower, upper)| {
                    lower == cycle[cycle.len() - 2] && upper == cycle[cycle.len() - 1]
                })
                .unwrap_or(usize::MAX);
            CycleAt {
                edge,
                error: Error::Cycle(cycle.iter().map(|&i| names[i].clone()).collect()),
            }
        })?;

        let words_per_row = count.div_ceil(64);
        let mut up = vec![0u64; count * words_per_row];
        // Upper levels come last in a topological order, so walking it backwards finds every
        // successor's row already complete.
        for &level in order.iter().rev() {
            let row = level * words_per_row;
            up[row + level / 64] |= 1 << (level % 64);
            for &upper in &above[level] {
                let upper_row = upper * words_per_row;
                for word in 0..words_per_row {
                    up[row + word] |= up[upper_row + word];
                }
            }
        }

        let mut order = LevelOrder {
            names,
            by_name,
            up,
            words_per_row,
            bottom: Level(0),
            top: Level(0),
        };
        order.bottom = order.find_extreme(true).map_err(whole)?;
        order.top = order.find_extreme(false).map_err(whole)?;
        Ok(order)
    }

    fn find_extreme(&self, bottom: bool) -> Result<Level, Error> {
        let levels = || (0..self.len()).map(|i| Level(i as u16));
        let extreme: Vec<Level> = if bottom {
            levels()
                .filter(|&a| levels().all(|b| !self.flows(b, a) || a == b))
                .collect()
        } else {
            levels()
                .filter(|&a| levels().all(|b| !self.flows(a, b) || a == b))
                .collect()
        };
        match extreme.as_slice() {
            [only] => Ok(*only),
            _ => {
                let names = extreme
                    .iter()
                    .map(|&l| self.names[l.0 as usize].clone())
                    .collect();
                Err(if bottom {
                    Error::NoBottom(names)
                } else {
                    Error::NoTop(names)
                })
            }
        }
    }

    /// `a ⊑ b`. An out-of-range level (only possible from unchecked outside bytes) flows nowhere.
    #[inline]
    pub fn flows(&self, a: Level, b: Level) -> bool {
        let (a, b) = (a.0 as usize, b.0 as usize);
        if a >= self.names.len() || b >= self.names.len() {
            return false;
        }
        self.up[a * self.words_per_row + b / 64] & (1 << (b % 64)) != 0
    }

    /// The least upper bound of `a` and `b`, if the order has one for them.
    pub fn join(&self, a: Level, b: Level) -> Option<Level> {
        if a.0 as usize >= self.len() || b.0 as usize >= self.len() {
            return None;
        }
        let row_a = self.row(a);
        let row_b = self.row(b);
        let common: Vec<u64> = row_a.iter().zip(row_b).map(|(x, y)| x & y).collect();
        // The least common upper bound is the one whose own up-set holds all the others.
        bits(&common).map(|i| Level(i as u16)).find(|&candidate| {
            self.row(candidate)
                .iter()
                .zip(&common)
                .all(|(mine, all)| mine & all == *all)
        })
    }

    fn row(&self, level: Level) -> &[u64] {
        let start = level.0 as usize * self.words_per_row;
        &self.up[start..start + self.words_per_row]
    }

    pub fn bottom(&self) -> Level {
        self.bottom
    }

    pub fn top(&self) -> Level {
        self.top
    }

    pub fn level(&self, name: &str) -> Option<Level> {
        self.by_name.get(name).copied()
    }

    pub fn name(&self, level: Level) -> Option<&str> {
        self.names.get(level.0 as usize).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn contains(&self, level: Level) -> bool {
        (level.0 as usize) < self.names.len()
    }

    pub fn levels(&self) -> impl Iterator<Item = Level> + '_ {
        (0..self.names.len()).map(|i| Level(i as u16))
    }
}

impl crate::Lattice for LevelOrder {
    type Label = Level;

    fn flows(&self, from: &Level, to: &Level) -> bool {
        LevelOrder::flows(self, *from, *to)
    }

    fn join(&self, a: &Level, b: &Level) -> Option<Level> {
        LevelOrder::join(self, *a, *b)
    }

    fn bottom(&self) -> Level {
        self.bottom
    }

    fn top(&self) -> Level {
        self.top
    }
}

fn bits(words: &[u64]) -> impl Iterator<Item = usize> + '_ {
    words.iter().enumerate().flat_map(|(index, &word)| {
        let mut rest = word;
        std::iter::from_fn(move || {
            if rest == 0 {
                return None;
            }
            let bit = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            Some(index * 64 + bit)
        })
    })
}

/// Kahn's algorithm. On a cycle, returns one cycle as a path `a, b, …, a` of level indices.
fn topological_order(above: &[Vec<usize>]) -> Result<Vec<usize>, Vec<usize>> {
    let count = above.len();
    let mut below_count = vec![0usize; count];
    for uppers in above {
        for &upper in uppers {
            below_count[upper] += 1;
        }
    }
    let mut ready: Vec<usize> = (0..count).filter(|&i| below_count[i] == 0).collect();
    let mut order = Vec::with_capacity(count);
    while let Some(level) = ready.pop() {
        order.push(level);
        for &upper in &above[level] {
            below_count[upper] -= 1;
            if below_count[upper] == 0 {
                ready.push(upper);
            }
        }
    }
    if order.len() == count {
        return Ok(order);
    }
    // Every level left has a predecessor that is also left, so walking predecessors must repeat.
    let left: Vec<bool> = below_count.iter().map(|&c| c > 0).collect();
    let mut below_of = vec![usize::MAX; count];
    for (lower, uppers) in above.iter().enumerate() {
        for &upper in uppers {
            if left[lower] && left[upper] {
                below_of[upper] = lower;
            }
        }
    }
    let start = left.iter().position(|&l| l).unwrap_or(0);
    let mut seen_at = vec![usize::MAX; count];
    let mut walk = Vec::new();
    let mut at = start;
    while seen_at[at] == usize::MAX && at != usize::MAX {
        seen_at[at] = walk.len();
        walk.push(at);
        at = below_of[at];
    }
    if at == usize::MAX {
        return Err(walk);
    }
    let mut cycle: Vec<usize> = walk[seen_at[at]..].to_vec();
    cycle.reverse();
    cycle.push(cycle[0]);
    Err(cycle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(names: &[&str], edges: &[(usize, usize)]) -> Result<LevelOrder, Error> {
        LevelOrder::new(names.iter().map(|s| s.to_string()).collect(), edges)
    }

    #[test]
    fn diamond_has_joins_and_extremes() {
        let diamond = order(&["bot", "a", "b", "top"], &[(0, 1), (0, 2), (1, 3), (2, 3)]).unwrap();
        let l = |name| diamond.level(name).unwrap();
        assert!(diamond.flows(l("bot"), l("top")));
        assert!(!diamond.flows(l("a"), l("b")));
        assert_eq!(diamond.join(l("a"), l("b")), Some(l("top")));
        assert_eq!(diamond.join(l("bot"), l("a")), Some(l("a")));
        assert_eq!(diamond.bottom(), l("bot"));
        assert_eq!(diamond.top(), l("top"));
    }

    #[test]
    fn join_is_absent_when_two_minimal_upper_bounds_exist() {
        // a, b < c, d < top: c and d are both minimal upper bounds of a and b.
        let bowtie = order(
            &["bot", "a", "b", "c", "d", "top"],
            &[
                (0, 1),
                (0, 2),
                (1, 3),
                (1, 4),
                (2, 3),
                (2, 4),
                (3, 5),
                (4, 5),
            ],
        )
        .unwrap();
        assert_eq!(bowtie.join(Level(1), Level(2)), None);
        assert_eq!(bowtie.join(Level(3), Level(4)), Some(Level(5)));
    }

    #[test]
    fn cycles_and_missing_extremes_are_rejected() {
        let cycle = LevelOrder::new_locating(
            ["bot", "a", "b", "top"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            &[(0, 1), (1, 2), (2, 1), (2, 3)],
        )
        .unwrap_err();
        assert!(
            matches!(&cycle.error, Error::Cycle(path) if path.len() == 3),
            "{cycle:?}"
        );
        assert!(cycle.edge == 1 || cycle.edge == 2);
        assert_eq!(
            order(&["a", "b"], &[(0, 1), (0, 0)]).unwrap_err(),
            Error::SelfLoop("a".into())
        );
        assert!(matches!(
            order(&["a", "b", "top"], &[(0, 2), (1, 2)]),
            Err(Error::NoBottom(_))
        ));
        assert!(matches!(
            order(&["bot", "a", "b"], &[(0, 1), (0, 2)]),
            Err(Error::NoTop(_))
        ));
        assert_eq!(
            order(&["a", "a"], &[]).unwrap_err(),
            Error::Duplicate("a".into())
        );
    }

    #[test]
    fn out_of_range_levels_flow_nowhere() {
        let single = LevelOrder::single("public");
        assert!(single.flows(Level(0), Level(0)));
        assert!(!single.flows(Level(0), Level(7)));
        assert!(!single.flows(Level(7), Level(7)));
        assert_eq!(single.join(Level(7), Level(0)), None);
    }

    #[test]
    fn wide_order_crosses_word_boundaries() {
        // bottom < 1..=130 < top: rows span three 64-bit words.
        let mut names = vec!["bottom".to_string()];
        names.extend((1..=130).map(|i| format!("l{i}")));
        names.push("top".into());
        let mut edges: Vec<(usize, usize)> = (1..=130).map(|i| (0, i)).collect();
        edges.extend((1..=130).map(|i| (i, 131)));
        let wide = LevelOrder::new(names, &edges).unwrap();
        assert!(wide.flows(Level(0), Level(129)));
        assert!(wide.flows(Level(129), Level(131)));
        assert!(!wide.flows(Level(65), Level(129)));
        assert_eq!(wide.join(Level(65), Level(129)), Some(Level(131)));
    }
}
