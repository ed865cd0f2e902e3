# Truth of empty and non-empty builtin containers in not/if/and/or/while.
for v in [[], [0], (), (1,), '', 'a', b'', b'x', {}, {1: 2}, set(), {1}, frozenset(), None, 0, 1, 0.0, 2.5]:
    print(repr(v), not v, bool(v), 'y' if v else 'n', v or 'alt', v and 'and')
    while v:
        break
