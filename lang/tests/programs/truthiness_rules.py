class Empty:
    def __len__(self):
        return 0
class Falsy:
    def __bool__(self):
        return False
class Default:
    pass
values = [0, 0.0, "", [], (), {}, set(), None, False, Empty(), Falsy(), Default(), 1, "0", [0], range(0), range(1)]
print([bool(v) for v in values])
print([type(v).__name__ for v in values if not v])
print(not Empty(), bool(Default()), Empty() or "fallback", bool(Falsy() and "never"))
