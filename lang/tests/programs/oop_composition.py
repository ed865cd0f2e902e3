class Engine:
    def __init__(self, hp):
        self.hp = hp
        self.running = False
    def start(self):
        self.running = True
        return self

class Wheel:
    def __init__(self, pos):
        self.pos = pos

class Car:
    def __init__(self, name, hp):
        self.name = name
        self.engine = Engine(hp)
        self.wheels = [Wheel(p) for p in ("fl", "fr", "rl", "rr")]
    def drive(self):
        self.engine.start()
        return f"{self.name} driving with {self.engine.hp}hp on {len(self.wheels)} wheels"

car = Car("mini", 90)
print(car.engine.running, car.drive(), car.engine.running)
print([w.pos for w in car.wheels], car.wheels[2].pos.upper())
car.engine.hp += 10
print(car.engine.hp)
