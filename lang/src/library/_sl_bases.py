# The classes a user class derives from when it names a builtin type as a base (`class
# Registry(dict)`, `class Stack(list)`, `class Tag(str)`): the VM substitutes these, so the
# class's `__mro__` reads `(<class 'Registry'>, <class 'dict'>, <class 'object'>)` and its
# instances are `isinstance(x, dict)`.
#
# The classes are `dict_` (module `_sl_base_dict`), `list_` (`_sl_base_list`), …, one module
# each so a program carries only the ones it derives from; this module holds what they share.
# The VM names each class `dict`, `list`, … when it first substitutes it, and each says
# `__module__ = 'builtins'`, so they print as the builtins do.
#
# Each instance keeps the builtin value in `_sl_v`, made by `__new__` (so a subclass's own
# `__init__` need not call the base's, as in CPython). Methods and operators delegate to it,
# which is CPython's behaviour too: a builtin's methods do not call a subclass's overrides
# (`dict.update` does not call `__setitem__`), and the ones that make a new value return the
# builtin type (`Stack([1]) + [2]` is a list). Names that the builtin does not have raise
# AttributeError naming the subclass.
#
# Differences from CPython: `vars(x)` shows `_sl_v`; the VM's own builtins take an instance
# as the value inside only where docs/lang.md says (`bin`, `math`, `str.join` items, …).
import _sl


def _v(x):
    # The builtin value inside a wrapped instance, else `x`.
    if _sl.is_instance(x) and hasattr(type(x), '_sl_builtin_base'):
        return x._sl_v
    return x


class _Base:
    def __getattr__(self, name):
        if name == '_sl_v':
            raise AttributeError("'" + type(self).__name__ + "' object has no attribute '_sl_v'")
        try:
            return getattr(self._sl_v, name)
        except AttributeError:
            pass
        raise AttributeError("'" + type(self).__name__ + "' object has no attribute '" + name + "'")

    def __repr__(self):
        return repr(self._sl_v)

    def __eq__(self, other):
        return self._sl_v == _v(other)

    def __ne__(self, other):
        return self._sl_v != _v(other)

    def __copy__(self):
        new = object.__new__(type(self))
        for k, x in vars(self).items():
            object.__setattr__(new, k, x)
        v = self._sl_v
        if isinstance(v, (dict, list, set)):
            object.__setattr__(new, '_sl_v', v.copy())
        return new

    def __deepcopy__(self, memo):
        import copy
        new = object.__new__(type(self))
        memo[id(self)] = new
        for k, x in vars(self).items():
            object.__setattr__(new, k, copy.deepcopy(x, memo))
        return new


class _Container:
    def __len__(self):
        return len(self._sl_v)

    def __iter__(self):
        return iter(self._sl_v)

    def __contains__(self, item):
        return item in self._sl_v


class _Compare:
    # Order comparisons, for all but dict: the builtin's own, on the value inside.
    def __lt__(self, other):
        return self._sl_v < _v(other)

    def __le__(self, other):
        return self._sl_v <= _v(other)

    def __gt__(self, other):
        return self._sl_v > _v(other)

    def __ge__(self, other):
        return self._sl_v >= _v(other)


# The shared methods go into each class itself: the classes' MRO stays the builtin's
# (`(Registry, dict, object)`), with no helper class on it.
_mix = _sl.mix
