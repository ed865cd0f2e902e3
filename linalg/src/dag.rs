//! The implicit DAG of a LAmbdaPACK program: parents and children of any node, derived on demand by
//! solving the programs' index equations — never by expanding the graph.
//!
//! A node is a template (kernel statement) plus values for its loop variables. To find who reads a
//! tile, each template's read references are set equal to the tile's index and solved for the loop
//! variables: an index that is affine in a single unbound variable gives that variable directly; a
//! variable no equation pins down (or one inside a non-affine index such as `2**level`) is
//! enumerated over its range, outermost first, after which the remaining equations are affine again.
//! Candidates are then checked against the loop ranges and `if` guards. Work per query is the size of
//! the answer times the number of templates, plus enumeration of variables the tile leaves free.

use std::collections::{HashMap, HashSet};

use crate::program::expr::{self, Env};
use crate::program::{Program, Template, TileRef};

/// A DAG node: template index and loop-variable values (outermost first).
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Node {
    pub template: u32,
    pub vars: Box<[i64]>,
}

/// One tile of one matrix.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct TileKey {
    pub matrix: u32,
    pub index: Box<[i64]>,
}

/// The most candidate assignments one query may try, and the most nodes an expansion may produce.
/// A query or expansion that needs more is a program too large to run here, reported as such.
pub const QUERY_STEPS_MAX: u64 = 50_000_000;
pub const EXPANSION_NODES_MAX: usize = 50_000_000;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("{origin}:{line}: {source}")]
    Eval {
        origin: String,
        line: usize,
        source: expr::Error,
    },
    #[error("{origin}:{line}: a loop has step 0")]
    ZeroStep { origin: String, line: usize },
    #[error("missing --arg {0} (the program's int parameters are: {1})")]
    MissingArg(String, String),
    #[error("unknown argument `{0}`: the program has no int parameter of that name")]
    UnknownArg(String),
    #[error(
        "tile {tile} is written twice: by line {first_line} at {first_vars:?} and by line {second_line} at {second_vars:?}; LAmbdaPACK programs are single-assignment"
    )]
    TwoWriters {
        tile: String,
        first_line: usize,
        first_vars: Vec<i64>,
        second_line: usize,
        second_vars: Vec<i64>,
    },
    #[error("node {0:?} is not a node of this program (outside its loops or guards)")]
    NotANode(Node),
    #[error(
        "the query needed more than {QUERY_STEPS_MAX} candidate steps; the loop ranges are too large"
    )]
    QueryTooLarge,
    #[error("the program has more than {EXPANSION_NODES_MAX} nodes at these arguments")]
    TooManyNodes,
}

/// A program bound to values of its int parameters.
pub struct Dag<'p> {
    program: &'p Program,
    params: Vec<i64>,
}

impl<'p> Dag<'p> {
    pub fn new(program: &'p Program, args: &HashMap<String, i64>) -> Result<Dag<'p>, Error> {
        if let Some(unknown) = args.keys().find(|k| !program.ints.contains(k)) {
            return Err(Error::UnknownArg(unknown.clone()));
        }
        let params = program
            .ints
            .iter()
            .map(|name| {
                args.get(name)
                    .copied()
                    .ok_or_else(|| Error::MissingArg(name.clone(), program.ints.join(", ")))
            })
            .collect::<Result<_, _>>()?;
        Ok(Dag { program, params })
    }

    pub fn program(&self) -> &'p Program {
        self.program
    }

    pub fn params(&self) -> &[i64] {
        &self.params
    }

    fn eval_error(&self, template: &Template, source: expr::Error) -> Error {
        Error::Eval {
            origin: self.program.origin.clone(),
            line: template.line,
            source,
        }
    }

