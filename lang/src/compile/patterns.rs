//! `match` statements (PEP 634) on the stack machine.
//!
//! The subject stays on the stack for the whole statement. Each case matches a copy of it: a
//! pattern consumes the value on top and either falls through (matched, its names bound) or
//! jumps to a failure label with some of its own temporaries still on the stack. Those labels
//! are a chain of `Pop`s emitted after the case (CPython's layout), so a failure at any depth
//! lands on the next case with only the subject left.
//!
//! Names are bound as sub-patterns succeed, so a case that fails part-way may leave some bound
//! (PEP 634 leaves that to the implementation; CPython binds at the end).

use std::collections::BTreeSet;

use rustpython_parser::ast::{self, Constant, Ranged};

use super::{Error, Function, Shared};
use crate::code::{CmpOp, Const, Instr};

/// The failure jumps of the pattern being compiled, and how many values it has above the
/// level its failures unwind to.
struct Fails {
    /// (jump instruction, values above the floor when it jumps).
    jumps: Vec<(usize, u32)>,
    depth: u32,
}

impl Fails {
    fn new(depth: u32) -> Fails {
        Fails {
            jumps: Vec::new(),
            depth,
        }
    }
}

impl Function {
    pub(super) fn match_statement(
        &mut self,
        s: &mut Shared<'_>,
        m: &ast::StmtMatch,
        at: usize,
    ) -> Result<(), Error> {
        self.nested(s, at)?;
        for (i, case) in m.cases.iter().enumerate() {
            check_case(s, case, i + 1 == m.cases.len())?;
        }
        self.expr(s, &m.subject)?;
        let mut ends = Vec::new();
        for case in &m.cases {
            let case_at = case.pattern.range().start().to_usize();
            self.at(s, case_at);
            self.emit(Instr::Dup);
            let mut fails = Fails::new(1);
            self.pattern(s, &case.pattern, &mut fails)?;
            if let Some(guard) = &case.guard {
                self.expr(s, guard)?;
                let jump = self.emit(Instr::PopJumpIfFalse(0));
                fails.jumps.push((jump, 0));
            }
            self.emit(Instr::Pop);
            self.block(s, &case.body)?;
            ends.push(self.emit(Instr::Jump(0)));
            self.unwind(fails.jumps, 0);
        }
        self.emit(Instr::Pop);
        let end = self.here();
        for jump in ends {
            self.patch(jump, end);
        }
        self.depth -= 1;
        Ok(())
    }

    /// Emits the `Pop` chain for `jumps` down to `floor` values and points each jump at its
    /// depth's place in it.
    fn unwind(&mut self, jumps: Vec<(usize, u32)>, floor: u32) {
        let top = jumps.iter().map(|&(_, d)| d).max().unwrap_or(floor);
        let mut places = Vec::new();
        for _ in floor..top {
            places.push(self.here());
            self.emit(Instr::Pop);
        }
        let bottom = self.here();
        for (jump, depth) in jumps {
            // `places[0]` pops `top - floor` values, the last one pops one.
            let target = match (top - depth) as usize {
                k if depth > floor => places.get(k).copied().unwrap_or(bottom),
                _ => bottom,
            };
            self.patch(jump, target);
        }
    }

    fn fail_if_false(&mut self, fails: &mut Fails) {
        let jump = self.emit(Instr::PopJumpIfFalse(0));
        fails.jumps.push((jump, fails.depth));
    }

