class Animal:
    def __init__(self, name):
        self.name = name
    def speak(self):
        raise NotImplementedError
    def intro(self):
        return f"I am {self.name} and I say {self.speak()}"

class Dog(Animal):
    def speak(self):
        return "woof"

class Cat(Animal):
    def speak(self):
        return "meow"

class Puppy(Dog):
    def speak(self):
        return super().speak().upper() + "!"

for a in [Dog("rex"), Cat("tom"), Puppy("bit")]:
    print(a.intro())
try:
    Animal("x").intro()
except NotImplementedError:
    print("abstract")
print([type(a).__name__ for a in (Dog("a"), Cat("b"))])
