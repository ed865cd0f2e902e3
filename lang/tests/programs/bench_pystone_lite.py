# A Dhrystone/pystone-flavoured integer and record workload (written anew for the corpus).
class Record:
    def __init__(self, ptr=None, discr=0, enum=0, intc=0, s=''):
        self.ptr = ptr
        self.discr = discr
        self.enum = enum
        self.intc = intc
        self.s = s
    def copy(self):
        return Record(self.ptr, self.discr, self.enum, self.intc, self.s)
def proc1(r):
    nxt = r.ptr.copy()
    r.intc = 5
    nxt.intc = r.intc
    nxt.ptr = r.ptr
    nxt.intc = proc7(nxt.intc, 10)
    return r
def proc7(a, b):
    return a + b + 2
def func1(c1, c2):
    return 'A' if c1 != c2 else 'B'
glob = Record(Record(), 0, 2, 40, 'DHRYSTONE PROGRAM, SOME STRING')
total = 0
arr = [0] * 51
for loop in range(3000):
    int1 = 2
    int2 = 3
    int3 = int2 * int1 - int1 // 2 + loop % 7
    proc1(glob)
    arr[loop % 51] += int3
    total += proc7(int1, int3) + (1 if func1('A', 'C') == 'A' else 0)
print(total, sum(arr), glob.intc, arr[:5])