    /// Matches the value on top (counted in `fails.depth`) and consumes it.
    fn pattern(
        &mut self,
        s: &mut Shared<'_>,
        p: &ast::Pattern,
        fails: &mut Fails,
    ) -> Result<(), Error> {
        let at = p.range().start().to_usize();
        self.nested(s, at)?;
        match p {
            ast::Pattern::MatchValue(v) => {
                self.expr(s, &v.value)?;
                self.emit(Instr::Compare(CmpOp::Eq));
                fails.depth -= 1;
                self.fail_if_false(fails);
            }
            ast::Pattern::MatchSingleton(v) => {
                let c = match v.value {
                    Constant::Bool(b) => Const::Bool(b),
                    _ => Const::None,
                };
                let id = s.constant(c);
                self.emit(Instr::LoadConst(id));
                self.emit(Instr::Compare(CmpOp::Is));
                fails.depth -= 1;
                self.fail_if_false(fails);
            }
            ast::Pattern::MatchAs(a) => {
                if let Some(inner) = &a.pattern {
                    self.emit(Instr::Dup);
                    fails.depth += 1;
                    self.pattern(s, inner, fails)?;
                }
                self.bind(s, a.name.as_ref());
                fails.depth -= 1;
            }
            ast::Pattern::MatchStar(star) => {
                self.bind(s, star.name.as_ref());
                fails.depth -= 1;
            }
            ast::Pattern::MatchOr(or) => self.alternatives(s, &or.patterns, fails)?,
            ast::Pattern::MatchSequence(seq) => self.sequence(s, &seq.patterns, fails)?,
            ast::Pattern::MatchMapping(map) => self.mapping(s, map, fails)?,
            ast::Pattern::MatchClass(class) => self.class_pattern(s, class, fails)?,
        }
        self.depth -= 1;
        Ok(())
    }

    fn bind(&mut self, s: &mut Shared<'_>, name: Option<&ast::Identifier>) {
        match name {
            Some(n) => self.store(s, n.as_str()),
            None => {
                self.emit(Instr::Pop);
            }
        }
    }

    fn alternatives(
        &mut self,
        s: &mut Shared<'_>,
        alts: &[ast::Pattern],
        fails: &mut Fails,
    ) -> Result<(), Error> {
        let Some((last, first)) = alts.split_last() else {
            return Ok(());
        };
        let floor = fails.depth;
        let mut matched = Vec::new();
        for alt in first {
            self.emit(Instr::Dup);
            let mut own = Fails::new(floor + 1);
            self.pattern(s, alt, &mut own)?;
            self.emit(Instr::Pop);
            matched.push(self.emit(Instr::Jump(0)));
            self.unwind(own.jumps, floor);
        }
        self.pattern(s, last, fails)?;
        let end = self.here();
        for jump in matched {
            self.patch(jump, end);
        }
        Ok(())
    }

    fn sequence(
        &mut self,
        s: &mut Shared<'_>,
        items: &[ast::Pattern],
        fails: &mut Fails,
    ) -> Result<(), Error> {
        let star = items
            .iter()
            .position(|p| matches!(p, ast::Pattern::MatchStar(_)));
        let n = items.len() as u32;
        self.emit(Instr::MatchSequence);
        self.fail_if_false(fails);
        self.emit(Instr::GetLen);
        let len = match star {
            Some(_) => n - 1,
            None => n,
        };
        let id = s.constant(Const::Int(i64::from(len)));
        self.emit(Instr::LoadConst(id));
        self.emit(Instr::Compare(if star.is_some() {
            CmpOp::Ge
        } else {
            CmpOp::Eq
        }));
        self.fail_if_false(fails);
        match star {
            Some(i) => self.emit(Instr::UnpackEx {
                before: i as u32,
                after: n - 1 - i as u32,
            }),
            None => self.emit(Instr::UnpackSequence(n)),
        };
        fails.depth = fails.depth - 1 + n;
        for item in items {
            self.pattern(s, item, fails)?;
        }
        Ok(())
    }

    fn mapping(
        &mut self,
        s: &mut Shared<'_>,
        map: &ast::PatternMatchMapping,
        fails: &mut Fails,
    ) -> Result<(), Error> {
        self.emit(Instr::MatchMapping);
        self.fail_if_false(fails);
        if !map.keys.is_empty() {
            self.emit(Instr::GetLen);
            let id = s.constant(Const::Int(map.keys.len() as i64));
            self.emit(Instr::LoadConst(id));
            self.emit(Instr::Compare(CmpOp::Ge));
            self.fail_if_false(fails);
        }
        for (key, value) in map.keys.iter().zip(&map.patterns) {
            // subject → subject key subject → subject bool; then subject subject[key].
            self.emit(Instr::Dup);
            self.expr(s, key)?;
            self.emit(Instr::Rot2);
            self.emit(Instr::Compare(CmpOp::In));
            self.fail_if_false(fails);
            self.emit(Instr::Dup);
            self.expr(s, key)?;
            self.emit(Instr::Subscript);
            fails.depth += 1;
            self.pattern(s, value, fails)?;
        }
        match &map.rest {
            Some(rest) => {
                // subject → subject {} → subject {} subject → subject rest (keys deleted).
                self.emit(Instr::BuildDict(0));
                self.emit(Instr::Dup2);
                self.emit(Instr::Pop);
                self.emit(Instr::DictMerge(0));
                for key in &map.keys {
                    self.emit(Instr::Dup);
                    self.expr(s, key)?;
                    self.emit(Instr::DeleteSubscript);
                }
                self.emit(Instr::Rot2);
                self.emit(Instr::Pop);
                self.store(s, rest.as_str());
            }
            None => {
                self.emit(Instr::Pop);
            }
        }
        fails.depth -= 1;
        Ok(())
    }

