people = [("alice", 32, "nyc"), ("bob", 25, "sf"), ("carol", 32, "la"), ("dave", 25, "nyc")]
print(sorted(people, key=lambda p: p[1]))
print(sorted(people, key=lambda p: (-p[1], p[0])))
print(sorted(people, key=lambda p: p[2], reverse=True)[0])
by_city = {}
for name, age, city in people:
    by_city.setdefault(city, []).append(name)
print(sorted(by_city.items()))
ages = list(map(lambda p: p[1], people))
print(ages, list(filter(lambda a: a > 30, ages)))
apply = lambda f, *args: f(*args)
print(apply(max, 3, 9, 2), apply(lambda: "no args"))
print((lambda x, y=2: x ** y)(5), (lambda *a: len(a))(1, 2, 3))
