class MathUtil:
    factor = 3
    @staticmethod
    def double(x):
        return 2 * x
    @classmethod
    def triple(cls, x):
        return cls.factor * x
    @classmethod
    def create(cls):
        return cls()

class Sub(MathUtil):
    factor = 5

print(MathUtil.double(4), MathUtil().double(5))
print(MathUtil.triple(2), Sub.triple(2), Sub().triple(1))
print(type(Sub.create()).__name__, type(MathUtil.create()).__name__)