    fn class_pattern(
        &mut self,
        s: &mut Shared<'_>,
        class: &ast::PatternMatchClass,
        fails: &mut Fails,
    ) -> Result<(), Error> {
        self.expr(s, &class.cls)?;
        for attr in &class.kwd_attrs {
            let id = s.constant(Const::Str(attr.to_string()));
            self.emit(Instr::LoadConst(id));
        }
        self.emit(Instr::BuildTuple(class.kwd_attrs.len() as u32));
        self.emit(Instr::MatchClass(class.patterns.len() as u32));
        // The tuple of attributes, or None.
        self.emit(Instr::Dup);
        let none = s.constant(Const::None);
        self.emit(Instr::LoadConst(none));
        self.emit(Instr::Compare(CmpOp::IsNot));
        self.fail_if_false(fails);
        let n = (class.patterns.len() + class.kwd_patterns.len()) as u32;
        self.emit(Instr::UnpackSequence(n));
        fails.depth = fails.depth - 1 + n;
        for p in class.patterns.iter().chain(&class.kwd_patterns) {
            self.pattern(s, p, fails)?;
        }
        Ok(())
    }
}

/// CPython's compile-time checks of one case: a pattern that always matches (and has no guard)
/// only last, alternatives binding the same names, no name bound twice, no repeated literal
/// key or keyword attribute.
fn check_case(s: &Shared<'_>, case: &ast::MatchCase, last: bool) -> Result<(), Error> {
    let at = case.pattern.range().start().to_usize();
    if !last
        && case.guard.is_none()
        && let Some(what) = irrefutable(&case.pattern)
    {
        return Err(s.error(
            at,
            "SyntaxError",
            format!("{what} makes remaining patterns unreachable"),
        ));
    }
    bound_names(s, &case.pattern)?;
    Ok(())
}

/// What makes a pattern always match ("wildcard", "name capture 'x'"), if it does.
fn irrefutable(p: &ast::Pattern) -> Option<String> {
    match p {
        ast::Pattern::MatchAs(a) => match (&a.pattern, &a.name) {
            (Some(inner), _) => irrefutable(inner),
            (None, Some(name)) => Some(format!("name capture '{name}'")),
            (None, None) => Some("wildcard".to_owned()),
        },
        ast::Pattern::MatchOr(or) => or.patterns.iter().find_map(irrefutable),
        _ => None,
    }
}