    fn template(&self, node: &Node) -> Result<&'p Template, Error> {
        self.program
            .templates
            .get(node.template as usize)
            .ok_or_else(|| Error::NotANode(node.clone()))
    }

    fn tiles(
        &self,
        node: &Node,
        refs: impl Fn(&Template) -> &[TileRef],
    ) -> Result<Vec<TileKey>, Error> {
        let template = self.template(node)?;
        if node.vars.len() != template.loops.len() {
            return Err(Error::NotANode(node.clone()));
        }
        let vars: Vec<Option<i64>> = node.vars.iter().map(|&v| Some(v)).collect();
        let env = Env {
            vars: &vars,
            params: &self.params,
        };
        refs(template)
            .iter()
            .map(|r| {
                let index = r
                    .index
                    .iter()
                    .map(|e| e.eval_int(&env))
                    .collect::<Result<Vec<_>, _>>();
                Ok(TileKey {
                    matrix: r.matrix as u32,
                    index: index.map_err(|e| self.eval_error(template, e))?.into(),
                })
            })
            .collect()
    }

    /// The tiles a node writes, in the order of the statement's targets.
    pub fn writes(&self, node: &Node) -> Result<Vec<TileKey>, Error> {
        self.tiles(node, |t| &t.writes)
    }

    /// The tiles a node reads, in operand order.
    pub fn reads(&self, node: &Node) -> Result<Vec<TileKey>, Error> {
        self.tiles(node, |t| &t.reads)
    }

    /// Is `node` really executed by the program (its variables inside their ranges, guards true)?
    pub fn contains(&self, node: &Node) -> Result<bool, Error> {
        let template = self.template(node)?;
        if node.vars.len() != template.loops.len() {
            return Ok(false);
        }
        let vars: Vec<Option<i64>> = node.vars.iter().map(|&v| Some(v)).collect();
        self.valid(template, &vars)
    }

    fn valid(&self, template: &Template, vars: &[Option<i64>]) -> Result<bool, Error> {
        let env = Env {
            vars,
            params: &self.params,
        };
        for (depth, lp) in template.loops.iter().enumerate() {
            let Some(value) = vars[depth] else {
                return Ok(false);
            };
            let (start, end, step) = self.range(template, depth, &env)?;
            let inside = if step > 0 {
                value >= start && value < end && (value - start) % step == 0
            } else {
                value <= start && value > end && (start - value) % (-step) == 0
            };
            let _ = lp;
            if !inside {
                return Ok(false);
            }
        }
        for guard in &template.guards {
            if !guard
                .cond
                .eval(&env)
                .map_err(|e| self.eval_error(template, e))?
            {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn range(
        &self,
        template: &Template,
        depth: usize,
        env: &Env<'_>,
    ) -> Result<(i64, i64, i64), Error> {
        let lp = &template.loops[depth];
        let eval = |e: &expr::Expr| {
            e.eval_int(env)
                .map_err(|err| self.eval_error(template, err))
        };
        let (start, end, step) = (eval(&lp.start)?, eval(&lp.end)?, eval(&lp.step)?);
        if step == 0 {
            return Err(Error::ZeroStep {
                origin: self.program.origin.clone(),
                line: template.line,
            });
        }
        Ok((start, end, step))
    }

    /// Every node of template `t` one of whose references (`writes` or `reads`) is `tile`.
    fn solve_refs(
        &self,
        t: usize,
        tile: &TileKey,
        writes: bool,
        out: &mut Vec<Node>,
    ) -> Result<(), Error> {
        let template = &self.program.templates[t];
        let refs = if writes {
            &template.writes
        } else {
            &template.reads
        };
        for r in refs {
            if r.matrix as u32 != tile.matrix || r.index.len() != tile.index.len() {
                continue;
            }
            let mut vars = vec![None; template.loops.len()];
            let mut steps = 0u64;
            let mut search = Search {
                dag: self,
                template,
                index: &r.index,
                target: &tile.index,
                steps: &mut steps,
                template_id: t as u32,
            };
            search.run(&mut vars, out)?;
        }
        Ok(())
    }

    /// The node that writes `tile`, if any. Two writers is an error (single assignment).
    pub fn writer_of(&self, tile: &TileKey) -> Result<Option<Node>, Error> {
        let mut found = Vec::new();
        for t in 0..self.program.templates.len() {
            self.solve_refs(t, tile, true, &mut found)?;
        }
        found.sort();
        found.dedup();
        match found.len() {
            0 => Ok(None),
            1 => Ok(found.pop()),
            _ => Err(self.two_writers(tile, &found[0], &found[1])),
        }
    }

    fn two_writers(&self, tile: &TileKey, first: &Node, second: &Node) -> Error {
        Error::TwoWriters {
            tile: self.tile_name(tile),
            first_line: self.program.templates[first.template as usize].line,
            first_vars: first.vars.to_vec(),
            second_line: self.program.templates[second.template as usize].line,
            second_vars: second.vars.to_vec(),
        }
    }

    /// Every node that reads `tile`, sorted, each once.
    pub fn readers_of(&self, tile: &TileKey) -> Result<Vec<Node>, Error> {
        let mut found = Vec::new();
        for t in 0..self.program.templates.len() {
            self.solve_refs(t, tile, false, &mut found)?;
        }
        found.sort();
        found.dedup();
        Ok(found)
    }

    /// Nodes that read a tile `node` writes, sorted, each once (one edge per parent→child pair).
    pub fn children(&self, node: &Node) -> Result<Vec<Node>, Error> {
        let mut found = Vec::new();
        for tile in self.writes(node)? {
            found.extend(self.readers_of(&tile)?);
        }
        found.sort();
        found.dedup();
        Ok(found)
    }

    /// Nodes that write a tile `node` reads, sorted, each once. Reads of input tiles and of tiles no
    /// node writes (zero blocks) contribute no parent.
    pub fn parents(&self, node: &Node) -> Result<Vec<Node>, Error> {
        let mut found = Vec::new();
        for tile in self.reads(node)? {
            if self.program.is_written(tile.matrix as usize)
                && let Some(writer) = self.writer_of(&tile)?
            {
                found.push(writer);
            }
        }
        found.sort();
        found.dedup();
        Ok(found)
    }

    /// Every node, by running the loops (brute force; for tests, start nodes and small programs).
    pub fn expand(&self) -> Result<Vec<Node>, Error> {
        let mut nodes = Vec::new();
        for (t, template) in self.program.templates.iter().enumerate() {
            let mut vars = vec![None; template.loops.len()];
            self.expand_template(t, template, 0, &mut vars, &mut nodes)?;
        }
        Ok(nodes)
    }

    fn expand_template(
        &self,
        t: usize,
        template: &Template,
        depth: usize,
        vars: &mut Vec<Option<i64>>,
        out: &mut Vec<Node>,
    ) -> Result<(), Error> {
        let env = Env {
            vars,
            params: &self.params,
        };
        for guard in template.guards.iter().filter(|g| g.depth == depth) {
            if !guard
                .cond
                .eval(&env)
                .map_err(|e| self.eval_error(template, e))?
            {
                return Ok(());
            }
        }
        if depth == template.loops.len() {
            if out.len() >= EXPANSION_NODES_MAX {
                return Err(Error::TooManyNodes);
            }
            out.push(Node {
                template: t as u32,
                vars: vars.iter().map(|v| v.unwrap_or_default()).collect(),
            });
            return Ok(());
        }
        let (start, end, step) = self.range(template, depth, &env)?;
        let mut value = start;
        while (step > 0 && value < end) || (step < 0 && value > end) {
            vars[depth] = Some(value);
            self.expand_template(t, template, depth + 1, vars, out)?;
            value += step;
        }
        vars[depth] = None;
        Ok(())
    }

    /// Expands every node and checks that no tile has two writers.
    pub fn check_single_assignment(&self) -> Result<Vec<Node>, Error> {
        let nodes = self.expand()?;
        let mut writer: HashMap<TileKey, &Node> = HashMap::with_capacity(nodes.len());
        for node in &nodes {
            for tile in self.writes(node)? {
                if let Some(first) = writer.insert(tile.clone(), node)
                    && first != node
                {
                    return Err(self.two_writers(&tile, first, node));
                }
            }
        }
        Ok(nodes)
    }

    /// Start nodes (no parents) among `nodes`, which must be every node of the run (as
    /// [`Dag::expand`] gives them): a node starts when no node writes a tile it reads. One hash
    /// of the written tiles answers what [`Dag::parents`] would solve for per read — at
    /// Cholesky's N = 128 (357,760 nodes) that was most of a submission's time.
    pub fn starts(&self, nodes: &[Node]) -> Result<Vec<Node>, Error> {
        let mut written: HashSet<TileKey> = HashSet::with_capacity(nodes.len());
        for node in nodes {
            written.extend(self.writes(node)?);
        }
        let mut starts = Vec::new();
        for node in nodes {
            if !self.reads(node)?.iter().any(|tile| written.contains(tile)) {
                starts.push(node.clone());
            }
        }
        Ok(starts)
    }

    /// `S[1,2,0]`: a tile in the program's own names.
    pub fn tile_name(&self, tile: &TileKey) -> String {
        let matrix = self
            .program
            .matrices
            .get(tile.matrix as usize)
            .map_or("?", String::as_str);
        let index: Vec<String> = tile.index.iter().map(i64::to_string).collect();
        format!("{matrix}[{}]", index.join(","))
    }

    /// `trsm(i=0, j=2)@line 7`: a node in the program's own names.
    pub fn node_name(&self, node: &Node) -> String {
        let Some(template) = self.program.templates.get(node.template as usize) else {
            return format!("{node:?}");
        };
        let vars: Vec<String> = template
            .loops
            .iter()
            .zip(node.vars.iter())
            .map(|(l, v)| format!("{}={v}", l.var))
            .collect();
        format!(
            "{}({})@{}",
            template.kernel.name(),
            vars.join(","),
            template.line
        )
    }

    /// Tiles written by some node, to tell outputs from inputs among `matrix`'s tiles.
    pub fn written_matrices(&self) -> HashSet<u32> {
        (0..self.program.matrices.len())
            .filter(|&m| self.program.is_written(m))
            .map(|m| m as u32)
            .collect()
    }
}

/// One equation-solving search: the nodes of `template` whose reference `index` equals `target`.
struct Search<'s, 'p> {
    dag: &'s Dag<'p>,
    template: &'p Template,
    template_id: u32,
    index: &'p [expr::Expr],
    target: &'s [i64],
    steps: &'s mut u64,
}

impl Search<'_, '_> {
    fn run(&mut self, vars: &mut Vec<Option<i64>>, out: &mut Vec<Node>) -> Result<(), Error> {
        *self.steps += 1;
        if *self.steps > QUERY_STEPS_MAX {
            return Err(Error::QueryTooLarge);
        }
        let bound_before: Vec<bool> = vars.iter().map(Option::is_some).collect();
        let outcome = self.propagate(vars);
        let result = match outcome {
            Propagation::Contradiction => Ok(()),
            Propagation::Done => self.finish(vars, out),
            Propagation::Open(free) => self.enumerate(free, vars, out),
        };
        // Undo what propagation bound, so the caller's enumeration continues from its own state.
        for (slot, was_bound) in vars.iter_mut().zip(bound_before) {
            if !was_bound {
                *slot = None;
            }
        }
        result
    }

    /// Binds every variable an index equation determines by itself.
    fn propagate(&self, vars: &mut [Option<i64>]) -> Propagation {
        loop {
            let mut progress = false;
            for (expr, &target) in self.index.iter().zip(self.target) {
                let mut unbound = None;
                let mut count = 0;
                expr.vars(&mut |d| {
                    if vars[d].is_none() && unbound != Some(d) {
                        count += 1;
                        unbound = Some(d);
                    }
                });
                let Some(var) = unbound.filter(|_| count == 1) else {
                    continue;
                };
                let env = Env {
                    vars,
                    params: &self.dag.params,
                };
                let Some((a, b)) = expr.affine_in(var, &env) else {
                    continue;
                };
                if a == 0 {
                    if b != target {
                        return Propagation::Contradiction;
                    }
                    continue;
                }
                let Some(diff) = target.checked_sub(b) else {
                    return Propagation::Contradiction;
                };
                if diff % a != 0 {
                    return Propagation::Contradiction;
                }
                vars[var] = Some(diff / a);
                progress = true;
            }
            if !progress {
                break;
            }
        }
        match vars.iter().position(Option::is_none) {
            Some(free) => Propagation::Open(free),
            None => Propagation::Done,
        }
    }

    fn finish(&self, vars: &[Option<i64>], out: &mut Vec<Node>) -> Result<(), Error> {
        if !self.dag.valid(self.template, vars)? {
            return Ok(());
        }
        let env = Env {
            vars,
            params: &self.dag.params,
        };
        for (expr, &target) in self.index.iter().zip(self.target) {
            match expr.eval_int(&env) {
                Ok(value) if value == target => {}
                _ => return Ok(()),
            }
        }
        out.push(Node {
            template: self.template_id,
            vars: vars.iter().map(|v| v.unwrap_or_default()).collect(),
        });
        Ok(())
    }

    /// Enumerates the outermost unbound variable over its range; every variable outside it is bound,
    /// so the range can be evaluated.
    fn enumerate(
        &mut self,
        free: usize,
        vars: &mut Vec<Option<i64>>,
        out: &mut Vec<Node>,
    ) -> Result<(), Error> {
        if vars[..free].iter().any(Option::is_none) {
            return Ok(());
        }
        let env = Env {
            vars,
            params: &self.dag.params,
        };
        let (start, end, step) = match self.dag.range(self.template, free, &env) {
            Ok(range) => range,
            // A range that cannot be evaluated at these outer values (say, a division by zero in a
            // bound) has no iterations there, exactly as when the program runs.
            Err(Error::Eval { .. }) => return Ok(()),
            Err(other) => return Err(other),
        };
        let mut value = start;
        while (step > 0 && value < end) || (step < 0 && value > end) {
            vars[free] = Some(value);
            self.run(vars, out)?;
            value += step;
        }
        vars[free] = None;
        Ok(())
    }
}

enum Propagation {
    Contradiction,
    Done,
    Open(usize),
}
