# types and keyword.
import keyword
import types

ns = types.SimpleNamespace(a=1, b="x")
ns.c = [1]
print(ns, ns.a, ns == types.SimpleNamespace(a=1, b="x", c=[1]), ns == types.SimpleNamespace(a=1), types.SimpleNamespace())
del ns.a
print(ns, vars(ns))
def f():
    yield 1
class K:
    def m(self):
        pass
print(isinstance(f, types.FunctionType), isinstance(lambda: 0, types.LambdaType), isinstance(f(), types.GeneratorType), isinstance(K().m, types.MethodType), isinstance(len, types.BuiltinFunctionType), isinstance(types, types.ModuleType), types.NoneType is type(None))
print(keyword.iskeyword("for"), keyword.iskeyword("match"), keyword.issoftkeyword("match"), len(keyword.kwlist), keyword.softkwlist)
try:
    types.SimpleNamespace({"a": 1})
except TypeError as e:
    print("TypeError", e)
