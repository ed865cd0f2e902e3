from operator import itemgetter, attrgetter, methodcaller
rows = [('bob', 31, 'ny'), ('al', 25, 'sf'), ('cy', 31, 'la'), ('di', 19, 'ny')]
print(sorted(rows, key=itemgetter(1)))
print(sorted(rows, key=itemgetter(1, 0)))
print(list(map(itemgetter(0), rows)), itemgetter(slice(0, 2))(rows[0]), itemgetter(0, 2)(rows[0]))
class P:
    def __init__(self, name, age):
        self.name = name
        self.age = age
        self.inner = self
    def greet(self, greeting, punct='!'):
        return greeting + ', ' + self.name + punct
people = [P('zed', 40), P('amy', 22), P('kim', 33)]
print([p.name for p in sorted(people, key=attrgetter('age'))])
print(attrgetter('name', 'age')(people[0]), attrgetter('inner.inner.name')(people[1]))
print(methodcaller('greet', 'hi')(people[2]), methodcaller('greet', 'yo', punct='?')(people[0]))
print(list(map(methodcaller('upper'), ['a', 'bc'])), methodcaller('split', ',')('x,y,z'))
print(itemgetter(1), attrgetter('a', 'b'), methodcaller('m', 1, k=2))
