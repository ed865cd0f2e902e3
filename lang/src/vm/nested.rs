//! Running Python code from inside an instruction: special methods called by builtins (`__eq__`
//! while sorting, `__repr__` while printing a list, `__next__` while summing) and generators
//! driven by a builtin. The frames run above a floor until they return; the budget does not
//! apply inside (only the deadline), and a snapshot is never taken there, because part of the
//! state is then on the Rust stack. Calls whose result goes straight onto the operand stack
//! (`__init__`, `__getitem__`, `__add__`, generators in `for` loops) do not come here: they push
//! a frame and stay resumable.

use super::{Raise, Vm, raise};
use crate::frame::{FrameKind, GeneratorEnd};
use crate::heap::Object;
use crate::value::Value;

/// Nested runs one may stack (each holds Rust stack; RecursionError beyond).
const NESTED_MAX: usize = 200;

impl Vm {
    /// Calls `callee` and runs it to completion; its return value.
    pub(super) fn call_sync(
        &mut self,
        callee: Value,
        args: Vec<Value>,
        kwargs: Vec<(String, Value)>,
    ) -> Result<Value, Raise> {
        let floor = self.state.frames.len();
        self.call_with(callee, args, kwargs)?;
        if self.state.frames.len() > floor {
            self.run_nested(floor)?;
        }
        self.pop()
    }

    /// Runs the frames above `floor` until they have all returned. An exception none of them
    /// handles comes back as the error, with its traceback so far.
    pub(super) fn run_nested(&mut self, floor: usize) -> Result<(), Raise> {
        if self.nested >= NESTED_MAX {
            self.state.frames.truncate(floor);
            return raise(
                "RecursionError",
                "maximum recursion depth exceeded while calling a Python object",
            );
        }
        self.nested += 1;
        let result = self.run_nested_inner(floor);
        self.nested -= 1;
        result
    }

    fn run_nested_inner(&mut self, floor: usize) -> Result<(), Raise> {
        // Instructions until the deadline is looked at again.
        let mut until_look: u64 = 1023;
        while self.state.frames.len() > floor {
            if until_look == 0 {
                if self.deadline_passed() {
                    return Err(Raise::Stop);
                }
                until_look = 1024;
            }
            let (ran, result) = self.run_some(floor, until_look);
            until_look = until_look.saturating_sub(ran);
            match result {
                Ok(_) => {}
                Err(Raise::Stop) => return Err(Raise::Stop),
                Err(raised) => {
                    if let Some(object) = self.unwind_to(raised, floor) {
                        return Err(Raise::Object(object));
                    }
                }
            }
        }
        Ok(())
    }

    /// Resumes generator `r` (sending `sent`); how its next yield or its end shows is `on_end`.
    /// For `ForIter` the caller has already pushed the iterator back.
    pub(super) fn resume_generator(
        &mut self,
        r: u32,
        sent: Value,
        on_end: GeneratorEnd,
    ) -> Result<(), Raise> {
        if self.state.frames.len() >= super::RECURSION_MAX {
            return raise("RecursionError", "maximum recursion depth exceeded");
        }
        let Some(Object::Generator(g)) = self.state.heap.get_mut(r) else {
            return raise("SystemError", "not a generator");
        };
        if g.running {
            return raise("ValueError", "generator already executing");
        }
        let Some(mut frame) = g.frame.take() else {
            return match on_end {
                GeneratorEnd::ForIter(target) => {
                    self.pop()?;
                    self.frame()?.pc = target;
                    Ok(())
                }
                GeneratorEnd::Delegate(target) => self.end_delegation(target, Value::None),
                GeneratorEnd::Raise => raise("StopIteration", ""),
                GeneratorEnd::Native => {
                    self.generator_returned = true;
                    Ok(())
                }
            };
        };
        if g.started {
            frame.stack.push(sent);
        } else if sent != Value::None {
            g.frame = Some(frame);
            return raise(
                "TypeError",
                "can't send non-None value to a just-started generator",
            );
        }
        g.started = true;
        g.running = true;
        frame.kind = FrameKind::Generator { object: r, on_end };
        self.state.frames.push(frame);
        Ok(())
    }

