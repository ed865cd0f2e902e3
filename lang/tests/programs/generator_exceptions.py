def careful(xs):
    for x in xs:
        try:
            yield 10 / x
        except GeneratorExit:
            print("closing at", x)
            raise
        finally:
            pass

g = careful([1, 2, 0, 4])
print(next(g), next(g))
try:
    next(g)
except ZeroDivisionError as e:
    print("error from generator:", e)
print(next(g, "finished"))
h = careful([5, 6])
print(next(h))
h.close()
print(next(h, "closed"))
