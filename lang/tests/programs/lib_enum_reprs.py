# enum's reprs, strs, formats, lookups and errors for Enum, IntEnum, StrEnum, Flag and IntFlag
# (CPython 3.11's exact texts), composite flags and their names, aliases, copies.
from enum import Enum, IntEnum, Flag, IntFlag, StrEnum, auto, unique
class Perm(Flag):
    R = 4; W = 2; X = 1
    RW = 6
print(repr(Perm.R|Perm.W), str(Perm.R|Perm.W), repr(Perm(0)), str(Perm(0)), repr(~Perm.R), list(Perm), list(Perm.R|Perm.X), len(Perm.RW), repr(Perm), list(Perm.__members__.keys()))
class P2(IntFlag):
    R = 4; W = 2; X = 1
print(repr(P2.R|P2.W), str(P2.R|P2.W), repr(~P2.R), repr(P2(8)), repr(P2.R | 8), str(P2.R), format(P2.R), P2.R + 1, repr(P2(0)))
try: Perm(8)
except Exception as e: print(type(e).__name__, e)
class C(Enum):
    A = auto(); B = auto()
print(repr(C.A), repr(C), format(C.A), f"{C.A:>10}|", str(C))
class N(IntEnum):
    ONE = 1
print(str(N.ONE), f"{N.ONE}", repr(N.ONE), N.ONE + 1, N.ONE == 1, hash(N.ONE)==hash(1))
class F(Flag):
    A = auto(); B = auto(); C = auto()
print(repr(F.A|F.C), F.C.value, repr(~F.A), bool(F(0)))
try: 1 in C
except Exception as e: print(type(e).__name__, e)
try: C(5)
except Exception as e: print(type(e).__name__, e)
try: C['Z']
except Exception as e: print(type(e).__name__, e)
try:
    class D(C): Z = 1
except Exception as e: print(type(e).__name__, e)
try:
    @unique
    class U(Enum):
        A = 1; B = 1; C = 2; D = 2
except Exception as e: print(type(e).__name__, e)
try: C.A < C.B
except Exception as e: print(type(e).__name__, e)
class S(StrEnum):
    A = auto(); B = 'bee'
print(repr(S.A), str(S.A), S.B == 'bee', f"{S.B}")
print(type(C).__name__, isinstance(C, type), type(C.A) is C, C.A.__class__)
print(Perm.R in Perm.RW, repr(Perm.RW), repr(Perm(6)), Perm(6) is Perm.RW)
print(repr(Perm.R ^ Perm.RW), repr(Perm.RW & Perm.W))
print(repr(~Perm.RW), repr(~Perm(0)))
import copy; print(copy.copy(C.A) is C.A, copy.deepcopy(C.A) is C.A)
for bad in (lambda: Perm.R | 1, lambda: 1 | Perm.R, lambda: Perm.R & F.A):
    try:
        bad()
    except TypeError as e:
        print('TypeError:', e)
print(repr(P2.R | 1), repr(3 | P2.R), repr(P2.W & 2), repr(P2.X ^ P2.X))
print([m.name for m in P2], P2.R in P2, P2(4) is P2.R, P2.R == 4, sorted([P2.R, P2.X, P2.W]))
