# `...` as a body and as a value.
def stub(): ...
class Proto:
    def method(self) -> int: ...
print(stub(), Proto().method(), ..., Ellipsis, ... is Ellipsis, type(...).__name__, repr(...))
x = [1, 2, 3]
print(x[...] if False else 'skip', bool(...), {...: 1}[Ellipsis])
