class Plain:
    pass

p = Plain()
r = repr(p)
print(r.startswith("<__main__.Plain object at 0x"), str(p) == r)
print(type(p), Plain, type(Plain).__name__ if False else "type")
class WithStr:
    def __str__(self):
        return "custom"
w = WithStr()
print(w, str(w), repr(w).startswith("<__main__.WithStr"))