    /// The generator's next value, run to its next `yield` from Rust; `None` when it is done.
    pub(super) fn generator_next_native(&mut self, r: u32) -> Result<Option<Value>, Raise> {
        let floor = self.state.frames.len();
        self.generator_returned = false;
        self.resume_generator(r, Value::None, GeneratorEnd::Native)?;
        if self.state.frames.len() > floor {
            self.run_nested(floor)?;
        }
        if self.generator_returned {
            self.generator_returned = false;
            Ok(None)
        } else {
            self.pop().map(Some)
        }
    }

    /// `yield`: the frame goes back into its generator and the value to whoever resumed it.
    pub(super) fn yield_value(&mut self) -> Result<(), Raise> {
        let value = self.pop()?;
        let Some(mut frame) = self.state.frames.pop() else {
            return raise("SystemError", "no frame");
        };
        let FrameKind::Generator { object, on_end } = frame.kind else {
            return raise("SystemError", "yield outside a generator frame");
        };
        frame.kind = FrameKind::Call;
        match self.state.heap.get_mut(object) {
            Some(Object::Generator(g)) => {
                g.frame = Some(frame);
                g.running = false;
            }
            _ => return raise("SystemError", "not a generator"),
        }
        if on_end == GeneratorEnd::Native {
            self.generator_returned = false;
        }
        self.push(value)
    }

    /// `generator.throw(exc)`: raises `exc` where the generator is paused; what it yields next
    /// (or raises) is the call's result.
    pub(super) fn generator_throw(&mut self, r: u32, exc: Value) -> Result<(), Raise> {
        let object = self.exception_to_raise(exc)?;
        let paused = matches!(self.state.heap.get(r), Some(Object::Generator(g)) if g.started && g.frame.is_some());
        if !paused {
            self.generator_finished(r);
            return Err(Raise::Object(object));
        }
        self.resume_generator(r, Value::None, GeneratorEnd::Raise)?;
        // The value a `yield` would have received: the exception takes its place.
        self.pop()?;
        Err(Raise::Object(object))
    }

    /// `yield from`'s step (stack `iterator`; `sent` came in at its `yield`): a generator
    /// resumes with it; any other iterator's `__next__` (for None) or `send` gives the next
    /// value to yield. The inner iterator's end ends the delegation with its return value
    /// (a StopIteration's value), as PEP 380.
    pub(super) fn delegate_send(&mut self, t: u32, sent: Value) -> Result<(), Raise> {
        let it = self.pop()?;
        self.push(it)?;
        if let Value::Ref(r) = it
            && matches!(self.object(r)?, Object::Generator(_))
        {
            return self.resume_generator(r, sent, GeneratorEnd::Delegate(t));
        }
        let step = if sent == Value::None {
            match self.next_or_return(it)? {
                Ok(item) => return self.push(item),
                Err(returned) => return self.end_delegation(t, returned),
            }
        } else {
            let send = self.get_attr(it, "send")?;
            self.call_sync(send, vec![sent], Vec::new())
        };
        match self.stop_value(step)? {
            Ok(item) => self.push(item),
            Err(returned) => self.end_delegation(t, returned),
        }
    }

    /// The next item of a non-generator iterator, or (as `Err`) the value it ended with.
    fn next_or_return(&mut self, it: Value) -> Result<Result<Value, Value>, Raise> {
        // `iter(instance)` may have wrapped the instance: its `__next__` is what runs.
        let it = match it {
            Value::Ref(r) => match self.object(r)? {
                Object::Iter(crate::heap::Iter::Instance(i)) => Value::Ref(*i),
                _ => it,
            },
            _ => it,
        };
        if let Value::Ref(r) = it
            && matches!(self.object(r)?, Object::Instance { .. })
        {
            return self.instance_step(it);
        }
        Ok(self.next(it)?.ok_or(Value::None))
    }

    /// A call's result, or (as `Err`) the value of the StopIteration it raised.
    pub(super) fn stop_value(
        &mut self,
        step: Result<Value, Raise>,
    ) -> Result<Result<Value, Value>, Raise> {
        match step {
            Ok(v) => Ok(Ok(v)),
            Err(Raise::Object(e)) if self.is_exception(e, "StopIteration") => {
                let value = match self.object(e)? {
                    Object::Exception { args, .. } => args.first().copied().unwrap_or(Value::None),
                    _ => Value::None,
                };
                Ok(Err(value))
            }
            Err(Raise::New("StopIteration", _)) => Ok(Err(Value::None)),
            Err(other) => Err(other),
        }
    }

