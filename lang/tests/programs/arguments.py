def greet(name, greeting="Hello", punctuation="!"):
    return greeting + ", " + name + punctuation

print(greet("Ann"))
print(greet("Ben", "Hi"))
print(greet("Cy", punctuation="?"))
print(greet(greeting="Yo", name="Di"))

def power(base, exponent=2):
    return base ** exponent

print(power(3), power(2, 10), power(exponent=3, base=2))
print("a", "b", "c", sep="-")
print("no newline", end="")
print(" then newline")
print("x", 1, None, sep="", end="|\n")

def accumulate(value, into=[]):
    into.append(value)
    return into

print(accumulate(1), accumulate(2))


for bad in ["missing", "extra", "unknown", "twice"]:
    try:
        if bad == "missing":
            greet()
        elif bad == "extra":
            power(1, 2, 3)
        elif bad == "unknown":
            greet("Ed", colour="red")
        else:
            greet("Fa", name="Fa")
    except TypeError as e:
        print("TypeError:", e)