/// The names a pattern binds, checking the rules on them.
fn bound_names(s: &Shared<'_>, p: &ast::Pattern) -> Result<BTreeSet<String>, Error> {
    let at = p.range().start().to_usize();
    let mut names = BTreeSet::new();
    let add = |names: &mut BTreeSet<String>, name: &str| {
        if names.insert(name.to_owned()) {
            Ok(())
        } else {
            Err(s.error(
                at,
                "SyntaxError",
                format!("multiple assignments to name '{name}' in pattern"),
            ))
        }
    };
    let union = |names: &mut BTreeSet<String>, sub: &ast::Pattern| -> Result<(), Error> {
        for name in bound_names(s, sub)? {
            add(names, &name)?;
        }
        Ok(())
    };
    match p {
        ast::Pattern::MatchValue(_) | ast::Pattern::MatchSingleton(_) => {}
        ast::Pattern::MatchAs(a) => {
            if let Some(inner) = &a.pattern {
                union(&mut names, inner)?;
            }
            if let Some(name) = &a.name {
                add(&mut names, name.as_str())?;
            }
        }
        ast::Pattern::MatchStar(star) => {
            if let Some(name) = &star.name {
                add(&mut names, name.as_str())?;
            }
        }
        ast::Pattern::MatchSequence(seq) => {
            let stars = seq
                .patterns
                .iter()
                .filter(|p| matches!(p, ast::Pattern::MatchStar(_)))
                .count();
            if stars > 1 {
                return Err(s.error(
                    at,
                    "SyntaxError",
                    "multiple starred names in sequence pattern",
                ));
            }
            for sub in &seq.patterns {
                union(&mut names, sub)?;
            }
        }
        ast::Pattern::MatchMapping(map) => {
            let mut literals = Vec::new();
            for key in &map.keys {
                if let ast::Expr::Constant(c) = key {
                    if literals.contains(&&c.value) {
                        let shown = match &c.value {
                            Constant::Str(t) => format!("'{t}'"),
                            Constant::Int(i) => i.to_string(),
                            Constant::Float(f) => f.to_string(),
                            Constant::Bool(b) => if *b { "True" } else { "False" }.to_owned(),
                            Constant::None => "None".to_owned(),
                            other => format!("{other:?}"),
                        };
                        return Err(s.error(
                            at,
                            "SyntaxError",
                            format!("mapping pattern checks duplicate key ({shown})"),
                        ));
                    }
                    literals.push(&c.value);
                }
            }
            for sub in &map.patterns {
                union(&mut names, sub)?;
            }
            if let Some(rest) = &map.rest {
                add(&mut names, rest.as_str())?;
            }
        }
        ast::Pattern::MatchClass(class) => {
            let mut seen: Vec<&str> = Vec::new();
            for attr in &class.kwd_attrs {
                if seen.contains(&attr.as_str()) {
                    return Err(s.error(
                        at,
                        "SyntaxError",
                        format!("attribute name repeated in class pattern: {attr}"),
                    ));
                }
                seen.push(attr.as_str());
            }
            for sub in class.patterns.iter().chain(&class.kwd_patterns) {
                union(&mut names, sub)?;
            }
        }
        ast::Pattern::MatchOr(or) => {
            let mut first: Option<BTreeSet<String>> = None;
            for (i, alt) in or.patterns.iter().enumerate() {
                if i + 1 < or.patterns.len()
                    && let Some(what) = irrefutable(alt)
                {
                    return Err(s.error(
                        alt.range().start().to_usize(),
                        "SyntaxError",
                        format!("{what} makes remaining patterns unreachable"),
                    ));
                }
                let alt_names = bound_names(s, alt)?;
                match &first {
                    None => first = Some(alt_names),
                    Some(f) if *f != alt_names => {
                        return Err(s.error(
                            at,
                            "SyntaxError",
                            "alternative patterns bind different names",
                        ));
                    }
                    Some(_) => {}
                }
            }
            names = first.unwrap_or_default();
        }
    }
    Ok(names)
}

/// The names a pattern binds and the expressions it evaluates, for scope analysis.
pub(crate) fn visit(
    p: &ast::Pattern,
    bind: &mut dyn FnMut(&str),
    read: &mut dyn FnMut(&ast::Expr),
) {
    match p {
        ast::Pattern::MatchValue(v) => read(&v.value),
        ast::Pattern::MatchSingleton(_) => {}
        ast::Pattern::MatchAs(a) => {
            if let Some(inner) = &a.pattern {
                visit(inner, bind, read);
            }
            if let Some(name) = &a.name {
                bind(name.as_str());
            }
        }
        ast::Pattern::MatchStar(star) => {
            if let Some(name) = &star.name {
                bind(name.as_str());
            }
        }
        ast::Pattern::MatchSequence(seq) => {
            seq.patterns.iter().for_each(|sub| visit(sub, bind, read));
        }
        ast::Pattern::MatchMapping(map) => {
            map.keys.iter().for_each(&mut *read);
            map.patterns.iter().for_each(|sub| visit(sub, bind, read));
            if let Some(rest) = &map.rest {
                bind(rest.as_str());
            }
        }
        ast::Pattern::MatchClass(class) => {
            read(&class.cls);
            class
                .patterns
                .iter()
                .chain(&class.kwd_patterns)
                .for_each(|sub| visit(sub, bind, read));
        }
        ast::Pattern::MatchOr(or) => or.patterns.iter().for_each(|sub| visit(sub, bind, read)),
    }
}
