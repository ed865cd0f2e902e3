//! Call turns: how many function calls a node runs at once, in all and for any one user.
//!
//! A turn is taken before a call's body is read and given back when its answer is built (the
//! [`Turn`] guard). The per-user bound keeps one client — a retry storm, a script gone wrong —
//! from holding every turn of a node while other users get 429s: any user finds at least
//! `all - per_user` turns that no single other user can take.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Why a turn was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// The node runs its most calls.
    Node { max: usize },
    /// This user runs their most calls on this node.
    User { max: usize },
}

#[derive(Clone)]
pub struct Turns {
    all: Arc<Semaphore>,
    /// Calls in flight per user; a user is in the map only while they have one (so it holds at
    /// most `all` entries).
    users: Arc<Mutex<HashMap<String, usize>>>,
    all_max: usize,
    user_max: usize,
}

/// A call's turn; dropping it gives the turn back.
pub struct Turn {
    _all: OwnedSemaphorePermit,
    user: String,
    users: Arc<Mutex<HashMap<String, usize>>>,
}

impl Turns {
    pub fn new(all_max: usize, user_max: usize) -> Turns {
        assert!(user_max >= 1 && user_max <= all_max, "turn bounds");
        Turns {
            all: Arc::new(Semaphore::new(all_max)),
            users: Arc::default(),
            all_max,
            user_max,
        }
    }

    pub fn take(&self, user: &str) -> Result<Turn, Refused> {
        let mut users = self.users.lock().unwrap_or_else(PoisonError::into_inner);
        let held = users.get(user).copied().unwrap_or(0);
        if held >= self.user_max {
            return Err(Refused::User { max: self.user_max });
        }
        let Ok(permit) = self.all.clone().try_acquire_owned() else {
            return Err(Refused::Node { max: self.all_max });
        };
        users.insert(user.to_owned(), held + 1);
        Ok(Turn {
            _all: permit,
            user: user.to_owned(),
            users: self.users.clone(),
        })
    }

    #[cfg(test)]
    fn available(&self) -> usize {
        self.all.available_permits()
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        let mut users = self.users.lock().unwrap_or_else(PoisonError::into_inner);
        match users.get_mut(&self.user) {
            Some(held) if *held > 1 => *held -= 1,
            Some(_) => {
                users.remove(&self.user);
            }
            // A turn is counted from take to drop; its user's entry cannot be gone.
            None => debug_assert!(false, "a turn of {} was not counted", self.user),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_user_cannot_take_every_turn() {
        let turns = Turns::new(4, 3);
        let alice: Vec<Turn> = (0..3).map(|_| turns.take("alice").unwrap()).collect();
        assert_eq!(
            turns.take("alice").err(),
            Some(Refused::User { max: 3 }),
            "alice's fourth call"
        );
        let bob = turns.take("bob").unwrap();
        assert_eq!(turns.take("carol").err(), Some(Refused::Node { max: 4 }));
        drop(bob);
        let carol = turns.take("carol").unwrap();
        drop(alice);
        assert_eq!(turns.available(), 3);
        // Alice's count went back to zero with her turns: she has her three again.
        let again: Vec<Turn> = (0..3).map(|_| turns.take("alice").unwrap()).collect();
        assert_eq!(again.len(), 3);
        drop(carol);
        drop(again);
        assert!(
            turns.users.lock().unwrap().is_empty(),
            "no user left counted"
        );
    }
}