    /// The delegation is over: its value replaces the iterator, and the jump to `t`.
    fn end_delegation(&mut self, t: u32, returned: Value) -> Result<(), Raise> {
        self.pop()?;
        self.push(returned)?;
        self.frame()?.pc = t;
        Ok(())
    }

    /// An exception thrown in at `yield from`'s `yield` (stack `iterator, exc`), as PEP 380
    /// says: GeneratorExit closes the inner generator and goes on up; any other exception is
    /// raised where a paused inner generator is paused, which then yields again (the delegation
    /// goes on), returns (the jump to `t`, as a `for` loop's end) or raises (here). An inner
    /// iterator that is not a generator has no `throw`: the exception is raised here.
    pub(super) fn delegate_throw(&mut self, t: u32) -> Result<(), Raise> {
        let exc = self.pop()?;
        let it = self.pop()?;
        self.push(it)?;
        let Value::Ref(object) = exc else {
            return raise("SystemError", "yield from: no exception to throw");
        };
        let inner = match it {
            Value::Ref(r) => match self.object(r)? {
                Object::Generator(g) => Some((r, g.started && g.frame.is_some() && !g.running)),
                _ => None,
            },
            _ => None,
        };
        if self.is_exception(object, "GeneratorExit") {
            match inner {
                Some((r, _)) => self.generator_close(r)?,
                // Another iterator's own `close`, if it has one.
                None => {
                    if let Some(close) = self.lookup_attr(it, "close")? {
                        self.call_sync(close, Vec::new(), Vec::new())?;
                    }
                }
            }
            // Thrown in at this frame's `yield from`, which is already in its traceback.
            return Err(Raise::Again(object));
        }
        match inner {
            Some((r, true)) => {
                self.resume_generator(r, Value::None, GeneratorEnd::Delegate(t))?;
                // The value its `yield` would have received: the exception takes its place.
                self.pop()?;
            }
            // Not started (or already done): thrown into, it is finished, as CPython's.
            Some((r, false)) if !self.generator_running(r) => self.generator_finished(r),
            Some(_) => {}
            // Another iterator's own `throw`, if it has one: what it returns is yielded next;
            // its StopIteration ends the delegation.
            None => {
                if let Some(throw) = self.lookup_attr(it, "throw")? {
                    let step = self.call_sync(throw, vec![exc], Vec::new());
                    return match self.stop_value(step)? {
                        Ok(item) => self.push(item),
                        Err(returned) => self.end_delegation(t, returned),
                    };
                }
            }
        }
        Err(Raise::Again(object))
    }

    /// `generator.close()`: GeneratorExit where it is paused, so its `finally` blocks run.
    pub(super) fn generator_close(&mut self, r: u32) -> Result<(), Raise> {
        let paused = matches!(self.state.heap.get(r), Some(Object::Generator(g)) if g.started && g.frame.is_some());
        if !paused {
            self.generator_finished(r);
            return Ok(());
        }
        let floor = self.state.frames.len();
        self.generator_returned = false;
        self.resume_generator(r, Value::None, GeneratorEnd::Native)?;
        self.pop()?;
        let mut exit = match self.exception_object(Raise::New("GeneratorExit", String::new())) {
            Ok(e) => e,
            Err(_) => return raise("MemoryError", ""),
        };
        if !self.unwind_frames(&mut exit, floor, true) {
            return Ok(());
        }
        match self.run_nested(floor) {
            Ok(()) if self.generator_returned => {
                self.generator_returned = false;
                Ok(())
            }
            Ok(()) => {
                self.pop()?;
                raise("RuntimeError", "generator ignored GeneratorExit")
            }
            Err(Raise::Object(e))
                if self.is_exception(e, "GeneratorExit")
                    || self.is_exception(e, "StopIteration") =>
            {
                Ok(())
            }
            Err(other) => Err(other),
        }
    }

    pub(super) fn is_exception(&self, e: u32, kind: &str) -> bool {
        let class = super::exception_index(kind);
        matches!(self.state.heap.get(e), Some(Object::Exception { class: c, .. }) if super::derives(*c, class))
    }

    fn generator_running(&self, r: u32) -> bool {
        matches!(self.state.heap.get(r), Some(Object::Generator(g)) if g.running)
    }

    /// A generator's frame returned (or raised out): it is finished.
    pub(super) fn generator_finished(&mut self, object: u32) {
        if let Some(Object::Generator(g)) = self.state.heap.get_mut(object) {
            g.frame = None;
            g.running = false;
        }
    }
}
